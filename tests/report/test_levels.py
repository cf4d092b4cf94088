"""Google (0-2) and Microsoft (0-4) level rules at every boundary, with evidence for and against."""

from __future__ import annotations

import pytest

from mlaudit.checks.scoring.levels import GOOGLE, MICROSOFT, google_level, microsoft_level
from tests.report.helpers import result


def met_up_to(ladder, level: int) -> list:
    return [result(r.check_id, "pass", 1) for number, _, reqs in ladder if 0 < number <= level for r in reqs]


@pytest.mark.parametrize("level", [0, 1, 2])
def test_google_levels(level: int) -> None:
    """Each Google level needs its practices and all below it."""
    verdict = google_level(met_up_to(GOOGLE, level))
    assert verdict.value == level
    assert bool(verdict.evidence_against) == (level < 2)


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_microsoft_levels(level: int) -> None:
    """Each Microsoft level needs its practices and all below it."""
    assert microsoft_level(met_up_to(MICROSOFT, level)).value == level


def test_levels_are_cumulative() -> None:
    """Practices of a higher level do not count while a lower level is missing; they still show as evidence for."""
    results = met_up_to(MICROSOFT, 4)
    results = [r for r in results if r.check_id != "INFRA-TESTS"]
    verdict = microsoft_level(results)
    assert verdict.value == 0
    assert [r.check_id for r in verdict.evidence_against] == ["INFRA-TESTS"]
    assert "INFRA-CT" in {r.check_id for r in verdict.evidence_for}


def test_manual_pipeline_is_not_automation() -> None:
    """Google level 1 needs an automated pipeline: a manual one (0.5) keeps level 0, and says so."""
    results = met_up_to(GOOGLE, 1)
    results = [result("REPRO-PIPELINE", "warn", 0.5) if r.check_id == "REPRO-PIPELINE" else r for r in results]
    verdict = google_level(results)
    assert verdict.value == 0
    assert "not automated" in verdict.evidence_against[0].detail
