"""Decision-matrix rules on constructed check results: every stage boundary, needs met, step ranking."""

from __future__ import annotations

import pytest

from mlaudit.checks.base import Evidence, Severity
from mlaudit.checks.scoring.stage import NEEDS, decide
from tests.report.helpers import result

PROTO = [r.check_id for r in NEEDS["prototyping"]]
SMALL = [r.check_id for r in NEEDS["small user base"]]
SCALE = [r.check_id for r in NEEDS["at scale"]]


def passing(ids: list[str]) -> list:
    return [result(i, "pass", 1) for i in ids]


@pytest.mark.parametrize(("present", "stage"), [
    ([], "prototyping"),
    (["INFRA-SERVING"], "prototyping"),
    (["INFRA-CD"], "small user base"),
    (["MODEL-REGISTRY"], "prototyping"),
    (["INFRA-CT", "MODEL-REGISTRY"], "prototyping"),
    (["INFRA-CD", "INFRA-CT", "MODEL-REGISTRY"], "at scale"),
    (["INFRA-SERVING", "INFRA-CT", "INFRA-ROLLBACK"], "prototyping"),
    (["INFRA-CD", "INFRA-SERVING", "INFRA-CT", "INFRA-ROLLBACK"], "at scale"),
])
def test_operating_stage_boundaries(present: list[str], stage: str) -> None:
    """Serving code alone: prototyping; something deploying the model: small user base; operated plus two
    at-scale signals: at scale (CHECKS.md decision matrix)."""
    absent = [result(i, "fail", 0) for i in ("INFRA-SERVING", "INFRA-CD", "INFRA-CT", "MODEL-REGISTRY", "INFRA-ROLLBACK") if i not in present]
    assert decide(passing(present) + absent).operating == stage


def test_manual_retraining_is_not_an_at_scale_signal() -> None:
    """Continuous training must be automated (points 1) to count as at-scale evidence."""
    results = [result("INFRA-CD", "pass", 1), result("INFRA-CT", "warn", 0.5), result("MODEL-REGISTRY", "pass", 1)]
    assert decide(results).operating == "small user base"


def test_serving_code_alone_is_a_prototype() -> None:
    """A FastAPI file (even one failing its check) is shown as prototype evidence; it takes a deploy to operate."""
    serving = result("INFRA-SERVING", "fail", 0, evidence=[Evidence("model loaded per request", path="app.py", line=12)])
    decision = decide([serving])
    assert decision.operating == "prototyping"
    assert [r.check_id for r in decision.signals["prototyping"]] == ["INFRA-SERVING"]
    assert decide([serving, result("INFRA-CD", "pass", 1)]).operating == "small user base"
    assert decide([serving, result("INFRA-CD", "warn", 0.5)]).operating == "prototyping"  # shipped by hand


def test_monitored_serving_is_operation() -> None:
    """Serving code whose production monitoring passes shows a model in operation."""
    results = [result("INFRA-SERVING", "pass", 1), result("MON-PRODUCTION", "pass", 1)]
    assert decide(results).operating == "small user base"
    assert decide([result("MON-PRODUCTION", "pass", 1)]).operating == "prototyping"


def test_failing_registry_is_not_a_registry() -> None:
    """A failing registry check that lists plain model files is no evidence of a registry."""
    plain = result("MODEL-REGISTRY", "fail", 0, evidence=[Evidence("saved as a plain file", path="model.pkl")])
    assert decide([plain]).operating == "prototyping"


def test_container_from_the_store_is_not_operation() -> None:
    """A Dockerfile found in the store is prototype evidence; a deploy step shipping the model is operation."""
    decision = decide([], {"small user base": ["container definition Dockerfile"]})
    assert decision.operating == "prototyping"
    assert decision.signals["prototyping"][0].detail == "container definition Dockerfile"
    shipped = decide([], {"small user base": ["released model: deploy step of .github/workflows/cd.yml:9 ships models/m.pkl"]})
    assert shipped.operating == "small user base"


@pytest.mark.parametrize(("met", "meets"), [
    ([], "none"),
    (PROTO[:-1], "none"),
    (PROTO, "prototyping"),
    (PROTO + SMALL[:-1], "prototyping"),
    (PROTO + SMALL, "small user base"),
    (SMALL + SCALE, "none"),
    (PROTO + SMALL + SCALE[:-1], "small user base"),
    (PROTO + SMALL + SCALE, "at scale"),
])
def test_meets_boundaries(met: list[str], meets: str) -> None:
    """A stage is met when all its needs and every lower stage's needs are met."""
    assert decide(passing(met)).meets == meets


def test_manual_practice_does_not_meet_an_automated_need() -> None:
    """At scale needs automation: a manual (0.5) practice is not enough; a warn anywhere is only partly met."""
    results = passing(PROTO + SMALL + SCALE)
    results[-len(SCALE)] = result(SCALE[0], "warn", 0.5)
    assert decide(results).meets == "small user base"
    results = passing(PROTO + SMALL)
    results[0] = result(PROTO[0], "warn", 0.5)
    decision = decide(results)
    assert decision.meets == "none"
    assert decision.needs[0].needs[0]["state"] == "partly met" and not decision.needs[0].needs[0]["met"]


@pytest.mark.parametrize(("status", "state"), [
    ("unknown", "not measured"), ("error", "not measured"), ("fail", "not met"), ("not applicable", "n/a"),
    ("warn", "partly met"),
])
def test_undetermined_need_is_not_met(status: str, state: str) -> None:
    """Only a pass meets a need: unknown is "not measured", N/A is "n/a", warn "partly met" — none is met."""
    results = [*passing(PROTO[1:]), result(PROTO[0], status, 0.5 if status == "warn" else 0)]
    decision = decide(results)
    assert decision.meets == "none"
    need = next(n for n in decision.needs[0].needs if n["check"] == PROTO[0])
    assert (need["met"], need["state"]) == (False, state)


def test_next_steps_ranking() -> None:
    """Critical findings first, then the own stage's needs (lower stages first), then the next stage's."""
    results = [*passing(PROTO[:-1]), result("INFRA-CD", "pass", 1), result("LEAK-OVERLAP", "fail", 0, severity=Severity.HIGH, evidence=[Evidence("12 rows", path="data/test.csv")]), result("MODEL-UNSAFE", "fail", 0, severity=Severity.CRITICAL), result("REPRO-PARAMS", "fail", 0)]
    steps = decide(results).next_steps
    assert [s.check_id for s in steps[:3]] == ["MODEL-UNSAFE", "LEAK-OVERLAP", "REPRO-PARAMS"]
    assert [s.kind for s in steps[:3]] == ["critical", "critical", "own stage"]
    assert steps[1].evidence == ["data/test.csv: 12 rows"]
    kinds = [s.kind for s in steps]
    assert kinds.index("next stage") > max(i for i, k in enumerate(kinds) if k == "own stage")
    assert {s.stage for s in steps if s.kind == "own stage"} == {"prototyping", "small user base"}
    assert {s.stage for s in steps if s.kind == "next stage"} == {"at scale"}
    assert [s.rank for s in steps] == list(range(1, len(steps) + 1))


def test_prototype_next_steps_stop_at_the_next_stage() -> None:
    """A prototype is told its own needs and the small-user-base needs, not the at-scale ones."""
    steps = decide([]).next_steps
    assert {s.stage for s in steps} == {"prototyping", "small user base"}
    assert steps[0].stage == "prototyping" and "cannot be determined" in steps[0].why


def test_everything_met_leaves_only_critical_findings() -> None:
    """A project meeting every need gets no practice steps; a leak is still reported."""
    results = [*passing(PROTO + SMALL + SCALE), result("LEAK-TEMPORAL", "fail", 0, severity=Severity.HIGH)]
    steps = decide(results).next_steps
    assert [(s.check_id, s.kind) for s in steps] == [("LEAK-TEMPORAL", "critical")]


def test_improvements_follow_every_stage_need() -> None:
    """Failing or warning checks no stage needs come last as improvements, by severity, failures before warnings."""
    results = [*passing(PROTO), result("MODEL-TUNING", "fail", 0, severity=Severity.LOW), result("MODEL-PICKLE", "warn", 0.5, severity=Severity.HIGH), result("MODEL-FAIRNESS", "fail", 0, severity=Severity.MEDIUM), result("MODEL-BASELINE", "pass", 1), result("MODEL-SLICES", "unknown", 0)]
    steps = decide(results).next_steps
    kinds = [s.kind for s in steps]
    assert "improvement" in kinds and kinds.index("improvement") > max(i for i, k in enumerate(kinds) if k != "improvement")
    improvements = [s.check_id for s in steps if s.kind == "improvement"]
    assert improvements == ["MODEL-PICKLE", "MODEL-FAIRNESS", "MODEL-TUNING"]
