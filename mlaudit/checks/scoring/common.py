"""Shared helpers of the scoring rules: when a check counts as met, and evidence lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlaudit.checks.base import CheckResult, Status

DETERMINED = (Status.PASS, Status.WARN, Status.FAIL)


@dataclass(slots=True)
class Reason:
    """One piece of evidence for or against a verdict: the check, its status and what it found."""

    check_id: str
    status: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check_id, "status": self.status, "detail": self.detail}


@dataclass(slots=True)
class Requirement:
    """A practice a stage or level needs, decided by one check."""

    check_id: str
    need: str  # what the practice is, in the guide's words
    automated: bool = False  # needs points 1 (runs in CI or a pipeline), not only present


@dataclass(slots=True)
class RequirementOutcome:
    requirement: Requirement
    met: bool
    reason: Reason
    result: CheckResult | None = None


@dataclass(slots=True)
class Verdict:
    """A level or stage verdict with the evidence for and against it."""

    value: Any
    label: str
    evidence_for: list[Reason] = field(default_factory=list)
    evidence_against: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value, "label": self.label,
            "evidence_for": [r.to_dict() for r in self.evidence_for],
            "evidence_against": [r.to_dict() for r in self.evidence_against],
        }


def is_met(result: CheckResult | None, automated: bool = False) -> bool:
    """A practice is met when its check passes, or warns with the practice present (points > 0).

    ``automated`` requires full points (the practice runs in CI or a declared pipeline). Unknown,
    error and missing checks are never met: what the repository cannot show does not count.
    """
    if result is None:
        return False
    if result.status == Status.NOT_APPLICABLE:
        return not automated
    if result.status not in (Status.PASS, Status.WARN):
        return False
    return result.points >= 1 if automated else (result.status == Status.PASS or result.points > 0)


def describe(result: CheckResult | None, check_id: str) -> Reason:
    """A one-line reason naming the check's status and its message (or why it is missing)."""
    if result is None:
        return Reason(check_id, "missing", "not checked by this mlaudit, so it cannot be determined")
    detail = result.message or result.title or str(result.status)
    return Reason(check_id, str(result.status), detail)


def evaluate(reqs: list[Requirement], by_id: dict[str, CheckResult]) -> list[RequirementOutcome]:
    """Decide each requirement from the check results."""
    out = []
    for req in reqs:
        result = by_id.get(req.check_id)
        met = is_met(result, req.automated)
        reason = describe(result, req.check_id)
        if not met and result is not None and req.automated and result.status in (Status.PASS, Status.WARN):
            reason.detail += " (present, but not automated in CI or a pipeline)"
        out.append(RequirementOutcome(req, met, reason, result))
    return out
