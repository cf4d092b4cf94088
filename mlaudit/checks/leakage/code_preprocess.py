"""LEAK-CODE-PREPROCESS: No preprocessing fitted before the train/test split."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.code import code_check_result


@register
class CodePreprocess(Check):
    id = "LEAK-CODE-PREPROCESS"
    title = "No preprocessing fitted before the train/test split"
    area = "leakage"
    help = (
        "Static data-flow analysis of scripts and notebook cells (in order): fails when a scaler, imputer, encoder, "
        "selector, PCA, vectorizer or outlier filter is fitted (fit, fit_transform, fit_predict) on data that later "
        "reaches both sides of a split (train_test_split, CV folds, cross_val_score, a search, a slice named train/test), "
        "also across scripts through a file one writes and another reads. A Pipeline inside cross-validation passes."
    )
    recommendation = "Split first; fit preprocessing on the training part only (or put it in a Pipeline evaluated with cross-validation)."
    markers = ("data leakage",)
    ml_test_score = ()  # leakage has no ML Test Score test of its own
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        return code_check_result(self, ctx, "preprocessing-before-split")
