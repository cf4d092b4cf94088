"""INFRA-TRACKING: experiments are tracked (MLflow, W&B, DVC experiments, dvclive, ...)."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, has_training, only_unreadable, unreadable_evidence

TRACKING_DIRS = ("mlruns/", "wandb/", "dvclive/", ".neptune/", "aim/", ".aim/")


@register
class Tracking(Check):
    id = "INFRA-TRACKING"
    title = "Experiments are tracked"
    area = "infra"
    help = (
        "Looks for tracking calls in the code (mlflow, wandb, dvclive, neptune, comet, clearml, tensorboard, "
        "aim, sacred) and for tracking stores (mlruns/, mlflow.db, wandb/, dvclive/, DVC experiment refs). "
        "Passes when training code logs runs, warns when only stored runs exist with no logging in the code, "
        "fails when training is not tracked."
    )
    recommendation = "Log parameters, metrics and artifacts of every training run (MLflow, W&B or DVC experiments)."
    markers = ("experimental code paths", "reproducibility")
    ml_test_score = ()
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if only_unreadable(ctx):
            return self.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
        calls = [t for t in ctx.facts("code")["tracking"] if t["via"] == "call" and "load_model" not in t["call"]]
        imports = [t for t in ctx.facts("code")["tracking"] if t["via"] == "import"]
        stores = sorted({next(d for d in TRACKING_DIRS if e.path.startswith(d)) for e in ctx.tree.files() if e.path.startswith(TRACKING_DIRS)})
        stores += [e.path for e in ctx.tree.files() if e.path.rsplit("/", 1)[-1] == "mlflow.db"]
        exps = ctx.store.db.execute("SELECT COUNT(*) FROM refs WHERE name LIKE 'refs/exps/%'").fetchone()[0]
        tools = sorted({t["tool"] for t in calls + imports})
        evidence = [ev(t, f"{t['tool']}: {t['call']}") for t in calls][:MAX_EVIDENCE] + [Evidence("tracking store", path=s) for s in stores]
        if exps:
            evidence.append(Evidence(f"{exps} DVC experiment ref(s)", value=exps))
        if calls:
            return self.result(Status.PASS, 1, value=tools, message=f"Runs are logged with {', '.join(tools)}.", evidence=evidence)
        if stores or exps or imports:
            evidence += [ev(t, f"{t['tool']} imported") for t in imports][:MAX_EVIDENCE]
            return self.result(Status.WARN, 0.5, value=tools or stores, message="Tracking data or imports exist, but no code logs runs.",
                               evidence=evidence)
        if not has_training(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No model training found.")
        return self.result(Status.FAIL, 0, value=None, message="Training is not tracked.",
                           evidence=[Evidence("no mlflow, wandb, dvclive, neptune, comet, clearml or tensorboard logging")])
