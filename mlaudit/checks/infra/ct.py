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
        "on data or DVC files), or a scheduled orchestrator flow (Airflow, Prefect, Kubeflow, ...) or Kubernetes "
        "CronJob / Argo CronWorkflow trains. Warns when retraining is only started by hand (workflow_dispatch, "
        "an unscheduled flow), fails when nothing retrains."
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
        flows = [o for o in pipe["orchestrators"] if o["trains"]]
        scheduled = [o for o in flows if o["schedule"]] + [c for c in pipe["schedules"] if c["trains"]]
        evidence = [ev(t, f"retraining workflow triggered by {t['kind']} {t['detail']}") for t in auto + manual][:MAX_EVIDENCE]
        evidence += [ev(o, f"{o['tool']} training flow" + (f" scheduled {o['schedule']}" if o["schedule"] else " (no schedule in the file)"))
                     for o in flows][:MAX_EVIDENCE]
        evidence += [ev(c, f"{c['kind']} {c['detail']} runs training") for c in pipe["schedules"] if c["trains"]][:MAX_EVIDENCE]
        if auto or scheduled:
            kinds = sorted({t["kind"] for t in auto} | {o.get("tool") or o["kind"] for o in scheduled})
            return self.result(Status.PASS, 1, value=kinds, message=f"Retraining is automated ({', '.join(kinds)}).", evidence=evidence)
        if manual or flows:
            return self.result(Status.WARN, 0.5, value="manual", message="A retraining workflow exists but nothing schedules it.", evidence=evidence)
        if not has_training(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No model training found.")
        return self.result(Status.FAIL, 0, value=None, message="Nothing retrains the model automatically.",
                           evidence=[Evidence("no scheduled or data-triggered workflow runs training")])
