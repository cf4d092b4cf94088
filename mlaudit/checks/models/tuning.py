"""MODEL-TUNING: hyperparameters are chosen by a search, not by hand."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import judge_practice


@register
class Tuning(Check):
    id = "MODEL-TUNING"
    title = "Hyperparameters are tuned by a search"
    area = "models"
    help = (
        "Looks for a hyperparameter search in the code and configs: scikit-learn's GridSearchCV, RandomizedSearchCV "
        "and halving searches, optuna, hyperopt, Ray Tune, keras-tuner, scikit-optimize, FLAML, W&B sweeps and hydra "
        "sweepers. Passes when the search runs in a pipeline stage or CI, warns (0.5) when it only sits in a script or "
        "notebook run by hand, fails when hyperparameters are never searched; not applicable without training code."
    )
    recommendation = "Tune hyperparameters with a search over a validation split (never the test set), and record the search space."
    markers = ("model quality",)
    ml_test_score = ("model-3",)
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        return judge_practice(self, ctx, "tuning", "a hyperparameter search",
                              "No hyperparameter search found: the values are set by hand.")
