"""Leakage check results flattened into findings (one per code site or per data pair) for the CLI and GUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlaudit.checks.base import CheckResult, Status

_ATTACHED = ("cross-check:", "related:", "not analysed:", "analysed in part:", "target ", "fit:", "split:", "history:")


@dataclass(slots=True)
class LeakFinding:
    check_id: str
    severity: str
    message: str
    path: str | None = None
    line: int | None = None
    cell: int | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"check_id": self.check_id, "severity": self.severity, "path": self.path, "line": self.line,
                "cell": self.cell, "message": self.message, "evidence": self.evidence}


def leak_findings(results: list[CheckResult]) -> list[LeakFinding]:
    """One finding per flagged site (code) or pair/feature (data) of failing or warning leakage checks."""
    out: list[LeakFinding] = []
    for r in results:
        if r.area != "leakage" or r.status not in (Status.FAIL, Status.WARN):
            continue
        current: LeakFinding | None = None
        context: list[dict[str, Any]] = []
        code = r.check_id.startswith("LEAK-CODE")
        for ev in r.evidence:
            if ev.detail.startswith(_ATTACHED) or (not code and not _flagged(ev.value)):
                (current.evidence if current else context).append(ev.to_dict())
                continue
            message = ev.detail if code else f"{r.message} {ev.detail}"
            current = LeakFinding(r.check_id, str(r.severity), message, ev.path, ev.line, ev.cell, [*context, ev.to_dict()])
            out.append(current)
        if current is None:
            out.append(LeakFinding(r.check_id, str(r.severity), r.message, evidence=context))
    return out


def _flagged(value: Any) -> bool:
    """Whether a data check's evidence value measured something leaking (copies, shared ids, older rows, a proxy)."""
    return isinstance(value, dict) and any(value.get(k) for k in ("copied", "copied_ignoring_ids", "shared", "before", "score"))
