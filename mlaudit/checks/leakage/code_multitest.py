"""LEAK-CODE-MULTITEST: Test set not used for model selection; held-out evaluation."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.code import code_check_result


@register
class CodeMultitest(Check):
    id = "LEAK-CODE-MULTITEST"
    title = "Test set not used for model selection; held-out evaluation"
    area = "leakage"
    help = (
        "Fails when the test set chooses among models or hyperparameters (several candidates' test scores compared "
        "in a loop or picked with max/argmax/sort, a search or early stopping fitted on the test set) and no other "
        "held-out set gets the final check, or when the only score reported is measured on the very data the model "
        "was fitted on. Sorting one model's per-class scores or importances for display, choosing by cross-validation "
        "fold scores, and early stopping on a validation split while a separate test set is predicted are not reported; "
        "nor is a training score of a model that has a cross-validated score of its own, or training error computed "
        "inside a user estimator's own fit (part of learning, not a reported score)."
    )
    recommendation = "Tune on a validation split or with cross-validation on the training data; touch the test set once, at the end."
    markers = ("data leakage",)
    ml_test_score = ()  # leakage has no ML Test Score test of its own
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        return code_check_result(self, ctx, "test-set-reuse")
