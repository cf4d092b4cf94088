"""INFRA-CT: automated retraining by a scheduled or data-triggered pipeline."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, has_training


@register
class ContinuousTraining(Check):
    id = "INFRA-CT"
    title = "Continuous training: scheduled or data-triggered retraining"
    area = "infra"
    help = (
        "Passes when a CI workflow that trains runs on a schedule (cron) or when data changes (path filters "
        "on data or DVC files), or an orchestrator (Airflow, Prefect, Kubeflow, ...) defines the training flow. "
        "Warns when retraining is only started by hand (workflow_dispatch), fails when nothing retrains."
    )
    recommendation = "Retrain on a schedule or on new data: a cron-triggered workflow or an orchestrator running the pipeline."
    markers = ("feedback loops", "pipeline jungles")
    ml_test_score = ()
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        ci, pipe = ctx.facts("ci"), ctx.facts("pipeline")
        train_files = {j["path"] for j in ci["jobs"] if "training" in j["kinds"]}
        auto = [t for t in ci["triggers"] if t["path"] in train_files and t["kind"] in ("schedule", "paths")]
        manual = [t for t in ci["triggers"] if t["path"] in train_files and t["kind"] == "manual"]
        evidence = [ev(t, f"retraining workflow triggered by {t['kind']} {t['detail']}") for t in auto + manual][:MAX_EVIDENCE]
        evidence += [ev(o, f"{o['tool']} flow") for o in pipe["orchestrators"]][:MAX_EVIDENCE]
        if auto or pipe["orchestrators"]:
            kinds = sorted({t["kind"] for t in auto} | ({"orchestrator"} if pipe["orchestrators"] else set()))
            return self.result(Status.PASS, 1, value=kinds, message=f"Retraining is automated ({', '.join(kinds)}).", evidence=evidence)
        if manual:
            return self.result(Status.WARN, 0.5, value="manual", message="A retraining workflow exists but only runs by hand.", evidence=evidence)
        if not has_training(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No model training found.")
        return self.result(Status.FAIL, 0, value=None, message="Nothing retrains the model automatically.",
                           evidence=[Evidence("no scheduled or data-triggered workflow runs training")])
