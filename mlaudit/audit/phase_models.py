"""Phase: every version of every model file (git blobs, working tree, MLflow artifacts, DVC cache), analysed once per content."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.config import define_threshold
from mlaudit.core.objects import HEAD_DRAIN_LIMIT, BlobTooLarge, GitObjects
from mlaudit.core.records import ScanIssue
from mlaudit.core.tree import FileTooLarge, WorkingTreeSource
from mlaudit.scanners.mlflow import logged_model_run
from mlaudit.scanners.models import ANALYZER_VERSION, Limits, ModelReport, scan_model_bytes, sniff_format
from mlaudit.scanners.models.scan import SNIFF_BYTES
from mlaudit.scanners.models.sources import dvc_cached_models, git_blob_id, mlflow_artifacts

# Every file is sniffed by content (its first SNIFF_BYTES), whatever its name or extension: a pickle committed as
# notes.md or data.csv is still found. Only the files whose first bytes look like a model, pickle or archive are read.
SMALL_BLOB = 1 << 20
SNIFF_DRAIN_LIMIT = HEAD_DRAIN_LIMIT  # a sniffed blob's rest up to this is drained from the batch process; past it, a restart
SNIFFER_KEY = "sniffer-version"  # a row of sniffed_blobs recording which analyser version answered the others
MODEL_MAX_BYTES = define_threshold("models.max_bytes", 256 * 1024 * 1024,
                                   "Largest model file analysed; bigger ones are reported as inconclusive (not read).")
MODEL_SECONDS = define_threshold("models.file_seconds", 30, "Time budget in seconds for analysing one model file.")


def _limits(ctx: ScanContext) -> Limits:
    return Limits(max_bytes=int(ctx.config.threshold(MODEL_MAX_BYTES)), seconds=ctx.config.threshold(MODEL_SECONDS))


def _row(key: str, report: ModelReport, seconds: float) -> tuple:
    dump = lambda v: json.dumps(v, default=str)
    metadata = {**report.metadata, "verdict_reasons": report.reasons}  # the reasons travel with the analysis
    return (key, report.sha256, report.size, report.format, report.verdict, dump(report.globals), dump(report.dangerous),
            dump(report.unknown), report.estimator, dump(report.library_versions), dump(report.hyperparameters),
            dump(report.features), report.n_features, dump(report.classes), dump(metadata),
            dump([f"{f.severity}: {f.kind}: {f.message}" + (f" [{f.where}]" if f.where else "") for f in report.findings]),
            report.error, ANALYZER_VERSION, round(seconds, 4))


_INSERT = "INSERT OR REPLACE INTO model_blobs VALUES (" + ",".join("?" * 19) + ")"


class _Analyser:
    """Analyses each content once (keyed by git blob id) and writes its model_blobs row."""

    def __init__(self, ctx: ScanContext) -> None:
        self.ctx = ctx
        self.limits = _limits(ctx)
        self.done = {r[0] for r in ctx.store.db.execute("SELECT key FROM model_blobs WHERE analyzer = ?", [ANALYZER_VERSION])}
        # Contents whose full analysis found no model, pickle or archive (a .csv.gz, text starting like a pickle ...).
        self.not_models = {r[0] for r in ctx.store.db.execute(
            "SELECT key FROM model_blobs WHERE analyzer = ? AND format = 'unknown' AND error IS NULL", [ANALYZER_VERSION])}
        self.count = 0

    def ensure(self, key: str, path: str, read: Callable[[], bytes], head: bytes | Callable[[], bytes] = b"",
               named: bool | None = None) -> None:
        """Analyse one content unless already done; ``head``: its first bytes (or how to get them), to name the format
        of an unread file; ``named``: the path is a model by the role rules (None: the default rules decide)."""
        if key in self.done:
            return
        self.done.add(key)
        start = time.monotonic()
        try:
            data = read()
        except (BlobTooLarge, FileTooLarge) as exc:
            report = _unread(f"not read: {exc} (raise models.max_bytes to analyse it)", head() if callable(head) else head, path, "limit")
            self.ctx.record_issue(ScanIssue("models", f"not analysed: {exc}", path, key))
        except (OSError, KeyError) as exc:
            why = (f"content absent: git object {key[:12]} is not in this clone (a partial or damaged clone); "
                   "fetch it and scan again") if isinstance(exc, KeyError) else f"unreadable: {exc}"
            report = _unread(why, head() if callable(head) else head, path, "malformed")
            self.ctx.record_issue(ScanIssue("models", why, path, key))
        else:
            report = scan_model_bytes(data, path, self.limits, named=named)
            if report.error:
                self.ctx.record_issue(ScanIssue("models", report.error, path, key))
        self.ctx.store.db.execute(_INSERT, _row(key, report, time.monotonic() - start))
        if report.format == "unknown" and report.error is None:
            self.not_models.add(key)
        self.count += 1


def _roles(db: Any) -> tuple[dict[str, str], set[str]]:
    """(role of every path, the paths whose role is model by a rule: named as a model, not only by content)."""
    rows = db.execute("SELECT path, role, reason FROM path_roles").fetchall()
    return {p: r for p, r, _ in rows}, {p for p, r, why in rows if r == "model" and why != "content"}


def _unread(reason: str, head: bytes, path: str, kind: str) -> ModelReport:
    """The report of a file that could not be read: inconclusive, with the format its first bytes show."""
    report = ModelReport(format=sniff_format(head, path) or "unknown", verdict="inconclusive", error=reason)
    report.inconclusive(reason, path, kind=kind)
    if report.format == "unknown":
        report.format = "unread"  # still listed: a model that could not be verified is never dropped
    return report


def _given(data: bytes) -> bytes:
    """A reader for content already read."""
    return data


def _reraise(exc: Exception) -> bytes:
    """A reader for content that already failed to read: the analyser records the error."""
    raise exc


def _blob_head(ctx: ScanContext, blob: str) -> bytes:
    assert ctx.objects is not None
    return blob_head(ctx.objects, blob)


def blob_head(objects: GitObjects, blob: str) -> bytes:
    """A blob's first SNIFF_BYTES, through the persistent batch process when that is the cheaper way.

    Up to SMALL_BLOB the blob is read whole; up to SNIFF_DRAIN_LIMIT bytes more it is streamed (the head read,
    the rest drained in bounded chunks); a bigger one gets its own ``git cat-file`` that stops after the head
    (cheaper than moving the rest through the pipe, and the batch process is kept).
    """
    size = objects.size(blob)
    if size is None:
        return b""
    if size <= SMALL_BLOB:
        return objects.read(blob)[:SNIFF_BYTES]
    if size <= SMALL_BLOB + SNIFF_DRAIN_LIMIT:
        with objects.stream(blob, drain_limit=SNIFF_DRAIN_LIMIT) as fh:
            return fh.read(SNIFF_BYTES)
    with objects.open(blob) as fh:
        return fh.read(SNIFF_BYTES)


def _safe_head(ctx: ScanContext, blob: str) -> bytes:
    try:
        return _blob_head(ctx, blob)
    except (OSError, KeyError):
        return b""


def _history(ctx: ScanContext, analyser: _Analyser) -> int:
    """Model versions from git history: model-role paths, plus any blob whose first bytes are a model."""
    db = ctx.store.db
    roles, named = _roles(db)
    sniffed = dict(db.execute("SELECT blob, is_model FROM sniffed_blobs").fetchall())
    if sniffed.get(SNIFFER_KEY) != ANALYZER_VERSION:  # answers of an older sniffer are asked again
        db.execute("DELETE FROM sniffed_blobs")
        db.execute("INSERT INTO sniffed_blobs(blob, is_model) VALUES (?, ?)", [SNIFFER_KEY, ANALYZER_VERSION])
        sniffed = {}
    rows = db.execute(
        "SELECT fc.path, fc.blob, fc.old_blob, fc.status, fc.commit_sha, c.committer_time FROM file_changes fc "
        "JOIN commits c ON c.sha = fc.commit_sha ORDER BY c.committer_time"
    ).fetchall()
    known = {(r[0], r[1], r[2]) for r in db.execute("SELECT path, key, commit_sha FROM model_versions WHERE source = 'git'")}
    versions: list[tuple[str, str, str, str, int, str, None]] = []
    new_sniffs: list[tuple[str, int]] = []
    limit = int(ctx.config.threshold(MODEL_MAX_BYTES))
    for i, (path, blob, old_blob, status, commit, when) in enumerate(rows):
        if i % 200 == 0:
            ctx.progress.update("models", i, len(rows), path)
        key = blob if status != "D" else old_blob
        if key is None:
            continue
        is_model = roles.get(path) == "model" or path.endswith("/MLmodel") or path == "MLmodel"
        head = b""
        if not is_model:  # every blob is sniffed by content once (cached by blob id), whatever its name
            if key not in sniffed:
                try:
                    head = _blob_head(ctx, key)
                except (OSError, KeyError):
                    head = b""
                sniffed[key] = int(sniff_format(head, path) not in (None, "onnx"))
                new_sniffs.append((key, sniffed[key]))
            is_model = bool(sniffed[key])
        if not is_model:
            continue
        if status != "D" and ctx.objects is not None:
            analyser.ensure(key, path, functools.partial(ctx.objects.read, key, limit),
                            head=head or functools.partial(_safe_head, ctx, key), named=path in named)
        if key in analyser.not_models and path not in named:
            continue  # its first bytes looked like a model, its content is not one: not listed
        if (path, key, commit) not in known:
            versions.append((path, key, "git", commit, when, status, None))
    db.conn.executemany("INSERT OR IGNORE INTO sniffed_blobs(blob, is_model) VALUES (?, ?)", new_sniffs)
    db.conn.executemany("INSERT OR IGNORE INTO model_versions VALUES (?, ?, ?, ?, ?, ?, ?)", versions)
    return len(versions)


def _worktree(ctx: ScanContext, analyser: _Analyser) -> int:
    """Model files on disk now (tracked or not), keyed by the blob id of their content."""
    db = ctx.store.db
    db.execute("DELETE FROM model_versions WHERE source IN ('worktree', 'mlflow', 'dvc')")
    roles, named = _roles(db)
    tree = WorkingTreeSource(ctx.repo)
    limit = int(ctx.config.threshold(MODEL_MAX_BYTES))
    tree.max_bytes = limit  # the tree's own 64 MiB default must not cap model files below models.max_bytes
    rows: list[tuple[str, str, str, str, None, None, str | None]] = []
    local_models = [*mlflow_artifacts(ctx.repo.root), *dvc_cached_models(ctx.repo.root)]
    covered = {m.path for m in local_models}  # MLflow artifacts carry their run id: keep that row only
    for entry in tree.all_files():  # template folders too: a pickle is dangerous wherever it sits
        if entry.path in covered:
            continue
        is_model = roles.get(entry.path) == "model" or entry.path.rsplit("/", 1)[-1] == "MLmodel"
        try:
            head = tree.read_head(entry.path, SNIFF_BYTES)
        except OSError:
            continue
        if not is_model:
            is_model = sniff_format(head, entry.path) not in (None, "onnx")
        if not is_model:
            continue
        try:
            data = tree.read_bytes(entry.path, limit)
        except (FileTooLarge, OSError) as exc:
            key = entry.blob or f"unread:{entry.path}"
            analyser.ensure(key, entry.path, functools.partial(_reraise, exc), head=head)
        else:
            key = git_blob_id(data)
            analyser.ensure(key, entry.path, functools.partial(_given, data), named=entry.path in named)
            if key in analyser.not_models and entry.path not in named:
                continue
        rows.append((entry.path, key, "worktree", "", None, None, None))
    for local in local_models:
        try:
            if local.file.stat().st_size > limit:
                raise FileTooLarge(f"{local.path} is over the {limit}-byte cap")
            data = local.file.read_bytes()
        except (FileTooLarge, OSError) as exc:
            key = f"unread:{local.source}:{local.path}"
            analyser.ensure(key, local.path, functools.partial(_reraise, exc), head=_file_head(local.file))
        else:
            key = git_blob_id(data)
            analyser.ensure(key, local.path, functools.partial(_given, data))
        run_id = (logged_model_run(ctx.repo.root, local.path) or local.run_id) if local.source == "mlflow" else local.run_id
        rows.append((local.path, key, local.source, "", None, None, run_id))
    db.conn.executemany("INSERT OR IGNORE INTO model_versions VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def _file_head(file: object) -> bytes:
    try:
        with open(file, "rb") as fh:  # type: ignore[call-overload]
            return fh.read(SNIFF_BYTES)
    except OSError:
        return b""


def run(ctx: ScanContext) -> None:
    analyser = _Analyser(ctx)
    new_versions = _history(ctx, analyser) if ctx.repo.is_git and ctx.objects is not None else 0
    local = _worktree(ctx, analyser)
    ctx.counts["model_versions"] = new_versions
    ctx.counts["model_files_now"] = local
    ctx.counts["model_contents_analysed"] = analyser.count


PHASE = Phase("models", 50, run, "Every version of every model file, analysed statically (nothing is loaded).")
