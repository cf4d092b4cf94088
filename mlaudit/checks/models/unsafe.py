"""MODEL-UNSAFE: every model file version is dangerous, inconclusive or safe; dangerous fails, inconclusive warns."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import MAX_EVIDENCE, evidence
from mlaudit.checks.models._declared import declared_evidence, declared_models
from mlaudit.store.model_queries import all_versions

ABSENT = "content absent"  # how the models phase names a version whose bytes are not in the clone


@register
class UnsafeModel(Check):
    id = "MODEL-UNSAFE"
    title = "No model file can run code when loaded"
    area = "models"
    help = (
        "Every version of every model file in history (and MLflow/DVC artifacts), found by content whatever its name, "
        "is read without loading it. Each file gets one of three verdicts: dangerous (loading reaches a callable that "
        "can run code, start processes, import modules or write files: fails, critical), inconclusive (something was "
        "not fully analysed: a global outside the allow-list, a damaged or truncated stream, an archive member not read, "
        "a size or time cap reached; warns with the reason, never passes) and safe (every pickle stream and archive "
        "member fully analysed, every callable on the allow-list). A file not named as a model whose bytes only start like a "
        "pickle (a requirements.txt beginning 'click', read as protocol-0 opcodes) is not a model when a pickle loader would "
        "stop on it before calling anything or importing a dangerous name; the coverage says how many such files were read. "
        "A model a DVC pipeline declares (dvc.lock) whose content is absent is unknown: not inspected. So is a model "
        "file whose bytes are absent from this clone (a partial clone, a lost object) when nothing else is dangerous or "
        "inconclusive: a file never read is neither proven harmless nor shown harmful."
    )
    recommendation = (
        "Delete a dangerous file from history (git filter-repo) and rotate anything it could reach; never load it. "
        "For an inconclusive file, read its reason: raise models.max_bytes for a file over the cap, re-save a damaged "
        "file, or review the listed globals. Save models as skops, ONNX or safetensors so loading cannot run code."
    )
    markers = ("security",)
    ml_test_score = ()
    severity = Severity.CRITICAL

    def run(self, ctx: CheckContext) -> CheckResult:
        versions = [v for v in all_versions(ctx.store) if v.status != "D" and (v.format != "unknown" or v.error)]
        if not versions:
            declared = declared_models(ctx)
            if declared:  # a pipeline declares models whose bytes are not here: not inspected is not safe
                return self.result(Status.UNKNOWN, 0, message=f"{len(declared)} model(s) declared by the DVC pipeline, but their "
                                   "content is not in the repository, so they could not be inspected.",
                                   evidence=declared_evidence(declared, "declared, content absent (not inspected)"))
            return self.result(Status.NOT_APPLICABLE, 0, value=0, message="No model files found in the repository or its history.")
        seen: set[tuple[str, str]] = set()
        dangerous, inconclusive, absent, safe = [], [], [], 0
        for v in versions:
            if (v.path, v.key) in seen:
                continue
            seen.add((v.path, v.key))
            reason = "; ".join(v.reasons[:3])
            if v.verdict == "dangerous":
                dangerous.append(evidence(v, f"dangerous: {reason or 'imports ' + ', '.join(v.dangerous[:5])}", v.dangerous))
            elif v.verdict == "inconclusive" and (v.error or "").startswith(ABSENT):
                absent.append(evidence(v, f"not inspected: {v.error}"))
            elif v.verdict == "inconclusive":
                inconclusive.append(evidence(v, f"inconclusive: {reason or 'not fully analysed'}", v.unknown or None))
            else:
                safe += 1
        value = {"files": len(seen), "dangerous": len(dangerous), "inconclusive": len(inconclusive), "absent": len(absent),
                 "safe": safe}
        if dangerous:
            return self.result(Status.FAIL, 0, value=value, threshold=0,
                               message=f"{len(dangerous)} model file version(s) would run code when loaded"
                                       + (f"; {len(inconclusive)} more inconclusive." if inconclusive else "."),
                               evidence=(dangerous + inconclusive + absent)[:MAX_EVIDENCE])
        if inconclusive:
            return self.result(Status.WARN, 0.5, value=value, threshold=0,
                               message=f"{len(inconclusive)} of {len(seen)} model file version(s) are inconclusive: "
                                       "not proven harmless (reasons in the evidence).",
                               evidence=(inconclusive + absent)[:MAX_EVIDENCE], severity=Severity.HIGH)
        if absent:
            return self.result(Status.UNKNOWN, 0, value=value,
                               message=f"{len(absent)} of {len(seen)} model file version(s) could not be inspected: their "
                                       f"content is absent from this clone ({safe} analysed and safe).",
                               evidence=absent[:MAX_EVIDENCE])
        return self.result(Status.PASS, 1, value=value, threshold=0,
                           message=f"All {len(seen)} model file versions were fully analysed and reach only allow-listed callables.")
