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
        "Static data-flow analysis of scripts and notebook cells (in saved run order when the execution counts tell "
        "it, else file order): fails when a scaler, imputer, encoder, selector, PCA, vectorizer, tokenizer, outlier "
        "filter or a wrapper of them (ColumnTransformer, make_pipeline, DataFrameMapper) is fitted on data that later "
        "reaches both sides of a split (train_test_split, CV folds and hand-written fold loops, cross_val_score, a "
        "search, random_split, np.split, Keras validation_split, a slice named train/test, a joined train+test frame "
        "cut apart again), or when a statistic (mean, median, std, quantile...) of rows including the test rows fills "
        "or scales the training part; followed through user functions, classes, lambdas and conditional expressions, "
        "and across scripts through a file one writes and another reads (paths must match as paths). When the data "
        "is in the repository, the evidence gives the measured effect: how far the fitted statistics move with the "
        "test rows in, and the impact (low under 1% of a standard deviation, high from 5%). A Pipeline inside "
        "cross-validation passes. A file named like a test set that the code splits and trains on a part of is the "
        "whole data set: statistics taken on it before that split are reported here. Python 2 code is read through "
        "the tolerant parse path (rewritten on the same lines); lines it had to skip are named in the evidence."
    )
    recommendation = "Split first; fit preprocessing on the training part only (or put it in a Pipeline evaluated with cross-validation)."
    markers = ("data leakage",)
    ml_test_score = ()  # leakage has no ML Test Score test of its own
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        return code_check_result(self, ctx, "preprocessing-before-split")
