"""REPRO-PIPELINE: a declared pipeline rebuilds the model from scratch."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ci_steps, ev, has_training, training_steps


@register
class Pipeline(Check):
    id = "REPRO-PIPELINE"
    title = "A declared pipeline rebuilds the model"
    area = "repro"
    help = (
        "Looks for dvc.yaml stages, MLproject entry points, Makefile targets that train, orchestrator flows "
        "(Airflow, Prefect, Kubeflow, ZenML, Metaflow, Dagster, Kedro) and CI jobs that train. Passes with "
        "1 point when CI or an orchestrator runs the pipeline, 0.5 when it is declared but run by hand; fails "
        "when training happens only in notebooks or ad-hoc scripts."
    )
    recommendation = "Declare the training pipeline (dvc.yaml, MLproject or a Makefile target) and run it in CI."
    markers = ("pipeline jungles", "reproducibility")
    ml_test_score = ("infra-1", "infra-3")
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        pipe = ctx.facts("pipeline")
        steps = training_steps(ctx) or [s for s in pipe["steps"] if s["source"] == "dvc"]
        ci_train = ci_steps(ctx, "training")
        evidence = [ev(s, f"{s['source']} step {s['name']}: {s['cmd']}") for s in steps][:MAX_EVIDENCE]
        evidence += [ev(o, f"{o['tool']} flow") for o in pipe["orchestrators"]][:MAX_EVIDENCE]
        evidence += [ev(s, f"CI job {s['job']} trains: {s['run'][:120]}") for s in ci_train][:MAX_EVIDENCE]
        if ci_train or pipe["orchestrators"]:
            return self.result(Status.PASS, 1, value="automated", message="The training pipeline runs automatically.",
                               evidence=evidence)
        if steps:
            return self.result(Status.PASS, 0.5, value="declared", message="A training pipeline is declared but run by hand.",
                               evidence=evidence)
        if not has_training(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No model training found.")
        where = [ev(t, f"training at {t['call']}") for t in ctx.facts("code")["training"]][:MAX_EVIDENCE]
        return self.result(Status.FAIL, 0, value="none", message="Training happens only in ad-hoc scripts or notebooks.",
                           evidence=where or [Evidence("no dvc.yaml, MLproject, Makefile train target or orchestrator")])
