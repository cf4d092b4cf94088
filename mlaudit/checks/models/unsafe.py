"""MODEL-UNSAFE: a model file, in any version in history, whose pickle imports code-execution globals."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import MAX_EVIDENCE, evidence
from mlaudit.store.model_queries import all_versions
from mlaudit.checks.models._declared import declared_evidence, declared_models


@register
class UnsafeModel(Check):
    id = "MODEL-UNSAFE"
    title = "No model file can run code when loaded"
    area = "models"
    help = (
        "Every version of every model file in history (and MLflow/DVC artifacts) is read without loading it. "
        "A pickle, joblib, PyTorch or Keras file that imports os, subprocess, builtins eval/exec/getattr, runpy "
        "and the like fails (critical); globals outside the allow-list of numeric and ML types warn; files that "
        "could not be verified (malformed, too large) warn. A model a DVC pipeline declares (dvc.lock) whose content is absent is unknown: not inspected."
    )
    recommendation = (
        "Delete the dangerous file from history (git filter-repo) and rotate anything it could reach; never load "
        "it. Save models as skops, ONNX or safetensors, or verify pickles against an allow-list before loading."
    )
    markers = ("security",)
    ml_test_score = ()
    severity = Severity.CRITICAL

    def run(self, ctx: CheckContext) -> CheckResult:
        versions = [v for v in all_versions(ctx.store) if v.status != "D" and v.format != "unknown"]
        if not versions:
            declared = declared_models(ctx)
            if declared:  # a pipeline declares models whose bytes are not here: not inspected is not safe
                return self.result(Status.UNKNOWN, 0, message=f"{len(declared)} model(s) declared by the DVC pipeline, but their "
                                   "content is not in the repository, so they could not be inspected.",
                                   evidence=declared_evidence(declared, "declared, content absent (not inspected)"))
            return self.result(Status.NOT_APPLICABLE, 0, value=0, message="No model files found in the repository or its history.")
        seen: set[tuple[str, str]] = set()
        dangerous, unknown, unverified = [], [], []
        for v in versions:
            if (v.path, v.key) in seen:
                continue
            seen.add((v.path, v.key))
            if v.verdict == "dangerous":
                dangerous.append(evidence(v, f"imports {', '.join(v.dangerous[:5])}", v.dangerous))
            elif v.verdict == "unknown-globals":
                unknown.append(evidence(v, f"imports globals outside the allow-list: {', '.join(v.unknown[:5])}", v.unknown))
            elif v.verdict in ("malformed", "unread"):
                unverified.append(evidence(v, f"could not be verified: {v.error or v.verdict}"))
        value = {"files": len(seen), "dangerous": len(dangerous), "unknown": len(unknown), "unverified": len(unverified)}
        if dangerous:
            return self.result(Status.FAIL, 0, value=value, threshold=0,
                               message=f"{len(dangerous)} model file version(s) would run code when loaded.",
                               evidence=(dangerous + unknown)[:MAX_EVIDENCE])
        if unknown or unverified:
            return self.result(Status.WARN, 0.5, value=value, threshold=0,
                               message=f"{len(unknown)} file(s) import unknown globals, {len(unverified)} could not be verified.",
                               evidence=(unknown + unverified)[:MAX_EVIDENCE], severity=Severity.MEDIUM)
        return self.result(Status.PASS, 1, value=value, threshold=0,
                           message=f"All {len(seen)} model file versions import only allow-listed types.")
