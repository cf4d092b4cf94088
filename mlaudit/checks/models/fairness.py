"""MODEL-FAIRNESS: the model is tested for considerations of inclusion (fairness tooling)."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import judge_practice


@register
class Fairness(Check):
    id = "MODEL-FAIRNESS"
    title = "The model is tested for fairness and inclusion"
    area = "models"
    help = (
        "Looks for fairness tooling in the code: fairlearn, AIF360, aequitas, the Responsible AI toolbox, Fairness "
        "Indicators, themis-ml, FairML, the What-If Tool. Passes when it runs in a pipeline stage, CI or a test run by CI, "
        "warns (0.5) when only by hand, fails when absent; not applicable without training code. A model that never "
        "touches people may accept the failure: say so in the review."
    )
    recommendation = "Measure the model's errors across groups of people it affects (fairlearn MetricFrame) and review the gaps."
    markers = ("model quality", "inclusion")
    ml_test_score = ("model-7",)
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        return judge_practice(self, ctx, "fairness", "fairness testing",
                              "No fairness or inclusion testing found.")
