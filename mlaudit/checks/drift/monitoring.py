"""DRIFT-MONITORING: drift monitoring in the code or pipeline (evidently, nannyml, whylogs, alibi-detect, scheduled checks)."""

from __future__ import annotations

import re
from typing import Any

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, has_training, only_unreadable, serving_items, unreadable_evidence
from mlaudit.scanners.code import is_test_path

DRIFT_TOOLS = {"evidently", "nannyml", "whylogs", "alibi-detect", "arize", "fiddler", "deepchecks", "tfdv"}
DRIFT_WORDS = re.compile(r"drift", re.IGNORECASE)


def drift_code(ctx: CheckContext) -> list[dict[str, Any]]:
    """Calls into drift-monitoring libraries found in the code (monitoring and validation facts)."""
    code = ctx.facts("code")
    items = [m for m in code["monitoring"] if m.get("tool") in DRIFT_TOOLS]
    items += [v for v in code["validation"] if v.get("tool") in DRIFT_TOOLS and DRIFT_WORDS.search(str(v.get("call", "")))]
    return items


def scheduled_runs(ctx: CheckContext, files: set[str]) -> list[dict[str, Any]]:
    """Scheduled CI jobs or pipeline stages that run one of ``files`` (or mention drift)."""
    ci = ctx.facts("ci")
    scheduled = {t["path"] for t in ci["triggers"] if t["kind"] == "schedule"}
    stems = {f.rsplit("/", 1)[-1].removesuffix(".py") for f in files}
    runs = []
    for job in ci["jobs"]:
        if job["path"] not in scheduled:
            continue
        for step in job["steps"]:
            text = f"{step['name']} {step['run']}"
            if DRIFT_WORDS.search(text) or any(s and s in text for s in stems):
                runs.append({"path": job["path"], "line": step["line"], "detail": f"scheduled CI job {job['name']} runs: {text.strip()[:100]}"})
    for step in ctx.facts("pipeline")["steps"]:
        hit = sorted(set(step.get("deps") or []) & files)
        if hit:
            runs.append({"path": step["path"], "line": step["line"], "detail": f"{step['source']} stage {step['name']} runs {hit[0]}"})
    return runs


@register
class DriftMonitoring(Check):
    id = "DRIFT-MONITORING"
    title = "Input drift is monitored"
    area = "drift"
    help = (
        "Looks for drift monitoring in the code (Evidently, NannyML, whylogs, alibi-detect, Arize, Fiddler, "
        "deepchecks drift checks) and for what runs it (a scheduled CI job, a pipeline stage, the serving code). "
        "Passes when monitoring is part of the project's code or runs automatically, warns when it only appears "
        "in notebooks (run by hand), fails when a project that trains or serves models has none. Not "
        "applicable without training or serving."
    )
    recommendation = ("Compare live or newly arriving data with the training reference on a schedule (Evidently, "
                      "NannyML, whylogs) and alert or retrain when it drifts.")
    markers = ("monitoring", "changes in the external world")
    ml_test_score = ("mon-3",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if only_unreadable(ctx):
            return self.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
        found = drift_code(ctx)
        serving = serving_items(ctx)
        if not found:
            if not serving and not has_training(ctx):
                return self.result(Status.NOT_APPLICABLE, message="No model training or serving in this tree.")
            return self.result(Status.FAIL, 0, message="No drift monitoring found.",
                               evidence=[Evidence("no Evidently, NannyML, whylogs, alibi-detect or similar drift checks in the code")])
        files = {f["path"] for f in found}
        evidence = [ev(f, f"{f['tool']}: {f.get('call', '')}") for f in found[:MAX_EVIDENCE]]
        runs = scheduled_runs(ctx, files)
        serving_files = {s["path"] for s in serving}
        in_serving = sorted(files & serving_files)
        evidence += [Evidence(r["detail"], path=r["path"], line=r["line"]) for r in runs[:MAX_EVIDENCE]]
        evidence += [Evidence("drift monitoring inside the serving code", path=p) for p in in_serving]
        tools = sorted({f["tool"] for f in found})
        if runs or in_serving:
            return self.result(Status.PASS, 1, value=tools, evidence=evidence,
                               message=f"Drift monitoring ({', '.join(tools)}) runs automatically.")
        if any(not f["path"].endswith(".ipynb") and not is_test_path(f["path"]) for f in found):
            return self.result(Status.PASS, 1, value=tools, evidence=evidence,
                               message=f"Drift monitoring ({', '.join(tools)}) is part of the project's code.")
        return self.result(Status.WARN, 0.5, value=tools, evidence=evidence,
                           message=f"Drift monitoring ({', '.join(tools)}) appears only in notebooks or tests, run by hand.")
