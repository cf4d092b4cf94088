"""MON-NUMERIC: training or serving guards against NaN and infinite values."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import judge_practice


@register
class NumericStability(Check):
    id = "MON-NUMERIC"
    title = "NaN and infinite values are caught"
    area = "mon"
    help = (
        "Looks for guards against invalid numbers in training or serving: isfinite / isnan / isinf (numpy, math, torch) "
        "tested in an assert or an if, torch anomaly detection, tf.debugging.check_numerics, Keras TerminateOnNaN, a trainer config setting detect_anomaly: true. The "
        "same calls used to clean data elsewhere do not count. Passes when a guard runs in a pipeline stage, CI or a test "
        "run by CI, warns (0.5) when only in code run by hand, fails when absent; not applicable without training code."
    )
    recommendation = "Fail training (and alert in serving) when a loss, weight or prediction is NaN or infinite: assert np.isfinite(...) or TerminateOnNaN."
    markers = ("monitoring", "model quality")
    ml_test_score = ("mon-5",)
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        return judge_practice(self, ctx, "numeric", "a NaN / infinity guard",
                              "Nothing guards against NaN or infinite values in training or serving.")
