"""scan(): incremental, phase by phase, each in a transaction; audit(): scan then run every check."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mlaudit.audit.noop import StoredAudit, audit_key, remember_audit, stored_audit
from mlaudit.audit.phases import Phase, ScanContext, all_phases
from mlaudit.checks.base import CheckResult, result_from_row, result_row, run_checks
from mlaudit.checks.context import CheckContext
from mlaudit.core import tempdir
from mlaudit.core.config import AuditConfig, load_config
from mlaudit.core.errors import Cancelled, StoreError
from mlaudit.core.objects import GitObjects
from mlaudit.core.progress import Progress
from mlaudit.core.records import ScanIssue
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


STORE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG}
STORE_FAILURES = ("disk", "full", "readonly", "read-only", "unable to open", "i/o", "locked", "malformed", "not a database")


def is_store_failure(exc: BaseException) -> bool:
    """An SQLite error that means the store itself cannot be written (not a query bug in a phase)."""
    return isinstance(exc, sqlite3.DatabaseError) and any(word in str(exc).lower() for word in STORE_FAILURES)


@contextmanager
def store_errors(store_path: Path) -> Iterator[None]:
    """Turn a failure to write the store (read-only folder, disk full, I/O error) into one clear StoreError.

    Audited databases are read inside the phases' own guards, so an SQLite error reaching here is the store's.
    """
    store_path = Path(store_path).absolute()
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if not is_store_failure(exc):
            raise
        raise StoreError(f"cannot write the store {store_path}: {exc}; the disk may be full or the folder read-only — "
                         "free some space or pass --db with a writable location") from exc
    except PermissionError as exc:
        if exc.filename and not str(exc.filename).startswith(str(store_path.parent)):
            raise
        raise StoreError(f"cannot write next to the store {store_path} ({exc.strerror}); pass --db with a writable location") from exc
    except OSError as exc:
        if exc.errno not in STORE_ERRNOS:
            raise
        raise StoreError(f"cannot write the store {store_path} ({exc.strerror}); free some space or pass --db with a writable location") from exc


def scan(repo_path: str | os.PathLike[str], db: str | os.PathLike[str] | None = None, *,
         progress: Progress | None = None, config: AuditConfig | None = None, wait_seconds: float = 30.0) -> ScanSummary:
    """Bring the store up to date with the repo (only new commits and unseen content are read).

    Ctrl-C (KeyboardInterrupt) or a cancel token records the scan as 'cancelled' and raises Cancelled; the
    phases already committed stay, so the next scan resumes from there.
    """
    repo, store_path = store_for(repo_path, db)
    progress = progress or Progress()
    config = config or load_config()
    from mlaudit.core import yamlload  # a real scan only (PyYAML costs 20-40 ms, a tenth of a no-op rescan)

    yamlload.configure(config)
    tempdir.sweep_stale()
    with store_errors(store_path), scan_lock(store_path, wait_seconds), open_store(store_path, repo_root=repo.root) as store:
        scan_id = _start_scan(store, repo)
        objects = GitObjects(repo.root) if repo.is_git else None
        ctx = ScanContext(repo, store, progress, config, scan_id, objects)
        try:
            for phase in all_phases():
                progress.update(phase.name, 0, 0, phase.help)
                _run_phase(ctx, store, phase)
        except Cancelled:
            _finish_scan(store, scan_id, "cancelled")
            raise
        except KeyboardInterrupt as exc:
            _finish_scan(store, scan_id, "cancelled", "interrupted (Ctrl-C); the next scan resumes from the last finished phase")
            raise Cancelled("interrupted") from exc
        except BaseException as exc:
            try:
                _finish_scan(store, scan_id, "failed", f"{type(exc).__name__}: {exc}")
            except sqlite3.Error:
                pass  # the store itself is failing (disk full): the original error says why
            raise
        finally:
            if objects is not None:
                objects.close()  # temp copies are removed file by file; the private folder itself goes at exit
        _finish_scan(store, scan_id, "done")
        return ScanSummary(repo, store_path, scan_id, dict(ctx.counts))


def _run_phase(ctx: ScanContext, store: Store, phase: Phase) -> None:
    """Run one phase in its transaction. A phase that fails on the repo's content (an unexpected error its own
    per-file guards missed) is rolled back and recorded as a finding and a 'failed' phase; the scan goes on.
    Store failures, cancellation and Ctrl-C still stop the scan."""
    try:
        with write_transaction(store):
            phase.run(ctx)
            store.db.execute(
                "INSERT OR REPLACE INTO scan_phases(scan_id, phase, status, finished_at) VALUES (?, ?, 'done', ?)",
                [ctx.scan_id, phase.name, _now()],
            )
    except (StoreError, Cancelled):
        raise
    except Exception as exc:
        if is_store_failure(exc):
            raise
        reason = f"the {phase.name} phase stopped on an unexpected error and was skipped: {type(exc).__name__}: {str(exc)[:300]}"
        with write_transaction(store):
            ctx.record_issue(ScanIssue(phase.name, reason, None))
            store.db.execute(
                "INSERT OR REPLACE INTO scan_phases(scan_id, phase, status, finished_at) VALUES (?, ?, 'failed', ?)",
                [ctx.scan_id, phase.name, _now()],
            )


def _start_scan(store: Store, repo: RepoInfo) -> int:
    from mlaudit import __version__  # looked up on a real scan only

    with write_transaction(store):
        cur = store.db.execute(
            "INSERT INTO scans(started_at, status, repo, head, branch, dirty, is_git, shallow, mlaudit_version) "
            "VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?)",
            [_now(), str(repo.root), repo.head, repo.branch, None if repo.dirty is None else int(repo.dirty),
             int(repo.is_git), int(repo.shallow), __version__],
        )
        assert cur.lastrowid is not None  # set by every INSERT
        return cur.lastrowid


def _finish_scan(store: Store, scan_id: int, status: str, error: str | None = None) -> None:
    with write_transaction(store):
        store.db.execute("UPDATE scans SET status = ?, finished_at = ?, error = ? WHERE id = ?", [status, _now(), error, scan_id])


def audit(repo_path: str | os.PathLike[str], db: str | os.PathLike[str] | None = None, *, rev: str | None = None,
          progress: Progress | None = None, config: AuditConfig | None = None) -> AuditResult:
    """Scan, then run every check on the working tree (or on ``rev``) and store the results.

    The repo's own config (.mlaudit.toml / [tool.mlaudit]) overrides ``config``'s thresholds and adds path rules.
    """
    repo, store_path = store_for(repo_path, db)
    config = with_repo_config(config or load_config(), repo.root, rev)
    key = audit_key(repo, rev, config)  # before the scan: a change during it makes the next one rescan
    reused = _reuse(repo, store_path, key)
    if reused is not None:
        return reused
    summary = scan(repo_path, db, progress=progress, config=config)
    repo = summary.repo
    if rev is None and repo.bare and repo.head:
        rev = repo.head  # a bare repository has no working tree: its HEAD commit is what is audited
    with store_errors(summary.store_path), open_store(summary.store_path, repo_root=repo.root) as store:
        tree = open_tree(repo, rev, int(config.threshold("limits.max_file_bytes")))
        try:
            ctx = CheckContext(repo, store, tree, config, summary.scan_id, progress)
            results = run_checks(ctx)
        finally:
            tree.close()
        label = tree.label
        with write_transaction(store):
            store.db["check_results"].insert_all([result_row(summary.scan_id, label, r, ctx.analysis_key()) for r in results],
                                                 replace=True)
            # retention: only the newest verdicts of a tree label are ever read, older ones would pile up forever
            store.db.execute("DELETE FROM check_results WHERE rev = ? AND scan_id < ?", [label, summary.scan_id])
            if key is not None:
                remember_audit(store, StoredAudit(key, summary.scan_id, label, tree.rev, summary.counts))
    return AuditResult(repo, summary.store_path, summary.scan_id, tree.rev, results, summary.counts)


def _reuse(repo: RepoInfo, store_path: Path, key: str | None) -> AuditResult | None:
    """The stored verdicts of the last audit when nothing it read has changed (no-op rescan: nothing written)."""
    if key is None or not store_path.exists():
        return None
    try:
        with open_store(store_path, repo_root=repo.root, readonly=True) as store:
            found = stored_audit(store, key)
            if found is None:
                return None
            rows = store.db.execute_returning_dicts("SELECT * FROM check_results WHERE scan_id = ? AND rev = ? ORDER BY rowid",
                                                    [found.scan_id, found.label])
    except (sqlite3.OperationalError, StoreError):  # a store another scan is creating right now: scan (waits for its lock)
        return None
    counts = {name: 0 for name in found.counts} | {"reused_scan": found.scan_id}
    return AuditResult(repo, store_path, found.scan_id, found.rev, [result_from_row(r) for r in rows], counts)


def latest_results(store: Store, rev: str = "WORKTREE") -> list[CheckResult]:
    """The check results of the newest scan that has them, read from the store only."""
    row = store.db.execute("SELECT MAX(scan_id) FROM check_results WHERE rev = ?", [rev]).fetchone()
    if not row or row[0] is None:
        return []
    rows = store.db.execute_returning_dicts("SELECT * FROM check_results WHERE scan_id = ? AND rev = ?", [row[0], rev])
    return [result_from_row(r) for r in rows]
