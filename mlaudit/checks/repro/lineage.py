"""REPRO-LINEAGE: share of model versions traceable to commit + data version + params (+ metrics)."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import real_models
from mlaudit.checks.models._declared import declared_evidence, declared_models
from mlaudit.checks.models._declared import traced as dvc_traced
from mlaudit.core.config import define_threshold
from mlaudit.store.model_queries import ModelVersion, lineage, versions_in_scope

SHARE = define_threshold("repro.lineage_share", 0.8, "Share of model versions that must be traceable to commit, data and params for REPRO-LINEAGE to pass.")
REQUIRED = ("commit", "data", "params")


@register
class Lineage(Check):
    id = "REPRO-LINEAGE"
    title = "Model versions are traceable to code, data and params"
    area = "repro"
    help = (
        "Links every distinct model version to the commit that produced it, the data versions (git data files, "
        ".dvc / dvc.lock) and params (params files, MLflow run params) at that commit, and its metrics. The "
        "value is the share with commit, data and params all found; missing links are named per version. A model declared by a DVC pipeline without its content is traced when dvc.lock hashes it and every dependency."
    )
    recommendation = "Commit data pointers (DVC), params and metrics together with each model, or log them to an MLflow run that records the git commit."
    markers = ("reproducibility",)
    ml_test_score = ("model-1",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        seen: dict[tuple[str, str], ModelVersion] = {}
        for v in real_models(versions_in_scope(ctx.store, ctx.rev)):
            seen.setdefault((v.path, v.key), v)
        if not seen:
            declared = declared_models(ctx)
            if declared:  # DVC-declared versions: dvc.lock pins the out, its code and data deps, and the params
                ok = [m for m in declared if dvc_traced(m)]
                status = Status.PASS if len(ok) == len(declared) else Status.WARN if ok else Status.FAIL
                evidence = declared_evidence(ok, "dvc.lock hashes the model, its code and data; params recorded")
                evidence += declared_evidence([m for m in declared if not dvc_traced(m)], "not fully hashed in dvc.lock")
                return self.result(status, len(ok) / len(declared), value={"declared": len(declared), "traced": len(ok)},
                                   message=f"{len(ok)} of {len(declared)} DVC-declared model version(s) traceable through dvc.lock.",
                                   evidence=evidence)
            return self.result(Status.NOT_APPLICABLE, 0, message="No model files found.")
        traced: list[Evidence] = []
        broken: list[Evidence] = []
        for v in seen.values():
            lin = lineage(ctx.store, v)
            gaps = [m for m in lin.missing if m in REQUIRED]
            where = v.commit or lin.commit
            detail = (f"commit {where[:10] if where else '?'}, {len(lin.data)} data file(s), {len(lin.params)} param(s), "
                      f"{len(lin.metrics)} metric(s), {len(lin.runs)} run(s)")
            ev = Evidence(detail + (f" — missing {', '.join(lin.missing)}" if lin.missing else ""), path=v.path,
                          commit=where, value=lin.missing)
            (broken if gaps else traced).append(ev)
        share = len(traced) / len(seen)
        threshold = ctx.threshold(SHARE)
        status = Status.PASS if share >= threshold else Status.WARN if traced else Status.FAIL
        points = 1.0 if status == Status.PASS else 0.5 if status == Status.WARN else 0.0
        return self.result(status, points, value=round(share, 3), threshold=threshold,
                           message=f"{len(traced)} of {len(seen)} model versions traceable to commit, data and params.",
                           evidence=(broken + traced)[:25])
