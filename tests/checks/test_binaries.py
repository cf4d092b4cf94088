"""REPRO-BINARIES on real histories: a big binary fails even after deletion; past commits see their own history."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlaudit.audit import scan
from mlaudit.checks.base import run_checks
from mlaudit.checks.context import CheckContext
from mlaudit.core.config import AuditConfig
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import open_tree
from mlaudit.store.db import open_store

SMALL_LIMIT = AuditConfig(thresholds={"repro.binary_bytes": 50_000})


def run(root: Path, db: Path, rev: str | None = None) -> tuple[str, list[str]]:
    summary = scan(root, db)
    info = open_repo(root)
    tree = open_tree(info, rev)
    try:
        with open_store(db, repo_root=root) as store:
            [result] = run_checks(CheckContext(info, store, tree, SMALL_LIMIT, summary.scan_id), ["REPRO-BINARIES"])
    finally:
        tree.close()
    return str(result.status), [e.path for e in result.evidence if e.path]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A repo whose second commit adds a 100 kB binary that the third commit deletes."""
    from mlaudit.sample_projects.gitrepo import GitRepo

    repo = GitRepo(tmp_path_factory.mktemp("bin") / "repo")
    first = repo.commit("code", {"train.py": "x = 1\n", "model.pkl": b"\x80\x04small"})
    big = repo.commit("dump", {"data/features.npy": os.urandom(100_000)})
    repo.commit("remove", remove=["data/features.npy"])
    return repo.root, first, big


def test_big_binary_in_history_fails(history, tmp_path: Path) -> None:
    """A binary over the threshold fails the check even though HEAD no longer has it."""
    root, _, _ = history
    assert run(root, tmp_path / "a.sqlite") == ("fail", ["data/features.npy"])


def test_past_commit_sees_only_its_history(history, tmp_path: Path) -> None:
    """Judged at the first commit, the later binary is not part of the history."""
    root, first, _ = history
    assert run(root, tmp_path / "b.sqlite", first)[0] == "pass"


def test_plain_folder_is_not_applicable(tmp_path: Path) -> None:
    """A folder without git has no history to bloat."""
    root = tmp_path / "plain"
    root.mkdir()
    (root / "x.py").write_text("x = 1\n")
    assert run(root, tmp_path / "c.sqlite")[0] == "not applicable"


def test_big_text_file_is_not_a_binary(tmp_path: Path) -> None:
    """A CSV over the threshold is sized and sniffed (no NUL in its first 8000 bytes), so it does not fail the check."""
    from mlaudit.sample_projects.gitrepo import GitRepo

    repo = GitRepo(tmp_path / "text")
    repo.commit("data", {"data/big.csv": "a,b\n" + "1,2\n" * 30_000})
    status, paths = run(repo.root, tmp_path / "t.sqlite")
    assert (status, paths) == ("pass", [])
