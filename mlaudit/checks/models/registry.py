"""MODEL-REGISTRY: model versions managed by a registry rather than overwritten files."""

from __future__ import annotations

import re

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import real_models
from mlaudit.checks.models._declared import declared_evidence, declared_models
from mlaudit.store.model_queries import registered_versions, versions_in_scope

GTO_TAG = re.compile(r"^[\w.-]+@v\d+\.\d+\.\d+|^[\w.-]+#[\w.-]+#\d+")


@register
class ModelRegistry(Check):
    id = "MODEL-REGISTRY"
    title = "Model versions are managed by a registry"
    area = "models"
    help = (
        "Passes with registered versions in an MLflow model registry (file store or SQLite), GTO model tags "
        "(name@v1.2.3, name#stage#n) or DVC model artifacts declared in dvc.yaml. Model files overwritten in "
        "place in git, or models kept as plain DVC outs (dvc.yaml stages, .dvc files), with no registry, fail."
    )
    recommendation = "Register each released model (MLflow Model Registry, GTO/DVC artifacts) with a version and a stage or alias."
    markers = ("model management",)
    ml_test_score = ("infra-7",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        registered = registered_versions(ctx.store)
        if registered:
            names = sorted({r["name"] for r in registered})
            ev = [Evidence(f"{r['name']} version {r['version']}" + (f" aliases {', '.join(r['aliases'])}" if r["aliases"] else "")
                           + (f" stage {r['stage']}" if r["stage"] not in (None, "None") else ""), path=r["store_path"], value=r["run_id"])
                  for r in registered[:20]]
            distinct = len({(r["name"], r["version"]) for r in registered})
            return self.result(Status.PASS, 1, value=distinct, message=f"{distinct} registered version(s) of {', '.join(names)}.",
                               evidence=ev)
        tags = [r[0] for r in ctx.store.db.execute("SELECT name FROM refs WHERE kind = 'tag'")]
        gto = [t.rsplit("/", 1)[-1] for t in tags if GTO_TAG.match(t.rsplit("/", 1)[-1])]
        if gto:
            return self.result(Status.PASS, 1, value=len(gto), message=f"{len(gto)} GTO model tag(s).",
                               evidence=[Evidence(f"tag {t}") for t in gto[:20]])
        if ctx.tree.exists("dvc.yaml"):
            text = ctx.tree.read_text("dvc.yaml")
            if re.search(r"^artifacts:\s*$", text, re.MULTILINE):
                return self.result(Status.PASS, 1, message="dvc.yaml declares model artifacts.",
                                   evidence=[Evidence("artifacts section", path="dvc.yaml")])
        models = real_models(versions_in_scope(ctx.store, ctx.rev))
        if not models:
            declared = declared_models(ctx)
            if declared:  # DVC-declared/tracked models: hashed plain outs, overwritten at each run, not registered
                return self.result(Status.FAIL, 0, value={"declared": len(declared)},
                                   message=f"No registry: {len(declared)} DVC-declared model(s) kept as plain outs "
                                           "(no MLflow registry, GTO tag or dvc.yaml artifact).",
                                   evidence=declared_evidence(declared, "a plain DVC out, no registry entry"))
            return self.result(Status.NOT_APPLICABLE, 0, message="No model files found.")
        per_path: dict[str, set[str]] = {}
        for v in models:
            per_path.setdefault(v.path, set()).add(v.key)
        overwritten = {p: len(k) for p, k in per_path.items() if len(k) > 1}
        ev = [Evidence(f"{n} versions overwritten in place", path=p, value=n) for p, n in sorted(overwritten.items())[:20]]
        ev += [Evidence("saved as a plain file", path=p) for p in sorted(set(per_path) - set(overwritten))[:10]]
        return self.result(Status.FAIL, 0, value={"paths": len(per_path), "overwritten": len(overwritten)},
                           message=f"No registry: {len(per_path)} model path(s) kept as plain files"
                           + (f", {len(overwritten)} overwritten in place." if overwritten else "."), evidence=ev)
