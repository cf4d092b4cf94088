"""The store queries the desktop app uses about scans, on a real scanned repository and a real SQLite store."""

from __future__ import annotations

from pathlib import Path

from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import audit
from mlaudit.audit.phases import all_phases
from mlaudit.store.db import open_store
from mlaudit.store.session_queries import last_checked_scan, latest_scan_id, phases_done, scan_errors


def test_scan_queries_on_a_scanned_repo(tmp_path: Path) -> None:
    """After one audit: its scan is the newest checked one, every phase is done, and a broken notebook is listed."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("code", {"train.py": "from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit(X, y)\n",
                         "broken.ipynb": "{ not json"})
    db = tmp_path / "s.sqlite"
    audit(repo.root, db)
    with open_store(db, repo_root=repo.root, readonly=True) as store:
        scan = last_checked_scan(store)
        assert scan is not None and scan["status"] == "done"
        assert latest_scan_id(store) == scan["id"]
        assert {p.name for p in all_phases()} <= phases_done(store, scan["id"])
        assert phases_done(store, scan["id"] + 1) == set()
        errors = [path for phase in {p.name for p in all_phases()} for path, _ in scan_errors(store, scan["id"], phase)]
        assert "broken.ipynb" in errors


def test_an_empty_store_has_no_checked_scan(tmp_path: Path) -> None:
    """A store created but never scanned: no checked scan and no scan id."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("readme", {"README.md": "hi\n"})
    with open_store(tmp_path / "s.sqlite", repo_root=repo.root) as store:
        assert last_checked_scan(store) is None
        assert latest_scan_id(store) is None
