"""The ML Test Score (Breck et al., IEEE BigData 2017): 28 tests, section sums, final = minimum section."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from mlaudit.checks.base import CheckResult, Status, all_checks
from mlaudit.checks.scoring.common import DETERMINED

SECTIONS: dict[str, str] = {"data": "Data", "model": "Model", "infrastructure": "Infrastructure", "monitoring": "Monitoring"}
_PREFIX_SECTION = {"data": "data", "model": "model", "infra": "infrastructure", "mon": "monitoring"}

# (upper bound inclusive, band name); above the last bound: exceptional
BANDS: list[tuple[float, str]] = [
    (0.0, "research project"),
    (1.0, "serious holes in reliability"),
    (2.0, "first pass at productionization"),
    (3.0, "reasonably tested"),
    (5.0, "strong levels of automated testing, fit for mission-critical systems"),
]
EXCEPTIONAL = "exceptional levels of automated testing"


def band(final: float) -> str:
    """The 2017 paper's interpretation of a final score."""
    for upper, name in BANDS:
        if final <= upper:
            return name
    return EXCEPTIONAL


def test_table() -> dict[str, tuple[str, str]]:
    """The 28 tests, id -> (section, title), from ``mlaudit.checks.ml_test_score``."""
    module = importlib.import_module("mlaudit.checks.ml_test_score")
    return dict(module.ML_TEST_SCORE_TESTS)


def registered_mapping() -> dict[str, list[str]]:
    """Test id -> ids of the registered checks that decide it (from each check's ``ml_test_score``)."""
    mapping: dict[str, list[str]] = {}
    for check_id, cls in all_checks().items():
        for test_id in cls.ml_test_score:
            mapping.setdefault(test_id, []).append(check_id)
    return mapping


def section_of(test_id: str, declared: str) -> str:
    """Normalise a section name ("infra-3" or "Infrastructure" both give "infrastructure")."""
    key = declared.strip().lower()
    if key in SECTIONS:
        return key
    for prefix, name in _PREFIX_SECTION.items():
        if key.startswith(prefix) or test_id.startswith(prefix + "-"):
            return name
    raise ValueError(f"ML Test Score test {test_id} has an unknown section {declared!r}")


@dataclass(slots=True)
class TestScore:
    """One of the 28 tests: its points and which checks decided it, or why it is unknown."""

    id: str
    section: str
    title: str
    points: float
    status: str  # scored | unknown
    checks: list[str] = field(default_factory=list)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "section": self.section, "title": self.title, "points": self.points,
                "status": self.status, "checks": list(self.checks), "reason": self.reason}


@dataclass(slots=True)
class MLTestScore:
    tests: list[TestScore]
    sections: dict[str, float]
    final: float
    band: str

    @property
    def unknown(self) -> int:
        return sum(t.status == "unknown" for t in self.tests)

    def to_dict(self) -> dict[str, Any]:
        return {"sections": dict(self.sections), "final": self.final, "band": self.band,
                "unknown": self.unknown, "tests": [t.to_dict() for t in self.tests]}


def score_test(test_id: str, section: str, title: str, check_ids: list[str], by_id: dict[str, CheckResult]) -> TestScore:
    """A test scores the lowest points among its deciding checks; none determined -> unknown with the reason."""
    if not check_ids:
        return TestScore(test_id, section, title, 0.0, "unknown", [], "no check can decide this test from a repository; it scores 0")
    decided = [by_id[c] for c in check_ids if c in by_id and by_id[c].status in DETERMINED]
    if decided:
        weakest = min(decided, key=lambda r: r.points)
        reason = f"{weakest.check_id}: {weakest.message or weakest.status}"
        return TestScore(test_id, section, title, float(weakest.points), "scored", list(check_ids), reason)
    parts = []
    for c in check_ids:
        r = by_id.get(c)
        if r is None:
            parts.append(f"{c} was not run")
        elif r.status == Status.NOT_APPLICABLE:
            parts.append(f"{c} is not applicable: {r.message or 'nothing to judge'}")
        else:
            parts.append(f"{c} is {r.status}: {r.message or 'the repository does not show it'}")
    return TestScore(test_id, section, title, 0.0, "unknown", list(check_ids), "; ".join(x.rstrip(". ") for x in parts) + "; it scores 0")


def ml_test_score(results: list[CheckResult], mapping: dict[str, list[str]] | None = None,
                  tests: dict[str, tuple[str, str]] | None = None) -> MLTestScore:
    """Score all 28 tests from check results (0 / 0.5 manual / 1 automated), sum sections, take the minimum."""
    tests = tests if tests is not None else test_table()
    mapping = mapping if mapping is not None else registered_mapping()
    by_id = {r.check_id: r for r in results}
    scored = [score_test(tid, section_of(tid, sec), title, mapping.get(tid, []), by_id) for tid, (sec, title) in tests.items()]
    sections = {name: 0.0 for name in SECTIONS}
    for t in scored:
        sections[t.section] += t.points
    final = min(sections.values())
    return MLTestScore(scored, sections, final, band(final))
