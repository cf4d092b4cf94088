"""Phase: MLflow stores (file and SQLite) and metrics/params files at every commit that changed them.

MLflow file stores are read from the working tree and, for runs no longer there, from their committed files;
model versions are then joined to their run by path (``<run id>/artifacts/...``, a logged model's folder)."""

from __future__ import annotations

import hashlib
import json

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.records import ScanIssue
from mlaudit.core.tree import WorkingTreeSource
from mlaudit.scanners.mlflow import TrackingData, read_all
from mlaudit.scanners.mlflow_history import MAX_FILES as MAX_HISTORY_FILES
from mlaudit.scanners.mlflow_history import HistoryStores, artifact_run, read_history
from mlaudit.scanners.tracking import MAX_BYTES, PARSEABLE, dvc_declared, number, parse_values

WORKTREE = "WORKTREE"
HISTORY_BLOB_BYTES = 16 << 20  # a committed run file read from git (a long metric history stays under this)


def _save_mlflow(ctx: ScanContext, stores: list[TrackingData]) -> int:
    db = ctx.store.db
    for table in ("mlflow_experiments", "mlflow_runs", "mlflow_params", "mlflow_metrics", "mlflow_tags",
                  "mlflow_registered_models", "mlflow_model_versions"):
        db.execute(f"DELETE FROM {table}")
    runs = 0
    for s in stores:
        for err in s.errors:
            ctx.record_issue(ScanIssue("tracking", err, s.store_path))
        db.conn.executemany("INSERT OR REPLACE INTO mlflow_experiments VALUES (?, ?, ?, ?, ?)",
                            [(s.store_path, e["experiment_id"], e["name"], e["lifecycle_stage"], e["artifact_location"]) for e in s.experiments])
        tags = {(r, k): v for r, k, v in s.tags}
        db.conn.executemany("INSERT OR REPLACE INTO mlflow_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (r["run_id"], s.store_path, r["experiment_id"], r["run_name"] or tags.get((r["run_id"], "mlflow.runName")),
             r["status"], r["start_time"], r["end_time"], r["lifecycle_stage"], r["artifact_uri"],
             tags.get((r["run_id"], "mlflow.source.git.commit")), tags.get((r["run_id"], "mlflow.source.name")))
            for r in s.runs])
        runs += len(s.runs)
        db.conn.executemany("INSERT OR REPLACE INTO mlflow_params VALUES (?, ?, ?)", s.params)
        db.conn.executemany("INSERT OR REPLACE INTO mlflow_metrics VALUES (?, ?, ?, ?, ?)", s.metrics)
        db.conn.executemany("INSERT OR REPLACE INTO mlflow_tags VALUES (?, ?, ?)", s.tags)
        db.conn.executemany("INSERT OR REPLACE INTO mlflow_registered_models VALUES (?, ?, ?, ?, ?)",
                            [(s.store_path, m["name"], m["creation_time"], m["last_updated_time"], m["description"]) for m in s.registered])
        db.conn.executemany("INSERT OR REPLACE INTO mlflow_model_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (s.store_path, v["name"], v["version"], v["run_id"], v["source"], v["stage"], v["status"], v["creation_time"],
             json.dumps(v["aliases"])) for v in s.versions])
    return runs


def _tracked_paths(ctx: ScanContext, tree: WorkingTreeSource) -> dict[str, str]:
    paths = {p: role for p, role in ctx.store.db.execute("SELECT path, role FROM path_roles WHERE role IN ('metrics', 'params')")
             if p.lower().endswith(PARSEABLE)}
    if tree.exists("dvc.yaml"):
        try:
            paths.update(dvc_declared(tree.read_text("dvc.yaml", MAX_BYTES)))
        except Exception as exc:  # noqa: BLE001 - too large, a bomb, unreadable: a finding, the phase goes on
            ctx.record_issue(ScanIssue("tracking", f"dvc.yaml not readable: {type(exc).__name__}: {str(exc)[:200]}", "dvc.yaml"))
    return paths


def _rows(commit: str, path: str, kind: str, values: dict) -> list[tuple]:
    return [(commit, path, kind, str(k), json.dumps(v, default=str) if not isinstance(v, str) else v, number(v))
            for k, v in values.items()]


def _save_files(ctx: ScanContext) -> int:
    db = ctx.store.db
    tree = WorkingTreeSource(ctx.repo)
    paths = _tracked_paths(ctx, tree)
    db.execute("DELETE FROM tracked_values WHERE commit_sha = ?", [WORKTREE])
    rows: list[tuple] = []
    # Incremental: with the same tracked paths, only file changes stored since the last scan are read.
    paths_key = hashlib.sha1(json.dumps(sorted(paths.items())).encode()).hexdigest()
    since = int(ctx.store.meta("tracking.last_change_rowid") or 0) if ctx.store.meta("tracking.paths_key") == paths_key else 0
    newest = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM file_changes").fetchone()[0]
    if paths and ctx.objects is not None and newest > since:
        done = {(c, p) for c, p in db.execute("SELECT DISTINCT commit_sha, path FROM tracked_values")}
        cache = {b: json.loads(p) for b, p in db.execute("SELECT blob, payload FROM tracked_blobs")}
        marks = ",".join("?" * len(paths))
        changes = db.execute(f"SELECT commit_sha, path, blob FROM file_changes WHERE rowid > ? AND status != 'D' "
                             f"AND blob IS NOT NULL AND path IN ({marks})", [since, *paths]).fetchall()
        for commit, path, blob in changes:
            if (commit, path) in done:
                continue
            if blob not in cache:
                try:
                    text = ctx.objects.read(blob, MAX_BYTES).decode("utf-8", "replace")
                    values, error = parse_values(path, text)
                except Exception as exc:  # noqa: BLE001 - too large or unreadable: a finding, not a crash
                    values, error = {}, f"{type(exc).__name__}: {exc}"
                if error:
                    ctx.record_issue(ScanIssue("tracking", f"metrics/params file unreadable: {error}", path, blob))
                cache[blob] = values
                db.execute("INSERT OR REPLACE INTO tracked_blobs VALUES (?, ?, ?)", [blob, paths[path], json.dumps(values, default=str)])
            rows += _rows(commit, path, paths[path], cache[blob])
    for path, kind in paths.items():
        if tree.exists(path):
            try:
                values, error = parse_values(path, tree.read_text(path, MAX_BYTES))
            except Exception as exc:  # noqa: BLE001 - the per-file guard: too large, special file, parser bomb
                values, error = {}, f"{type(exc).__name__}: {str(exc)[:200]}"
            if error:
                ctx.record_issue(ScanIssue("tracking", f"metrics/params file unreadable: {error}", path))
            rows += _rows(WORKTREE, path, kind, values)
    db.conn.executemany("INSERT OR REPLACE INTO tracked_values VALUES (?, ?, ?, ?, ?, ?)", rows)
    ctx.store.set_meta("tracking.paths_key", paths_key)
    ctx.store.set_meta("tracking.last_change_rowid", str(newest))
    return len(rows)


def _history_stores(ctx: ScanContext) -> HistoryStores:
    """MLflow file stores as committed: the newest committed version of every ``mlruns/`` file, deleted ones too."""
    if ctx.objects is None or "file_changes" not in ctx.store.db.table_names():
        return HistoryStores()
    rows = ctx.store.db.execute(
        "SELECT f.path, f.blob FROM file_changes f JOIN commits c ON c.sha = f.commit_sha "
        "WHERE f.status != 'D' AND f.blob IS NOT NULL AND (f.path LIKE 'mlruns/%' OR f.path LIKE '%/mlruns/%') "
        "ORDER BY c.committer_time DESC, f.rowid DESC LIMIT ?", [MAX_HISTORY_FILES]).fetchall()
    objects = ctx.objects
    return read_history(rows, lambda blob: objects.read(blob, HISTORY_BLOB_BYTES))


def _join_runs(ctx: ScanContext, logged_models: dict[str, str]) -> int:
    """Give each model version its MLflow run from its path (``<run id>/artifacts/...``, a logged model's folder)."""
    db = ctx.store.db
    known = {r for r, in db.execute("SELECT run_id FROM mlflow_runs")}
    joined = []
    for path, key, source, commit in db.execute(
            "SELECT path, key, source, commit_sha FROM model_versions WHERE run_id IS NULL AND path LIKE '%artifacts/%'").fetchall():
        run_id = artifact_run(path, known, logged_models)
        if run_id:
            joined.append((run_id, path, key, source, commit))
    db.conn.executemany("UPDATE model_versions SET run_id = ? WHERE path = ? AND key = ? AND source = ? AND commit_sha = ?", joined)
    return len(joined)


def run(ctx: ScanContext) -> None:
    stores = read_all(ctx.repo.root, ctx.config) if not ctx.repo.bare else []
    history = _history_stores(ctx)
    live = {r["run_id"] for s in stores for r in s.runs}
    for past in history.stores:  # runs no longer (or not yet) in the working tree, read from their committed files
        past.runs = [r for r in past.runs if r["run_id"] not in live]
        kept = {r["run_id"] for r in past.runs}
        past.params = [x for x in past.params if x[0] in kept]
        past.metrics = [x for x in past.metrics if x[0] in kept]
        past.tags = [x for x in past.tags if x[0] in kept]
    ctx.counts["mlflow_runs"] = _save_mlflow(ctx, stores + [s for s in history.stores if s.runs or s.errors])
    ctx.counts["mlflow_runs_from_history"] = sum(len(s.runs) for s in history.stores)
    ctx.counts["model_versions_joined_to_runs"] = _join_runs(ctx, history.logged_models)
    ctx.counts["tracked_values"] = _save_files(ctx)


PHASE = Phase("tracking", 55, run, "MLflow runs and registry, metrics and params files at every commit.")
