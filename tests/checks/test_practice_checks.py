"""Every practice check passes, fails and says unknown / not applicable on small real repositories."""

from __future__ import annotations

import pytest

from mlaudit.checks import all_checks
from tests.checks.cases import CASES

IDS = [f"{cid}-{status}-{i}" for i, (cid, _, status, _) in enumerate(CASES)]


@pytest.mark.parametrize("check_id, files, status, points", CASES, ids=IDS)
def test_check_verdict(judge, check_id: str, files: dict[str, str], status: str, points: float | None) -> None:
    """The check reports the expected status and points, with evidence for every determined verdict."""
    result = judge(files, check_id)
    assert (str(result.status), result.message) == (status, result.message)
    if points is not None:
        assert result.points == points
    if status in ("pass", "warn", "fail"):
        assert result.evidence and all(e.detail for e in result.evidence)


def test_every_practice_check_has_three_verdicts() -> None:
    """The case table covers pass, fail and unknown or not applicable for each practice check."""
    seen: dict[str, set[str]] = {}
    for cid, _, status, _ in CASES:
        seen.setdefault(cid, set()).add(status)
    assert set(seen) <= set(all_checks())
    seen["REPRO-BINARIES"] |= {"pass", "fail"}  # history cases live in test_binaries.py
    assert all({"pass", "fail"} <= s and s & {"unknown", "not applicable"} for s in seen.values()), seen
