"""Maturity over history: revision choice, judging from git objects, reuse of stored results, stage changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlaudit.audit.history import evenly_spaced, maturity_history
from mlaudit.core.config import AuditConfig
from mlaudit.report import build_report
from tests.report.conftest import Audited, build_small_repo
from tests.snapshot import tree_snapshot


@pytest.mark.parametrize(("n", "count", "expected"), [
    (5, 10, [0, 1, 2, 3, 4]),
    (10, 4, [0, 3, 6, 9]),
    (10, 1, [9]),
    (3, 2, [0, 2]),
])
def test_evenly_spaced(n: int, count: int, expected: list[int]) -> None:
    """Evenly spaced picks keep the first and the last item."""
    assert evenly_spaced([str(i) for i in range(n)], count) == [str(i) for i in expected]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("history")
    repo = build_small_repo(base / "repo")
    return repo.root, base / "history.sqlite"


def test_history_judges_every_tag_then_reuses(tagged: tuple[Path, Path]) -> None:
    """The first run judges each tag from git objects; the second reads every revision back from the store."""
    root, db = tagged
    before = tree_snapshot(root)
    first = maturity_history(root, db, points=3, config=AuditConfig())
    assert [p.label for p in first.points] == ["v0.1", "v0.2", "v1.0"]
    assert (first.computed, first.reused) == (3, 0)
    second = maturity_history(root, db, points=3, config=AuditConfig())
    assert (second.computed, second.reused) == (0, 3)
    assert [p.to_dict() for p in second.points] == [p.to_dict() for p in first.points]
    assert tree_snapshot(root) == before


def test_history_records_the_stage_change(tagged: tuple[Path, Path]) -> None:
    """The image pushed from CI at v1.0 moves the project from prototyping to small user base on the timeline."""
    root, db = tagged
    points = maturity_history(root, db, points=3, config=AuditConfig()).points
    assert [p.stage for p in points] == ["prototyping", "prototyping", "small user base"]
    assert [p.stage_changed for p in points] == [False, False, True]
    data = maturity_history(root, db, points=3, config=AuditConfig()).to_dict()
    assert data["stage_changes"] == [{"sha": points[2].sha, "label": "v1.0", "stage": "small user base"}]


def test_history_tops_up_with_commits(tagged: tuple[Path, Path]) -> None:
    """With fewer tags than points, evenly spaced commits are added, HEAD included."""
    root, db = tagged
    result = maturity_history(root, db, points=5, config=AuditConfig())
    assert len(result.points) == 3  # three commits in all: every one is a tag
    assert result.points[-1].sha == result.repo.head


def test_history_on_a_plain_folder(tmp_path: Path) -> None:
    """A folder that is not a git repository has no revisions to judge, and no error."""
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "train.py").write_text("print(1)\n")
    result = maturity_history(tmp_path / "proj", tmp_path / "s.sqlite", config=AuditConfig())
    assert result.points == [] and result.computed == 0


def test_report_includes_stored_history(audited: Audited) -> None:
    """Once revisions are judged, the report's timeline and history chart come from the store."""
    maturity_history(audited.root, audited.db, points=3, config=AuditConfig())
    report = build_report(audited.db, audited.root, config=AuditConfig())
    assert [p.label for p in report.history] == ["v0.1", "v0.2", "v1.0"]
    from mlaudit.report.figures import report_figures

    assert "history" in report_figures(report)
