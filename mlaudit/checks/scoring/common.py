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
    state: str = "not met"  # met | partly met | not met | not measured | n/a


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
    """A need is met only when its check passes (CHECKS.md, decision matrix); ``automated`` also needs full
    points (it runs in CI or a declared pipeline). A warn is "partly met", unknown "not measured", not
    applicable "n/a" — none of them is met, and neither is an error or a check this mlaudit does not have."""
    if result is None or result.status != Status.PASS:
        return False
    return result.points >= 1 if automated else True


def need_state(result: CheckResult | None, automated: bool = False) -> str:
    """How a need shows in the matrix: met | partly met | not met | not measured | n/a."""
    if result is None or result.status in (Status.UNKNOWN, Status.ERROR):
        return "not measured"
    if result.status == Status.NOT_APPLICABLE:
        return "n/a"
    if is_met(result, automated):
        return "met"
    if result.status == Status.WARN or (result.status == Status.PASS and automated):
        return "partly met"
    return "not met"


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
        out.append(RequirementOutcome(req, met, reason, result, need_state(result, req.automated)))
    return out
