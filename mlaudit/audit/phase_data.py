"""Phase: every version of every data file (git blobs, DVC cache, LFS objects, working tree), profiled once per content.

Versions go to ``data_versions``; each content key not yet profiled is read once (git blobs streamed
through the persistent ``git cat-file --batch-command`` process; only Parquet/Arrow/zip/Excel, which need
random access, are copied, bounded, into the private temp folder) and its profile, sample, sorted values
and row hashes are stored, compressed, the sample and hashes as the change from the previous version of the
same file where that is smaller (see ``mlaudit.store.data_content``).

Each file and each DVC record is processed under a guard: any exception, bound or timeout becomes a
profile row with ``error`` (or a bounded ``coverage``) and a scan issue; the scan goes on. Paths built from
DVC metadata or LFS pointers that leave the repository are reported ("points outside the repository")
and never read.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.records import ScanIssue
from mlaudit.core.safefs import OutsideRepo, UnsafePath, contained
from mlaudit.core.tree import WorkingTreeSource
from mlaudit.scanners.data.profile import PROFILER_VERSION, DataProfile, profile_file
from mlaudit.scanners.data.readers import DataReadError, FileSource, ReadBounds, Source, StreamSource, data_format
from mlaudit.scanners.data.sources import (
    AVAILABLE,
    MISSING,
    dvc_cache_file,
    expand_dvc_out,
    git_blob_id_of,
    lfs_object,
    lfs_pointer,
    repo_relative,
)
from mlaudit.scanners.dvc import parse_dot_dvc, parse_dvc_lock
from mlaudit.store import data_content
from mlaudit.store.db import Store

# Declared in core.config (listed in every report's provenance).
SAMPLE_ROWS, MAX_BYTES, MAX_ROWS = "data.sample_rows", "data.max_bytes", "data.max_rows"
MAX_DECOMPRESSED, MAX_RATIO = "data.max_decompressed", "data.max_ratio"
FILE_SECONDS = "limits.file_seconds"


def _is_data(path: str, role: str | None) -> bool:
    return role == "data" and data_format(path) is not None


def _blob_source(ctx: ScanContext, blob: str, name: str, size: int | None, max_copy: int) -> Source:
    """A git blob streamed through the persistent batch process (a seekable copy only when the format needs one)."""
    assert ctx.objects is not None
    objects = ctx.objects
    return StreamSource(lambda: objects.stream(blob), size, name, max_copy)


def _local_source(path: Path, roots: list[Path]) -> Source:
    """A file on disk derived from repo content: resolved, required inside ``roots``, regular (else OutsideRepo/UnsafePath)."""
    real = contained(path, roots)
    if not stat.S_ISREG(os.stat(real).st_mode):
        raise UnsafePath(f"{path} is not a regular file; not read")
    return FileSource(real)


class _Profiler:
    """Profiles each content key once and stores the result (or the reason it could not be read)."""

    def __init__(self, ctx: ScanContext) -> None:
        self.ctx = ctx
        self.done = {r[0] for r in ctx.store.db.execute("SELECT key FROM data_profiles WHERE profiler = ?", [PROFILER_VERSION])}
        cfg = ctx.config
        self.sample_rows = int(cfg.threshold(SAMPLE_ROWS))
        self.max_bytes = int(cfg.threshold(MAX_BYTES))
        self.bounds = ReadBounds(max_decompressed=int(cfg.threshold(MAX_DECOMPRESSED)), max_ratio=float(cfg.threshold(MAX_RATIO)),
                                 max_rows=int(cfg.threshold(MAX_ROWS)), seconds=float(cfg.threshold(FILE_SECONDS)))
        self.pending: list[tuple[str, str, Callable[[], Source]]] = []
        self.last_by_path: dict[str, str] = {}  # the content of each path profiled last in this run: the next one's base
        self.count = 0

    def want(self, key: str, path: str, opener: Callable[[], Source]) -> None:
        if key not in self.done:
            self.done.add(key)
            self.pending.append((key, path, opener))

    def run(self) -> None:
        for i, (key, path, opener) in enumerate(self.pending):
            self.ctx.progress.update("data", i, len(self.pending), f"profiling {path}")
            self._one(key, path, opener)

    def _one(self, key: str, path: str, opener: Callable[[], Source]) -> None:
        """Profile one content under the per-file guard: whatever happens becomes this file's error or coverage."""
        start = time.monotonic()
        profile: DataProfile | None = None
        try:
            source = opener()
            if source.size is not None and source.size > self.max_bytes:
                raise DataReadError(f"{source.size} bytes is over the {self.max_bytes}-byte data.max_bytes limit")
            profile = profile_file(source, path, self.sample_rows, self.bounds)
            error = None
        except DataReadError as exc:
            error = str(exc)
        except OutsideRepo as exc:
            error = str(exc)
        except MemoryError:
            error = "unreadable: ran out of memory while profiling; lower data.max_rows or data.sample_rows"
        except Exception as exc:  # noqa: BLE001 - the guard: one bad file is a finding, never the end of the scan
            error = f"unreadable: {type(exc).__name__}: {str(exc)[:300]}"
        if error is None and profile is not None:
            notes = profile.warnings + (["no data rows (header only)"] if profile.rows == 0 else [])
            notes += [profile.coverage] if profile.bounded else []
            for note in notes:
                self.ctx.record_issue(ScanIssue("data", note, path, key))
        if error is not None:
            self.ctx.record_issue(ScanIssue("data", error, path, key))
        base = self.last_by_path.get(path) or _stored_base(self.ctx.store, path, key)
        save_profile(self.ctx.store, key, path, profile, error, time.monotonic() - start, base)
        if profile is not None:
            self.last_by_path[path] = key
        self.count += 1


def save_profile(store: Store, key: str, path: str, profile: DataProfile | None, error: str | None, seconds: float,
                 base: str | None = None) -> None:
    """Write (or replace) the profile of ``key`` with its sample, sorted values and row hashes; ``base`` (another
    stored content, usually the previous version of ``path``) lets the sample and hashes be stored as changes."""
    db = store.db.conn
    data_content.delete_content(store, key)
    cols = "(key, format, rows, n_columns, columns, stats, sampled, sample_rows, error, profiler, seconds, coverage)"
    if profile is None:
        db.execute(f"INSERT OR REPLACE INTO data_profiles {cols} VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [key, data_format(path), None, None, None, None, None, None, error, PROFILER_VERSION, round(seconds, 4), "not read"])
        return
    db.execute(f"INSERT OR REPLACE INTO data_profiles {cols} VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
               [key, profile.format, profile.rows, len(profile.columns), json.dumps(profile.columns),
                json.dumps(profile.stats, default=str), int(profile.sampled), profile.sample_rows, None,
                PROFILER_VERSION, round(seconds, 4), profile.coverage])
    data_content.write_content(store, key, profile.sample, profile.sample_parquet(), profile.sorted_values,
                               profile.row_hashes, base)


def _stored_base(store: Store, path: str, key: str) -> str | None:
    """The newest other content of ``path`` with a stored sample: the base its next version is stored against."""
    row = store.db.execute(
        "SELECT dv.key FROM data_versions dv JOIN data_samples s ON s.key = dv.key WHERE dv.path = ? AND dv.key != ? "
        "ORDER BY dv.commit_sha = '', dv.committer_time DESC LIMIT 1", [path, key]).fetchone()
    return row[0] if row else None


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
    max_copy = prof.max_bytes
    out: list[tuple] = []
    for i, (path, blob, status, commit, when) in enumerate(rows):
        if i % 500 == 0:
            ctx.progress.update("data", i, len(rows), path)
        name = path.rsplit("/", 1)[-1]
        is_dvc = name == "dvc.lock" or name.endswith(".dvc")
        if not is_dvc and (not _is_data(path, roles.get(path)) or (path, commit) in known):
            continue
        try:  # the guard for one version: a corrupt object or hostile record is a finding for it alone
            size = objects.size(blob)
            if size is None:
                _missing_object(ctx, path, blob)
                out.append((path, blob, "git", commit, when, status, MISSING, None))
                continue
            if is_dvc:
                if size <= 1 << 20:
                    out.extend(_dvc_versions(ctx, path, objects.read(blob, 1 << 20), commit, when, status, known, prof))
                else:
                    ctx.record_issue(ScanIssue("data", f"DVC file of {size} bytes is over the 1 MiB cap; not read", path, blob))
                continue
            pointer = lfs_pointer(objects.read(blob, 1024)) if size <= 1024 else None
            if pointer is not None:
                oid, lfs_size = pointer
                local = lfs_object(root, oid, ctx.repo.git_dir)
                out.append((path, f"sha256:{oid}", "lfs", commit, when, status, AVAILABLE if local else MISSING, lfs_size))
                if local is not None:
                    prof.want(f"sha256:{oid}", path, partial(_local_source, local, [root, ctx.repo.git_dir or root]))
                continue
        except (OutsideRepo, UnsafePath) as exc:
            ctx.record_issue(ScanIssue("data", str(exc), path, blob))
            continue
        except Exception as exc:  # noqa: BLE001 - git could not give this object: unreadable, not empty
            ctx.record_issue(ScanIssue("data", f"git object {blob[:12]} unreadable ({type(exc).__name__}: {str(exc)[:200]}); "
                                               "the repository may be corrupt (git fsck)", path, blob))
            out.append((path, blob, "git", commit, when, status, MISSING, None))
            continue
        out.append((path, blob, "git", commit, when, status, AVAILABLE, size))
        prof.want(blob, path, partial(_blob_source, ctx, blob, path, size, max_copy))
    return out


def _missing_object(ctx: ScanContext, path: str, blob: str) -> None:
    """A blob a commit lists but git cannot give: corrupt when its loose object exists, else missing (partial clone)."""
    git_dir = ctx.repo.git_dir or ctx.repo.root / ".git"
    if (git_dir / "objects" / blob[:2] / blob[2:]).exists():
        reason = f"git object {blob[:12]} is corrupt (git cannot unpack it; run git fsck): unreadable, not empty"
    else:
        reason = f"git object {blob[:12]} is missing from the repository (a partial or damaged clone): not read"
    ctx.record_issue(ScanIssue("data", reason, path, blob))


def _dvc_versions(ctx: ScanContext, dvc_path: str, raw: bytes, commit: str, when: int, status: str,
                  known: set[tuple[str, str]], prof: _Profiler) -> list[tuple]:
    """Data outs of one .dvc / dvc.lock version; each out is guarded, escapes are findings and never read."""
    text = raw.decode("utf-8", "replace")
    outs = parse_dvc_lock(text) if dvc_path.rsplit("/", 1)[-1] == "dvc.lock" else parse_dot_dvc(text, dvc_path)
    if outs.error:
        ctx.record_issue(ScanIssue("data", f"DVC file not readable: {outs.error}", dvc_path, None))
    root = ctx.repo.root
    rows = []
    for out in outs:
        if out.kind != "out" or not out.md5:
            continue
        problems: list[str] = []
        try:
            out_path = repo_relative(out.path)
            files = expand_dvc_out(root, out_path, out.md5, out.size, problems)
        except (OutsideRepo, UnsafePath) as exc:
            ctx.record_issue(ScanIssue("data", str(exc), dvc_path, None))
            continue
        except Exception as exc:  # noqa: BLE001 - one hostile record must not stop the others
            ctx.record_issue(ScanIssue("data", f"DVC out {str(out.path)[:200]} not readable ({type(exc).__name__}: {exc})", dvc_path, None))
            continue
        for problem in problems:
            ctx.record_issue(ScanIssue("data", problem, dvc_path, None))
        for f in files:
            if data_format(f.path) is None or (f.path, commit) in known:
                continue
            try:
                cached = dvc_cache_file(root, f.md5)
            except (OutsideRepo, UnsafePath) as exc:
                ctx.record_issue(ScanIssue("data", str(exc), f.path, f"md5:{f.md5}"[:80]))
                continue
            known.add((f.path, commit))
            rows.append((f.path, f"md5:{f.md5}", "dvc", commit, when, status, AVAILABLE if cached else MISSING, f.size))
            if cached is not None:
                prof.want(f"md5:{f.md5}", f.path, partial(_local_source, cached, [root]))
    return rows


def _worktree_versions(ctx: ScanContext, roles: dict[str, str], prof: _Profiler) -> list[tuple]:
    """Data files on disk now, keyed by the git blob id of their content (cached by size and mtime)."""
    db = ctx.store.db
    root = ctx.repo.root
    cache = {r[0]: (r[1], r[2], r[3]) for r in db.execute("SELECT path, size, mtime_ns, key FROM data_worktree_keys")}
    tree = WorkingTreeSource(ctx.repo)
    out, fresh = [], []
    for entry in tree.files():
        if entry.kind != "file" or not _is_data(entry.path, roles.get(entry.path)):
            continue
        full = tree.fs_path(entry.path)
        try:
            contained(full, [root])
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
            head = tree.read_head(entry.path, 1025) if st.st_size <= 1024 else b""
            pointer = lfs_pointer(head) if head else None
            if pointer is not None:
                local = lfs_object(root, pointer[0], ctx.repo.git_dir)
                key = f"sha256:{pointer[0]}"
                out.append((entry.path, key, "worktree", "", None, None, AVAILABLE if local else MISSING, pointer[1]))
                if local is not None:
                    prof.want(key, entry.path, partial(_local_source, local, [root, ctx.repo.git_dir or root]))
                continue
        except (OutsideRepo, UnsafePath) as exc:
            ctx.record_issue(ScanIssue("data", str(exc), entry.path, None))
            continue
        except OSError as exc:
            ctx.record_issue(ScanIssue("data", f"unreadable: {exc}", entry.path, None))
            continue
        out.append((entry.path, key, "worktree", "", None, None, AVAILABLE, st.st_size))
        prof.want(key, entry.path, partial(_local_source, full, [root]))
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
