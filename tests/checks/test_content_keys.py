"""Cached facts keyed by content: a rescan of an unchanged working tree reuses them; a change re-keys and prunes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlaudit.audit import audit
from mlaudit.core.config import AuditConfig
from mlaudit.report.signals import stored_facts as _facts
from mlaudit.store.db import open_store


@pytest.fixture
def repo(make_repo):
    """Code, a CSV with duplicate rows and a mixed column."""
    repo = make_repo()
    repo.commit("init", {"train.py": "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n",
                         "data/train.csv": "a,b\n" + "1,x\n" * 20 + "".join(f"{i},{i}\n" for i in range(30))})
    return repo


def facts_rows(db: Path) -> dict[tuple[str, str], int]:
    with open_store(db) as store:
        return {(k, kind): rowid for rowid, k, kind in store.db.execute("SELECT rowid, tree_key, kind FROM tree_facts")}


def content_rows(db: Path) -> dict[tuple[str, str], int]:
    with open_store(db) as store:
        return {(k, kind): rowid for rowid, k, kind in store.db.execute("SELECT rowid, content_key, kind FROM content_facts")}


def test_unchanged_tree_reuses_facts_across_scans(repo, store_path: Path) -> None:
    """Other settings force a real rescan of the same tree: its facts and data-quality facts are read back, not rewritten."""
    first = audit(repo.root, store_path)
    before, content_before = facts_rows(store_path), content_rows(store_path)
    wt = {k for k, kind in before if k.startswith("WT:")}
    assert len(wt) == 1 and {kind for _, kind in content_before} == {"quality.duplicates/1", "quality.numeric_shares/1"}
    second = audit(repo.root, store_path, config=AuditConfig(thresholds={"data.duplicate_share": 0.5}))
    assert second.scan_id != first.scan_id
    after = facts_rows(store_path)
    # other thresholds are another analysis (issue 16 item 9): the tree facts are keyed anew, for the same tree content
    assert {k.split("#")[0] for k, _ in after if k.startswith("WT:")} == {k.split("#")[0] for k in wt}
    assert content_rows(store_path) == content_before  # per-content facts depend on no threshold: reused
    quality = {r.check_id: r for r in second.results}["DATA-QUALITY"]
    assert any("duplicate rows" in e.detail for e in {r.check_id: r for r in first.results}["DATA-QUALITY"].evidence)
    assert not any("duplicate rows" in e.detail for e in quality.evidence)  # same cached count, the new threshold applied


def test_changed_tree_rekeys_and_prunes(repo, store_path: Path) -> None:
    """An edited file gives a new working-tree key; the old state's facts and the old scan's alias are dropped, and
    readers find the facts through WORKTREE@<scan>."""
    audit(repo.root, store_path)
    old = {k for k, _ in facts_rows(store_path) if k.startswith("WT:")}
    (repo.root / "train.py").write_text("import torch\n")
    result = audit(repo.root, store_path)
    keys = {k for k, _ in facts_rows(store_path)}
    new = {k for k in keys if k.startswith("WT:")}
    assert len(new) == 1 and new != old
    assert {k for k in keys if k.startswith("WORKTREE@")} == {f"WORKTREE@{result.scan_id}"}
    with open_store(store_path) as store:
        assert _facts(store, f"WORKTREE@{result.scan_id}", "code") is not None
