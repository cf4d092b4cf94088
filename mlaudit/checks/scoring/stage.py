"""The decision matrix: the stage a project operates at, the stage whose needs it meets, ranked next steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlaudit.checks.base import CheckResult, Evidence, Severity, Status
from mlaudit.checks.scoring.common import Reason, Requirement, RequirementOutcome, describe, evaluate

R = Requirement
STAGES = ["prototyping", "small user base", "at scale"]
NONE = "none"

# Needs per stage, in the order a team should address them (CHECKS.md, decision matrix).
NEEDS: dict[str, list[Requirement]] = {
    "prototyping": [
        R("REPRO-VCS", "code under version control"),
        R("INFRA-TRACKING", "experiment tracking"),
        R("REPRO-DEPS-PINNED", "pinned dependencies"),
        R("REPRO-SEEDS", "seeded randomness"),
        R("REPRO-DATA-VERSIONED", "versioned training data"),
        R("REPRO-PARAMS", "hyperparameters in a versioned config"),
    ],
    "small user base": [
        R("MON-PRODUCTION", "basic monitoring of the served model"),
        R("MON-INPUT-INVARIANTS", "inputs validated at serving time"),
        R("REPRO-PIPELINE", "a pipeline that retrains on demand (manual retraining trigger)"),
        R("INFRA-CI", "CI on every push or pull request"),
        R("INFRA-TESTS", "tests of code, data and model"),
        R("MODEL-METRICS", "recorded metrics for every model version"),
    ],
    "at scale": [
        R("INFRA-CT", "continuous training", automated=True),
        R("DATA-VALIDATION", "automated data quality checks", automated=True),
        R("MODEL-VALIDATION-GATE", "automated model validation before release", automated=True),
        R("INFRA-CD", "automated deployment", automated=True),
        R("MODEL-REGISTRY", "a model registry"),
        R("DRIFT-MONITORING", "drift monitoring", automated=True),
        R("INFRA-ROLLBACK", "canary, shadow or rollback"),
    ],
}

# Operation evidence: (check, what it shows, must be automated, a failing verdict with file evidence still shows it).
# Serving code or a Dockerfile alone is a prototype (a demo API nothing deploys); a project operates a model
# when something deploys or publishes it (CHECKS.md, decision matrix).
SMALL_SIGNALS: list[tuple[str, str, bool, bool]] = [
    ("INFRA-CD", "a CI step deploys or publishes the model (image pushed, release deployed)", True, False),
]
# What makes a prototype look served, shown but not enough on its own.
PROTOTYPE_SIGNALS: list[tuple[str, str, bool, bool]] = [
    ("INFRA-SERVING", "serving code or an API (nothing shown to deploy it)", False, True),
    ("INFRA-CD", "a container or serving code shipped by hand", False, False),
]
SCALE_SIGNALS: list[tuple[str, str, bool, bool]] = [
    ("INFRA-CT", "a scheduled or data-triggered training pipeline", True, False),
    ("MODEL-REGISTRY", "a model registry", False, False),
    ("INFRA-ROLLBACK", "several live model versions (canary, shadow or rollback)", False, False),
]
SCALE_SIGNALS_NEEDED = 2


@dataclass(slots=True)
class NextStep:
    """One ranked action: what to do, why, and the evidence behind it."""

    rank: int
    action: str
    why: str
    evidence: list[str]
    check_id: str
    stage: str
    kind: str  # critical | own stage | next stage
    severity: str

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "action": self.action, "why": self.why, "evidence": list(self.evidence),
                "check": self.check_id, "stage": self.stage, "kind": self.kind, "severity": self.severity}


@dataclass(slots=True)
class StageNeeds:
    stage: str
    met: bool
    needs: list[dict[str, Any]]


@dataclass(slots=True)
class Decision:
    """The decision matrix verdict."""

    operating: str
    meets: str
    signals: dict[str, list[Reason]]
    needs: list[StageNeeds]
    next_steps: list[NextStep] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "operating": self.operating, "meets": self.meets,
            "signals": {k: [r.to_dict() for r in v] for k, v in self.signals.items()},
            "needs": [{"stage": s.stage, "met": s.met, "needs": s.needs} for s in self.needs],
            "next_steps": [s.to_dict() for s in self.next_steps],
        }


def _deployed(result: CheckResult | None, automated: bool, present_on_fail: bool) -> bool:
    """A practice is evidenced when its check finds it: a pass (with full points when ``automated``), a warn with
    points, or — ``present_on_fail`` — a failing verdict that names the files it found."""
    if result is None or result.status not in (Status.PASS, Status.WARN, Status.FAIL):
        return False
    if result.status == Status.PASS:
        return result.points >= 1 or not automated
    if result.status == Status.WARN:
        return not automated and result.points > 0
    return present_on_fail and any(e.path for e in result.evidence)


def _signals(spec: list[tuple[str, str, bool, bool]], by_id: dict[str, CheckResult]) -> list[Reason]:
    out = []
    for check_id, what, automated, present_on_fail in spec:
        result = by_id.get(check_id)
        if result is not None and _deployed(result, automated, present_on_fail):
            out.append(Reason(check_id, str(result.status), f"{what}: {describe(result, check_id).detail.rstrip('.')}"))
    return out


# Store signals (report/signals.py) that show a model is operated, not merely servable.
_OPERATED = ("deploy step", "deploys", "pushed", "published")
_NEEDS_SERVING = ("registered model",)  # a production alias/stage counts when serving code exists to load it


def _operated(detail: str, served: bool) -> bool:
    low = detail.lower()
    return any(w in low for w in _OPERATED) or (served and any(w in low for w in _NEEDS_SERVING))


def operating_stage(results: list[CheckResult], extra: dict[str, list[str]] | None = None) -> tuple[str, dict[str, list[Reason]]]:
    """Stage from operation evidence (CHECKS.md): something deploys or publishes the model -> small user base;
    operated plus two at-scale signals -> at scale. Serving code or a container alone stays prototyping."""
    by_id = {r.check_id: r for r in results}
    prototype = _signals(PROTOTYPE_SIGNALS, by_id)
    served = any(r.check_id == "INFRA-SERVING" for r in prototype)
    operated = _signals(SMALL_SIGNALS, by_id)
    production = by_id.get("MON-PRODUCTION")
    if served and production is not None and production.status == Status.PASS:
        operated.append(Reason("MON-PRODUCTION", "pass", f"the served model is monitored: {describe(production, 'MON-PRODUCTION').detail.rstrip('.')}"))
    for stage, details in (extra or {}).items():
        for d in details:
            if stage == "prototyping" or not _operated(d, served):
                prototype.append(Reason("store", "found", d))
            else:
                operated.append(Reason("store", "found", d))
    if operated:
        prototype = [r for r in prototype if r.check_id != "INFRA-CD"]
    signals = {"prototyping": prototype, "small user base": operated, "at scale": _signals(SCALE_SIGNALS, by_id)}
    if operated and len(signals["at scale"]) >= SCALE_SIGNALS_NEEDED:
        return "at scale", signals
    if operated:
        return "small user base", signals
    return "prototyping", signals


def evidence_lines(result: CheckResult | None, limit: int = 3) -> list[str]:
    """Short "path:line (commit): detail" lines for a step."""
    if result is None:
        return []
    lines = [_evidence_line(e) for e in result.evidence[:limit]]
    if len(result.evidence) > limit:
        lines.append(f"... and {len(result.evidence) - limit} more")
    return lines


def _evidence_line(e: Evidence) -> str:
    where = e.path or ""
    if e.path and e.line:
        where += f":{e.line}"
    if e.cell is not None:
        where += f" cell {e.cell}"
    if e.commit:
        where += f" @{e.commit[:10]}"
    return f"{where}: {e.detail}" if where else e.detail


def is_critical(result: CheckResult) -> bool:
    """Unsafe model files, leakage and other critical failures come before missing practices."""
    if result.status not in (Status.FAIL, Status.WARN):
        return False
    if result.check_id == "MODEL-UNSAFE" or result.severity == Severity.CRITICAL:
        return True
    return result.area == "leakage" and result.status == Status.FAIL


_SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}


def decide(results: list[CheckResult], extra_signals: dict[str, list[str]] | None = None) -> Decision:
    """Operating stage, stage whose needs are met, and the ranked next steps."""
    by_id = {r.check_id: r for r in results}
    operating, signals = operating_stage(results, extra_signals)
    needs: list[StageNeeds] = []
    meets = NONE
    climbing = True
    unmet: dict[str, list[RequirementOutcome]] = {}
    for stage in STAGES:
        outcomes = evaluate(NEEDS[stage], by_id)
        met = all(o.met for o in outcomes)
        needs.append(StageNeeds(stage, met, [
            {"check": o.requirement.check_id, "need": o.requirement.need, "met": o.met, "state": o.state,
             **o.reason.to_dict()} for o in outcomes
        ]))
        if climbing and met:
            meets = stage
        climbing = climbing and met
        unmet[stage] = [o for o in outcomes if not o.met]
    steps: list[NextStep] = []
    seen: set[str] = set()

    def add(result: CheckResult | None, check_id: str, action: str, why: str, stage: str, kind: str) -> None:
        if check_id in seen:
            return
        seen.add(check_id)
        severity = str(result.severity) if result is not None else str(Severity.MEDIUM)
        steps.append(NextStep(len(steps) + 1, action, why, evidence_lines(result), check_id, stage, kind, severity))

    critical = sorted((r for r in results if is_critical(r)),
                      key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), r.status != Status.FAIL, r.check_id))
    for r in critical:
        add(r, r.check_id, r.recommendation or f"Fix {r.check_id}: {r.title}", r.message or r.title, operating, "critical")
    own = STAGES.index(operating)
    for index, stage in enumerate(STAGES[: own + 2]):
        kind = "own stage" if index <= own else "next stage"
        for o in unmet[stage]:
            action = (o.result.recommendation if o.result is not None and o.result.recommendation
                      else f"Adopt {o.requirement.need}.")
            why = f"The {stage} stage needs {o.requirement.need}; {o.requirement.check_id} is {o.reason.status}: {o.reason.detail}"
            add(o.result, o.requirement.check_id, action, why, stage, kind)
    rest = sorted((r for r in results if r.status in (Status.FAIL, Status.WARN) and r.check_id not in seen),
                  key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), r.status != Status.FAIL, r.check_id))
    for r in rest:  # what no stage requires yet still fails or warns: after every stage need
        add(r, r.check_id, r.recommendation or f"Fix {r.check_id}: {r.title}",
            f"{r.check_id} is {r.status}: {r.message or r.title}", operating, "improvement")
    return Decision(operating, meets, signals, needs, steps)
