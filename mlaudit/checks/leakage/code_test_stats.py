"""LEAK-CODE-TEST-STATS: Test data prepared with training statistics only."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.code import code_check_result


@register
class CodeTestStats(Check):
    id = "LEAK-CODE-TEST-STATS"
    title = "Test data prepared with training statistics only"
    area = "leakage"
    help = (
        "Fails when a held-out part cut by a split is scaled or imputed with statistics computed on itself (a scaler "
        "fitted on X_test, X_test.fillna(X_test.mean())), when test data prepared that way is scored, or when the "
        "training set is prepared with test statistics. A separate, unlabelled test file (a competition's) prepared "
        "with its own statistics and only predicted on is not reported; per-row statistics (axis=1), statistics of "
        "one sample taken while iterating the rows or images, and t-SNE plots of the test part are not statistics "
        "of other rows. Roles are decided by use, not by name: a file named like a test set that the code splits and "
        "trains on is the whole data set (see LEAK-CODE-PREPROCESS); the training part cut from a train+test join "
        "(by position, by a marker-column mask, or in a helper) holds no test row, so test rows filled with their "
        "own statistics do not make it a finding; held-out fold parts collected over every fold are all rows."
    )
    recommendation = "Compute every statistic (means, scales, categories, imputation values) on the training data and reuse it for the test data."
    markers = ("data leakage",)
    ml_test_score = ()  # leakage has no ML Test Score test of its own
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        return code_check_result(self, ctx, "test-statistics")
