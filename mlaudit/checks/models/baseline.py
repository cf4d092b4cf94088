"""MODEL-BASELINE: the model is compared with a simpler baseline."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import judge_practice


@register
class Baseline(Check):
    id = "MODEL-BASELINE"
    title = "The model is compared with a simpler baseline"
    area = "models"
    help = (
        "Looks for a baseline in the evaluation code: scikit-learn's DummyClassifier / DummyRegressor, or variables and "
        "metric keys named baseline. Passes when that comparison runs in a pipeline stage, CI or a test run by CI, warns "
        "(0.5) when it only sits in a script or notebook run by hand, fails when no baseline is ever computed; not "
        "applicable without training code."
    )
    recommendation = "Score a trivial baseline (a DummyClassifier, the previous model, a linear model) next to the model in every evaluation."
    markers = ("model quality",)
    ml_test_score = ("model-5",)
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        return judge_practice(self, ctx, "baseline", "a baseline comparison",
                              "No baseline found: nothing shows a simpler model is not as good.")
