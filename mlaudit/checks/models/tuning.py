"""MODEL-TUNING: hyperparameters are chosen by a search, not by hand."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
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
        "notebook run by hand, fails when hyperparameters are never searched; not applicable without training code. "
        "DVC experiment refs (refs/exps/*) are tuning runs made by hand: they make a missing search a warn."
    )
    recommendation = "Tune hyperparameters with a search over a validation split (never the test set), and record the search space."
    markers = ("model quality",)
    ml_test_score = ("model-3",)
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        result = judge_practice(self, ctx, "tuning", "a hyperparameter search",
                                "No hyperparameter search found: the values are set by hand.")
        if result.status in (Status.PASS, Status.WARN):
            return result
        exps = [name for name, in ctx.store.db.execute("SELECT name FROM refs WHERE kind = 'experiment' ORDER BY name")]
        if not exps:
            return result
        evidence = [Evidence(f"DVC experiment {name.rsplit('/', 1)[-1]}", value=name) for name in exps[:10]]
        return self.result(Status.WARN, 0.5, value={"experiments": len(exps)},
                           message=f"{len(exps)} DVC experiment(s) (refs/exps) compare hyperparameters; no search runs automatically.",
                           evidence=evidence + result.evidence)
