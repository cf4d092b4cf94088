"""LEAK-CODE-OVERSAMPLE: No resampling or augmentation before the split."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.code import code_check_result


@register
class CodeOversample(Check):
    id = "LEAK-CODE-OVERSAMPLE"
    title = "No resampling or augmentation before the split"
    area = "leakage"
    help = (
        "Fails when SMOTE, ADASYN, RandomOverSampler or another over-sampler (imblearn fit_resample or the old "
        "fit_sample, sklearn.utils.resample, sample(replace=True)) adds rows before they are split or cross-validated, "
        "also on data from loaders and generators (load_*, fetch_openml, make_classification, np.load): synthetic or "
        "copied rows then sit on both sides. Under-samplers only drop rows and are not reported; an imblearn Pipeline "
        "inside cross-validation passes."
    )
    recommendation = "Resample only the training part after the split, or use an imblearn Pipeline inside cross-validation."
    markers = ("data leakage",)
    ml_test_score = ()  # leakage has no ML Test Score test of its own
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        return code_check_result(self, ctx, "resampling-before-split")
