"""CI gating: fail when the project does not meet a stage, or has findings of a given severity or worse."""

from __future__ import annotations

from dataclasses import dataclass

from mlaudit.checks.base import Severity, Status
from mlaudit.checks.scoring import STAGES
from mlaudit.core.errors import MlauditError
from mlaudit.report.model import Report

SEVERITIES = [str(s) for s in Severity if s != Severity.INFO]  # critical, high, medium, low
GATES = ["operating", *[s.replace(" ", "-") for s in STAGES], *SEVERITIES]


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


def check_gate(report: Report, fail_on: str) -> GateResult:
    """``fail_on``: a stage (its needs must be met), ``operating`` (the operating stage's needs) or a severity."""
    key = normalise_gate(fail_on)
    decision = report.scorecard.decision
    if key == "operating" or key.replace("-", " ") in STAGES:
        stage = decision.operating if key == "operating" else key.replace("-", " ")
        met = decision.meets != "none" and STAGES.index(decision.meets) >= STAGES.index(stage)
        if met:
            return GateResult(False, f"the project meets the needs of the {stage} stage")
        missing = [n["check"] for s in decision.needs if STAGES.index(s.stage) <= STAGES.index(stage) for n in s.needs if not n["met"]]
        return GateResult(True, f"the project does not meet the needs of the {stage} stage (meets: {decision.meets}); "
                                f"unmet: {', '.join(missing)}")
    worst = SEVERITIES.index(key)
    hits = [r for r in report.results if r.status in (Status.FAIL, Status.WARN)
            and str(r.severity) in SEVERITIES and SEVERITIES.index(str(r.severity)) <= worst]
    if hits:
        listed = ", ".join(f"{r.check_id} ({r.severity} {r.status})" for r in hits)
        return GateResult(True, f"{len(hits)} finding(s) of severity {key} or worse: {listed}")
    return GateResult(False, f"no finding of severity {key} or worse")
