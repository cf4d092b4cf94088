"""ML Test Score rules on constructed check results: every band boundary, sections, unknown tests."""

from __future__ import annotations

import pytest

from mlaudit.checks.scoring.mlts import band, ml_test_score
from tests.report.helpers import TESTS, result, section_results


def _points(total: float) -> list[float]:
    """Seven test points summing to ``total`` (steps of 0.5)."""
    ones, half = int(total), (total - int(total)) >= 0.5
    return [1.0] * ones + ([0.5] if half else []) + [0.0] * (7 - ones - int(half))


@pytest.mark.parametrize(("final", "expected"), [
    (0, "research project"),
    (0.5, "serious holes in reliability"),
    (1, "serious holes in reliability"),
    (1.5, "first pass at productionization"),
    (2, "first pass at productionization"),
    (2.5, "reasonably tested"),
    (3, "reasonably tested"),
    (3.5, "strong levels of automated testing, fit for mission-critical systems"),
    (5, "strong levels of automated testing, fit for mission-critical systems"),
    (5.5, "exceptional levels of automated testing"),
    (7, "exceptional levels of automated testing"),
])
def test_band_boundaries(final: float, expected: str) -> None:
    """The final score (minimum section) falls in the 2017 band, boundaries inclusive on the upper side."""
    others = min(final + 1, 7)
    results, mapping = section_results({"data": _points(final), "model": _points(others), "infra": _points(others), "mon": _points(7)})
    score = ml_test_score(results, mapping, TESTS)
    assert score.final == final
    assert score.band == expected == band(final)
    assert score.sections["data"] == final


def test_sections_sum_and_final_is_minimum() -> None:
    """Each section sums its tests; the final score is the lowest section."""
    results, mapping = section_results({"data": [1] * 7, "model": [0.5] * 7, "infra": [1, 1, 0, 0, 0, 0, 0], "mon": [1] * 4 + [0] * 3})
    score = ml_test_score(results, mapping, TESTS)
    assert score.sections == {"data": 7, "model": 3.5, "infrastructure": 2, "monitoring": 4}
    assert score.final == 2


def test_unmapped_test_is_unknown_with_reason() -> None:
    """A test no check decides is unknown, scores 0 and says why."""
    score = ml_test_score([], {}, TESTS)
    assert score.unknown == 28 and score.final == 0
    assert all(t.status == "unknown" and "no check can decide" in t.reason for t in score.tests)


def test_weakest_deciding_check_sets_the_points() -> None:
    """When several checks decide one test, the lowest points among the determined ones count."""
    results = [result("INFRA-CI", "pass", 1), result("INFRA-TESTS", "warn", 0.5), result("INFRA-CD", "unknown")]
    score = ml_test_score(results, {"infra-3": ["INFRA-CI", "INFRA-TESTS", "INFRA-CD"]}, TESTS)
    test = next(t for t in score.tests if t.id == "infra-3")
    assert (test.points, test.status) == (0.5, "scored")
    assert test.reason.startswith("INFRA-TESTS")


@pytest.mark.parametrize(("status", "phrase"), [("unknown", "is unknown"), ("not applicable", "not applicable"), ("error", "is error")])
def test_mapped_but_undetermined_is_unknown(status: str, phrase: str) -> None:
    """A test whose checks are unknown, not applicable or broken is unknown and names the check."""
    score = ml_test_score([result("MON-PRODUCTION", status)], {"mon-7": ["MON-PRODUCTION", "MON-SKEW"]}, TESTS)
    test = next(t for t in score.tests if t.id == "mon-7")
    assert test.status == "unknown" and test.points == 0
    assert phrase in test.reason and "MON-SKEW was not run" in test.reason
