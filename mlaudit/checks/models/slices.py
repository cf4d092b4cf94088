"""MODEL-SLICES: model quality is measured on important slices of the data, not only overall."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import judge_practice


@register
class Slices(Check):
    id = "MODEL-SLICES"
    title = "Model quality is measured per data slice"
    area = "models"
    help = (
        "Looks for metrics computed per group: fairlearn's MetricFrame, TFMA slicing specs, deepchecks segment checks, "
        "or a metric called inside a loop, comprehension or apply over a pandas groupby. Passes when that runs in a "
        "pipeline stage, CI or a test run by CI, warns (0.5) when only by hand, fails when quality is only measured "
        "overall; not applicable without training code."
    )
    recommendation = "Report the main metric per important slice (region, customer segment, device, ...) and gate releases on the worst slice."
    markers = ("model quality",)
    ml_test_score = ("model-6",)
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        return judge_practice(self, ctx, "slices", "per-slice evaluation",
                              "Model quality is only measured overall: no metric per data slice found.")
