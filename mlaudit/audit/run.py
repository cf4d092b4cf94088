"""scan(): incremental, phase by phase, each in a transaction; audit(): scan then run every check."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mlaudit import __version__
from mlaudit.audit.phases import ScanContext, all_phases
from mlaudit.checks.base import CheckResult, result_from_row, result_row, run_checks
from mlaudit.checks.context import CheckContext
from mlaudit.core.config import AuditConfig, load_config
from mlaudit.core.errors import Cancelled
from mlaudit.core.objects import GitObjects
from mlaudit.core.progress import Progress
from mlaudit.core.repo import RepoInfo, open_repo
from mlaudit.core.tree import open_tree
from mlaudit.report.waivers import with_repo_config
from mlaudit.store.db import Store, default_store_path, open_store, scan_lock, write_transaction


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class ScanSummary:
    repo: RepoInfo
    store_path: Path
    scan_id: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class AuditResult:
    repo: RepoInfo
    store_path: Path
    scan_id: int
    rev: str | None
    results: list[CheckResult]
    counts: dict[str, int] = field(default_factory=dict)


def store_for(repo_path: str | os.PathLike[str], db: str | os.PathLike[str] | None = None) -> tuple[RepoInfo, Path]:
    """The repo's state and the path of its store (``db`` overrides the user-data default)."""
    repo = open_repo(repo_path)
    return repo, Path(db) if db else default_store_path(repo.root)


def scan(repo_path: str | os.PathLike[str], db: str | os.PathLike[str] | None = None, *,
         progress: Progress | None = None, config: AuditConfig | None = None, wait_seconds: float = 30.0) -> ScanSummary:
    """Bring the store up to date with the repo (only new commits and unseen content are read)."""
    repo, store_path = store_for(repo_path, db)
    progress = progress or Progress()
    config = config or load_config()
    with scan_lock(store_path, wait_seconds), open_store(store_path, repo_root=repo.root) as store:
        scan_id = _start_scan(store, repo)
        objects = GitObjects(repo.root) if repo.is_git else None
        ctx = ScanContext(repo, store, progress, config, scan_id, objects)
        try:
            for phase in all_phases():
                progress.update(phase.name, 0, 0, phase.help)
                with write_transaction(store):
                    phase.run(ctx)
                    store.db.execute(
                        "INSERT OR REPLACE INTO scan_phases(scan_id, phase, status, finished_at) VALUES (?, ?, 'done', ?)",
                        [scan_id, phase.name, _now()],
                    )
        except Cancelled:
            _finish_scan(store, scan_id, "cancelled")
            raise
        except BaseException as exc:
            _finish_scan(store, scan_id, "failed", f"{type(exc).__name__}: {exc}")
            raise
        finally:
            if objects is not None:
                objects.close()
        _finish_scan(store, scan_id, "done")
        return ScanSummary(repo, store_path, scan_id, dict(ctx.counts))


def _start_scan(store: Store, repo: RepoInfo) -> int:
    with write_transaction(store):
        cur = store.db.execute(
            "INSERT INTO scans(started_at, status, repo, head, branch, dirty, is_git, shallow, mlaudit_version) "
            "VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?)",
            [_now(), str(repo.root), repo.head, repo.branch, None if repo.dirty is None else int(repo.dirty),
             int(repo.is_git), int(repo.shallow), __version__],
        )
        return int(cur.lastrowid)


def _finish_scan(store: Store, scan_id: int, status: str, error: str | None = None) -> None:
    with write_transaction(store):
        store.db.execute("UPDATE scans SET status = ?, finished_at = ?, error = ? WHERE id = ?", [status, _now(), error, scan_id])


def audit(repo_path: str | os.PathLike[str], db: str | os.PathLike[str] | None = None, *, rev: str | None = None,
          progress: Progress | None = None, config: AuditConfig | None = None) -> AuditResult:
    """Scan, then run every check on the working tree (or on ``rev``) and store the results.

    The repo's own config (.mlaudit.toml / [tool.mlaudit]) overrides ``config``'s thresholds and adds path rules.
    """
    config = with_repo_config(config or load_config(), open_repo(repo_path).root, rev)
    summary = scan(repo_path, db, progress=progress, config=config)
    repo = summary.repo
    with open_store(summary.store_path, repo_root=repo.root) as store:
        tree = open_tree(repo, rev, config.threshold("limits.max_file_bytes"))
        try:
            ctx = CheckContext(repo, store, tree, config, summary.scan_id, progress)
            results = run_checks(ctx)
        finally:
            tree.close()
        label = tree.label
        with write_transaction(store):
            store.db["check_results"].insert_all([result_row(summary.scan_id, label, r) for r in results], replace=True)
    return AuditResult(repo, summary.store_path, summary.scan_id, tree.rev, results, summary.counts)


def latest_results(store: Store, rev: str = "WORKTREE") -> list[CheckResult]:
    """The check results of the newest scan that has them, read from the store only."""
    row = store.db.execute("SELECT MAX(scan_id) FROM check_results WHERE rev = ?", [rev]).fetchone()
    if not row or row[0] is None:
        return []
    rows = store.db.execute_returning_dicts("SELECT * FROM check_results WHERE scan_id = ? AND rev = ?", [row[0], rev])
    return [result_from_row(r) for r in rows]
