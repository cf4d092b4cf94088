"""CI gating: fail when the project does not meet a stage, has findings of a given severity or worse (waived findings
excepted), or (``inconclusive``) when any file could not be fully analysed. An expired waiver fails every gate."""

from __future__ import annotations

from dataclasses import dataclass

from mlaudit.checks.base import Severity, Status
from mlaudit.checks.scoring import STAGES
from mlaudit.core.errors import MlauditError
from mlaudit.report.model import Report

SEVERITIES = [str(s) for s in Severity if s != Severity.INFO]  # critical, high, medium, low
INCONCLUSIVE = "inconclusive"
GATES = ["operating", *[s.replace(" ", "-") for s in STAGES], *SEVERITIES, INCONCLUSIVE]
LISTED = 10


@dataclass(slots=True)
class GateResult:
    failed: bool
    reason: str


def normalise_gate(fail_on: str) -> str:
    """The gate name in canonical form, or a user error listing the valid ones."""
    key = fail_on.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in GATES:
        raise MlauditError(f"--fail-on {fail_on!r} is neither a stage nor a severity; use one of {', '.join(GATES)}")
    return key


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return "; ".join(items[:LISTED]) + more


def _expired_waivers(report: Report) -> GateResult | None:
    """Expired waivers fail any gate."""
    expired = report.waivers.expired() if report.waivers is not None else []
    if not expired:
        return None
    listed = _listed([f"{w.check} at {w.origin} expired on {w.expires}" for w in expired])
    return GateResult(True, f"{len(expired)} waiver(s) expired: {listed}; renew the date with a reason or fix the finding")


def _inconclusive_gate(report: Report) -> GateResult:
    if report.inconclusive:
        return GateResult(True, f"{len(report.inconclusive)} file(s) not fully analysed: {_listed(report.inconclusive)}")
    return GateResult(False, "every model file and every file the checks needed was fully analysed")


def _stage_gate(report: Report, stage: str) -> GateResult:
    """The needs of ``stage`` and of the stages below it must be met."""
    decision = report.scorecard.decision
    if decision.meets != "none" and STAGES.index(decision.meets) >= STAGES.index(stage):
        return GateResult(False, f"the project meets the needs of the {stage} stage")
    missing = [n["check"] for s in decision.needs if STAGES.index(s.stage) <= STAGES.index(stage) for n in s.needs if not n["met"]]
    return GateResult(True, f"the project does not meet the needs of the {stage} stage (meets: {decision.meets}); "
                            f"unmet: {', '.join(missing)}")


def _severity_gate(report: Report, key: str) -> GateResult:
    """No failing or warning finding of severity ``key`` or worse, unless it is waived."""
    worst = SEVERITIES.index(key)
    severe = [r for r in report.results if r.status in (Status.FAIL, Status.WARN)
              and str(r.severity) in SEVERITIES and SEVERITIES.index(str(r.severity)) <= worst]
    waived = [r for r in severe if (state := report.waiver_state(r)) is not None and state.waived]
    hits = [r for r in severe if r not in waived]
    note = f" ({len(waived)} waived: {', '.join(r.check_id for r in waived)})" if waived else ""
    if hits:
        listed = ", ".join(f"{r.check_id} ({r.severity} {r.status})" for r in hits)
        return GateResult(True, f"{len(hits)} finding(s) of severity {key} or worse: {listed}{note}")
    return GateResult(False, f"no finding of severity {key} or worse{note}")


def check_gate(report: Report, fail_on: str) -> GateResult:
    """``fail_on``: a stage (its needs must be met), ``operating`` (the operating stage's needs), a severity, or
    ``inconclusive``. Expired waivers fail any gate."""
    key = normalise_gate(fail_on)
    expired = _expired_waivers(report)
    if expired is not None:
        return expired
    if key == INCONCLUSIVE:
        return _inconclusive_gate(report)
    if key == "operating":
        return _stage_gate(report, report.scorecard.decision.operating)
    if key.replace("-", " ") in STAGES:
        return _stage_gate(report, key.replace("-", " "))
    return _severity_gate(report, key)
