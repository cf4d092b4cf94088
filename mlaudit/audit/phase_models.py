"""Phase: every version of every model file (git blobs, working tree, MLflow artifacts, DVC cache), analysed once per content."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.config import define_threshold
from mlaudit.core.objects import BlobTooLarge
from mlaudit.core.records import ScanIssue
from mlaudit.core.tree import FileTooLarge, WorkingTreeSource
from mlaudit.scanners.mlflow import logged_model_run
from mlaudit.scanners.models import ANALYZER_VERSION, Limits, ModelReport, scan_model_bytes, sniff_format
from mlaudit.scanners.models.scan import SNIFF_BYTES
from mlaudit.scanners.models.sources import dvc_cached_models, git_blob_id, mlflow_artifacts

# Every file is sniffed by content (its first SNIFF_BYTES), whatever its name or extension: a pickle committed as
# notes.md or data.csv is still found. Only the files whose first bytes look like a model, pickle or archive are read.
SMALL_BLOB = 1 << 20
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

    def ensure(self, key: str, path: str, read: Callable[[], bytes], head: bytes | Callable[[], bytes] = b"") -> None:
        """Analyse one content unless already done; ``head``: its first bytes (or how to get them), to name the format of an unread file."""
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
            report = _unread(f"unreadable: {exc}", head() if callable(head) else head, path, "malformed")
            self.ctx.record_issue(ScanIssue("models", f"unreadable: {exc}", path, key))
        else:
            report = scan_model_bytes(data, path, self.limits)
            if report.error:
                self.ctx.record_issue(ScanIssue("models", report.error, path, key))
        self.ctx.store.db.execute(_INSERT, _row(key, report, time.monotonic() - start))
        if report.format == "unknown" and report.error is None:
            self.not_models.add(key)
        self.count += 1


def _unread(reason: str, head: bytes, path: str, kind: str) -> ModelReport:
    """The report of a file that could not be read: inconclusive, with the format its first bytes show."""
    report = ModelReport(format=sniff_format(head, path) or "unknown", verdict="inconclusive", error=reason)
    report.inconclusive(reason, path, kind=kind)
    if report.format == "unknown":
        report.format = "unread"  # still listed: a model that could not be verified is never dropped
    return report


def _reraise(exc: Exception) -> bytes:
    """A reader for content that already failed to read: the analyser records the error."""
    raise exc


def _blob_head(ctx: ScanContext, blob: str) -> bytes:
    objects = ctx.objects
    assert objects is not None
    size = objects.size(blob)
    if size is None:
        return b""
    if size <= SMALL_BLOB:
        return objects.read(blob)[:SNIFF_BYTES]
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
    roles = dict(db.execute("SELECT path, role FROM path_roles").fetchall())
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
    versions, new_sniffs = [], []
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
            analyser.ensure(key, path, lambda k=key: ctx.objects.read(k, limit),
                            head=head or functools.partial(_safe_head, ctx, key))
        if key in analyser.not_models and roles.get(path) != "model":
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
    roles = dict(db.execute("SELECT path, role FROM path_roles").fetchall())
    tree = WorkingTreeSource(ctx.repo)
    limit = int(ctx.config.threshold(MODEL_MAX_BYTES))
    tree.max_bytes = limit  # the tree's own 64 MiB default must not cap model files below models.max_bytes
    rows = []
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
            analyser.ensure(key, entry.path, lambda d=data: d)
            if key in analyser.not_models and roles.get(entry.path) != "model":
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
            analyser.ensure(key, local.path, lambda d=data: d)
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
