"""Phase: every version of every data file (git blobs, DVC cache, LFS objects, working tree), profiled once per content.

Versions go to ``data_versions``; each content key not yet profiled is read once (streamed to a temporary
file when it lives in git objects) and its profile, sample, sorted values and row hashes are stored
(see ``mlaudit.store.schema.data``). A file that cannot be read gets a profile row with ``error`` and a
scan issue; the scan goes on.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.config import define_threshold
from mlaudit.core.records import ScanIssue
from mlaudit.core.tree import WorkingTreeSource
from mlaudit.scanners.data.profile import PROFILER_VERSION, DataProfile, profile_file
from mlaudit.scanners.data.readers import DataReadError, data_format
from mlaudit.scanners.data.sources import (AVAILABLE, MISSING, dvc_cache_file, expand_dvc_out, git_blob_id_of,
                                          lfs_object, lfs_pointer)
from mlaudit.scanners.dvc import parse_dot_dvc, parse_dvc_lock
from mlaudit.store.db import Store

SAMPLE_ROWS = define_threshold("data.sample_rows", 200_000, "Rows kept in each data file's sample; statistics are exact below it.")
MAX_BYTES = define_threshold("data.max_bytes", 4 * 1024 ** 3, "Largest data file profiled; bigger ones are reported as unread.")



def _is_data(path: str, role: str | None) -> bool:
    return role == "data" and data_format(path) is not None


@contextmanager
def _blob_file(ctx: ScanContext, blob: str, name: str) -> Iterator[Path]:
    """A git blob streamed into a temporary file (outside the repo), removed afterwards."""
    assert ctx.objects is not None
    fd, tmp = tempfile.mkstemp(prefix="mlaudit-data-", suffix="-" + os.path.basename(name)[-40:])
    try:
        with os.fdopen(fd, "wb") as out, ctx.objects.open(blob) as src:
            shutil.copyfileobj(src, out, 1 << 20)
        yield Path(tmp)
    finally:
        os.unlink(tmp)


@contextmanager
def _local_file(path: Path) -> Iterator[Path]:
    yield path


class _Profiler:
    """Profiles each content key once and stores the result (or the reason it could not be read)."""

    def __init__(self, ctx: ScanContext) -> None:
        self.ctx = ctx
        self.done = {r[0] for r in ctx.store.db.execute("SELECT key FROM data_profiles WHERE profiler = ?", [PROFILER_VERSION])}
        self.sample_rows = int(ctx.config.threshold(SAMPLE_ROWS))
        self.max_bytes = int(ctx.config.threshold(MAX_BYTES))
        self.pending: list[tuple[str, str, Callable[[], object]]] = []
        self.count = 0

    def want(self, key: str, path: str, opener: Callable[[], object]) -> None:
        if key not in self.done:
            self.done.add(key)
            self.pending.append((key, path, opener))

    def run(self) -> None:
        for i, (key, path, opener) in enumerate(self.pending):
            self.ctx.progress.update("data", i, len(self.pending), f"profiling {path}")
            self._one(key, path, opener)

    def _one(self, key: str, path: str, opener: Callable[[], object]) -> None:
        start = time.monotonic()
        profile: DataProfile | None = None
        try:
            with opener() as file:  # type: ignore[attr-defined]
                size = file.stat().st_size
                if size > self.max_bytes:
                    raise DataReadError(f"{size} bytes is over the {self.max_bytes}-byte data.max_bytes limit")
                profile = profile_file(file, path, self.sample_rows)
            error = None
        except DataReadError as exc:
            error = str(exc)
        except (OSError, KeyError, ValueError, MemoryError) as exc:
            error = f"unreadable: {type(exc).__name__}: {str(exc)[:300]}"
        if error is None and profile is not None:
            notes = profile.warnings + (["no data rows (header only)"] if profile.rows == 0 else [])
            for note in notes:
                self.ctx.record_issue(ScanIssue("data", note, path, key))
        if error is not None:
            self.ctx.record_issue(ScanIssue("data", error, path, key))
        save_profile(self.ctx.store, key, path, profile, error, time.monotonic() - start)
        self.count += 1


def save_profile(store: Store, key: str, path: str, profile: DataProfile | None, error: str | None, seconds: float) -> None:
    """Write (or replace) the profile of ``key`` with its sample, sorted values and row hashes."""
    db = store.db.conn
    for table in ("data_samples", "data_sorted", "data_row_hashes"):
        db.execute(f"DELETE FROM {table} WHERE key = ?", [key])
    if profile is None:
        db.execute("INSERT OR REPLACE INTO data_profiles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [key, data_format(path), None, None, None, None, None, None, error, PROFILER_VERSION, round(seconds, 4)])
        return
    db.execute("INSERT OR REPLACE INTO data_profiles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
               [key, profile.format, profile.rows, len(profile.columns), json.dumps(profile.columns),
                json.dumps(profile.stats, default=str), int(profile.sampled), profile.sample_rows, None,
                PROFILER_VERSION, round(seconds, 4)])
    db.execute("INSERT INTO data_samples VALUES (?, ?)", [key, profile.sample_parquet()])
    db.executemany("INSERT INTO data_sorted VALUES (?, ?, ?, ?)",
                   [(key, c, len(v), v.tobytes()) for c, v in profile.sorted_values.items()])
    db.executemany("INSERT INTO data_row_hashes VALUES (?, ?, ?, ?)",
                   [(key, c, len(h), h.tobytes()) for c, h in profile.row_hashes.items()])


def _git_versions(ctx: ScanContext, roles: dict[str, str], prof: _Profiler) -> list[tuple]:
    """Data blobs of every commit (LFS pointers resolved), and DVC outs of every .dvc / dvc.lock version."""
    assert ctx.objects is not None
    db, root, objects = ctx.store.db, ctx.repo.root, ctx.objects
    rows = db.execute(
        "SELECT fc.path, fc.blob, fc.status, fc.commit_sha, c.committer_time FROM file_changes fc "
        "JOIN commits c ON c.sha = fc.commit_sha WHERE fc.status != 'D' AND fc.blob IS NOT NULL "
        "AND COALESCE(fc.mode, '') NOT IN ('120000', '160000') ORDER BY c.committer_time"
    ).fetchall()
    db.execute("DELETE FROM data_versions WHERE availability = ?", [MISSING])  # looked up again: maybe fetched since
    known = {(r[0], r[1]) for r in db.execute("SELECT path, commit_sha FROM data_versions WHERE source != 'worktree'")}
    out: list[tuple] = []
    for i, (path, blob, status, commit, when) in enumerate(rows):
        if i % 500 == 0:
            ctx.progress.update("data", i, len(rows), path)
        name = path.rsplit("/", 1)[-1]
        is_dvc = name == "dvc.lock" or name.endswith(".dvc")
        if not is_dvc and (not _is_data(path, roles.get(path)) or (path, commit) in known):
            continue
        size = objects.size(blob)
        if size is None:
            out.append((path, blob, "git", commit, when, status, MISSING, None))
            continue
        if is_dvc:
            if size <= 1 << 20:
                out.extend(_dvc_versions(ctx, path, objects.read(blob), commit, when, status, known, prof))
            continue
        pointer = lfs_pointer(objects.read(blob)) if size <= 1024 else None
        if pointer is not None:
            oid, lfs_size = pointer
            local = lfs_object(root, oid)
            out.append((path, f"sha256:{oid}", "lfs", commit, when, status, AVAILABLE if local else MISSING, lfs_size))
            if local is not None:
                prof.want(f"sha256:{oid}", path, lambda p=local: _local_file(p))
            continue
        out.append((path, blob, "git", commit, when, status, AVAILABLE, size))
        prof.want(blob, path, lambda b=blob, p=path: _blob_file(ctx, b, p))
    return out


def _dvc_versions(ctx: ScanContext, dvc_path: str, raw: bytes, commit: str, when: int, status: str,
                  known: set[tuple[str, str]], prof: _Profiler) -> list[tuple]:
    text = raw.decode("utf-8", "replace")
    outs = parse_dvc_lock(text) if dvc_path.rsplit("/", 1)[-1] == "dvc.lock" else parse_dot_dvc(text, dvc_path)
    rows = []
    for out in outs:
        if out.kind != "out" or not out.md5:
            continue
        for f in expand_dvc_out(ctx.repo.root, out.path, out.md5, out.size):
            if data_format(f.path) is None or (f.path, commit) in known:
                continue
            known.add((f.path, commit))
            cached = dvc_cache_file(ctx.repo.root, f.md5)
            rows.append((f.path, f"md5:{f.md5}", "dvc", commit, when, status, AVAILABLE if cached else MISSING, f.size))
            if cached is not None:
                prof.want(f"md5:{f.md5}", f.path, lambda p=cached: _local_file(p))
    return rows


def _worktree_versions(ctx: ScanContext, roles: dict[str, str], prof: _Profiler) -> list[tuple]:
    """Data files on disk now, keyed by the git blob id of their content (cached by size and mtime)."""
    db = ctx.store.db
    cache = {r[0]: (r[1], r[2], r[3]) for r in db.execute("SELECT path, size, mtime_ns, key FROM data_worktree_keys")}
    tree = WorkingTreeSource(ctx.repo)
    out, fresh = [], []
    for entry in tree.files():
        if entry.kind != "file" or not _is_data(entry.path, roles.get(entry.path)):
            continue
        full = tree.fs_path(entry.path)
        try:
            st = os.stat(full, follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                continue
            hit = cache.get(entry.path)
            if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
                key = hit[2]
            else:
                with tree.open(entry.path) as fh:
                    key = git_blob_id_of(fh, st.st_size)
                fresh.append((entry.path, st.st_size, st.st_mtime_ns, key))
        except OSError as exc:
            ctx.record_issue(ScanIssue("data", f"unreadable: {exc}", entry.path, None))
            continue
        head = b""
        if st.st_size <= 1024:
            head = full.read_bytes()
        pointer = lfs_pointer(head) if head else None
        if pointer is not None:
            local = lfs_object(ctx.repo.root, pointer[0])
            key = f"sha256:{pointer[0]}"
            out.append((entry.path, key, "worktree", "", None, None, AVAILABLE if local else MISSING, pointer[1]))
            if local is not None:
                prof.want(key, entry.path, lambda p=local: _local_file(p))
            continue
        out.append((entry.path, key, "worktree", "", None, None, AVAILABLE, st.st_size))
        prof.want(key, entry.path, lambda p=full: _local_file(p))
    db.conn.executemany("INSERT OR REPLACE INTO data_worktree_keys VALUES (?, ?, ?, ?)", fresh)
    return out


def run(ctx: ScanContext) -> None:
    db = ctx.store.db
    roles = dict(db.execute("SELECT path, role FROM path_roles").fetchall())
    prof = _Profiler(ctx)
    rows = _git_versions(ctx, roles, prof) if ctx.repo.is_git and ctx.objects is not None else []
    db.execute("DELETE FROM data_versions WHERE source = 'worktree'")
    rows += _worktree_versions(ctx, roles, prof)
    db.conn.executemany("INSERT OR IGNORE INTO data_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    prof.run()
    ctx.counts["data_versions"] = len(rows)
    ctx.counts["data_contents_profiled"] = prof.count


PHASE = Phase("data", 40, run, "Every version of every data file, profiled once per content.")
