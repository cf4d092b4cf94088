"""Read API over the model and tracking tables (store only; no repo access, milliseconds).

Use from the report, the GUI and the checks:

- ``current_commit(store)``: the commit that is the project now (HEAD; the default branch when HEAD is detached or bare).
- ``list_models(store, rev=None)``: the version of every model path present in the project now (on disk, else at HEAD),
  only content confirmed as a model format; files that exist only on other refs are not listed.
- ``versions_in_scope(store, rev=None)``: versions in HEAD's history (or on disk) — for current-state verdicts.
- ``model_versions(store, path)``: every version of one path, oldest first (one per commit that changed it).
- ``all_versions(store)``: every version of every model, oldest first.
- ``report_by_key(store, key)``: the analysis of one content (its git blob id, computed for files outside git too).
- ``version_at(store, path, rev)``: the version of ``path`` in commit ``rev`` (walks parents in the store).
- ``runs(store)``, ``run_params/run_metrics/run_tags(store, run_id)``, ``registered_versions(store)``,
  ``tracked_at(store, commit, kind)``, ``dvc_experiments(store)``: MLflow, metrics/params files, DVC experiments.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from mlaudit.scanners.models.report import ModelAnalysis, normalise_verdict
from mlaudit.store.db import Store
from mlaudit.store.scope import current_commit, default_branch  # noqa: F401  (re-exported)

_JSON_COLS = ("globals", "dangerous", "unknown", "library_versions", "hyperparameters", "features", "classes",
              "metadata", "findings")


@dataclass(slots=True)
class ModelVersion(ModelAnalysis):
    """One version of a model file with its static analysis (JSON fields decoded)."""

    path: str
    key: str
    source: str  # git | worktree | mlflow | dvc
    commit: str | None = None
    committer_time: int | None = None
    status: str | None = None  # git change status (A M D ...), None elsewhere
    run_id: str | None = None
    format: str = "unknown"
    size: int | None = None
    sha256: str | None = None
    verdict: str = "inconclusive"  # dangerous | inconclusive | safe (older stored names read back as inconclusive)
    findings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def reasons(self) -> list[str]:
        """Why the verdict is what it is (stored with the analysis; older analyses fall back to the error)."""
        stored = (self.metadata or {}).get("verdict_reasons")
        if isinstance(stored, list) and stored:
            return [str(r) for r in stored]
        return [self.error] if self.error else ([] if self.verdict == "safe" else ["analysed by an older mlaudit: rescan"])

    @property
    def rev_label(self) -> str:
        return self.commit[:10] if self.commit else self.source

    def to_json(self) -> dict[str, Any]:
        """The ``models --json`` object of this version."""
        return {
            "path": self.path, "rev": self.commit or self.source.upper(), "blob": self.key, "source": self.source,
            "run_id": self.run_id, "format": self.format, "size": self.size, "sha256": self.sha256,
            "security": {"verdict": self.verdict, "reasons": self.reasons, "globals": self.globals,
                         "dangerous": self.dangerous, "unknown": self.unknown},
            "estimator": self.estimator, "library_versions": self.library_versions,
            "hyperparameters": self.hyperparameters, "features": self.features, "n_features": self.n_features,
            "classes": self.classes, "metadata": self.metadata, "findings": self.findings, "error": self.error,
        }


_SELECT = """
    SELECT v.path, v.key, v.source, v.commit_sha, v.committer_time, v.status, v.run_id,
           b.format, b.size, b.sha256, b.verdict, b.globals, b.dangerous, b.unknown, b.estimator,
           b.library_versions, b.hyperparameters, b.features, b.n_features, b.classes, b.metadata,
           b.findings, b.error
    FROM model_versions v LEFT JOIN model_blobs b ON b.key = v.key
"""


def _decode(row: dict[str, Any]) -> ModelVersion:
    for col in _JSON_COLS:
        raw = row.get(col)
        row[col] = json.loads(raw) if raw else None
    return ModelVersion(
        row["path"], row["key"], row["source"], row["commit_sha"], row["committer_time"], row["status"],
        row["run_id"], row["format"] or "unknown", row["size"], row["sha256"], normalise_verdict(row["verdict"]),
        row["findings"] or [], row["error"], globals=row["globals"] or [], dangerous=row["dangerous"] or [],
        unknown=row["unknown"] or [], estimator=row["estimator"], library_versions=row["library_versions"] or {},
        hyperparameters=row["hyperparameters"] or {}, features=row["features"], n_features=row["n_features"],
        classes=row["classes"], metadata=row["metadata"] or {},
    )


def _query(store: Store, where: str = "", params: list[Any] | None = None) -> list[ModelVersion]:
    if "model_versions" not in store.db.table_names():
        return []
    sql = _SELECT + where + " ORDER BY COALESCE(v.committer_time, 9e18), v.source, v.path"
    return [_decode(r) for r in store.db.execute_returning_dicts(sql, params or [])]


def all_versions(store: Store) -> list[ModelVersion]:
    """Every version of every model (git history, working tree, MLflow, DVC), oldest first."""
    return _query(store)


def model_versions(store: Store, path: str) -> list[ModelVersion]:
    """Every version of ``path``, oldest first (deletions included, with status 'D')."""
    return _query(store, " WHERE v.path = ?", [path])


# Formats whose content proves a model file (a zip, a stream that decompresses to something else, an
# MLmodel descriptor or unrecognised bytes do not).
MODEL_FORMATS = frozenset({
    "pickle", "joblib", "pytorch", "pytorch-legacy", "torchscript", "keras", "keras-h5", "hdf5", "onnx", "safetensors",
    "gguf", "skops", "npy", "npz", "tensorflow", "savedmodel", "xgboost", "lightgbm",
})
# Suffixes that name a model file: a broken pickle stream is still a (damaged) model under such a name,
# while a text file that merely starts like a protocol-0 pickle (requirements.txt) is not.
# A pickle whose only globals come from these rebuilds plain data (arrays, frames, containers), not an estimator.
DATA_ONLY_MODULES = frozenset({"builtins", "__builtin__", "copy_reg", "copyreg", "_codecs", "collections", "numpy",
                               "pandas", "datetime", "decimal", "scipy"})
MODEL_SUFFIXES = (".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt", ".sav", ".bin", ".model", ".h5", ".keras")


def _is_splitter(estimator: str | None) -> bool:
    """A scikit-learn splitter class (KFold, StratifiedKFold, ShuffleSplit, ...), not a search that holds a model."""
    if not estimator:
        return False
    module, _, name = estimator.rpartition(".")
    return module.startswith(("sklearn.cross_validation", "sklearn.model_selection")) and not name.endswith("SearchCV")


def is_model_content(v: ModelVersion) -> bool:
    """True when the content (not the name) confirms a model format; a broken pickle counts only under a model name."""
    if v.status == "D":
        return False
    fmt = v.format or "unknown"
    if fmt not in MODEL_FORMATS and not fmt.startswith(("pytorch", "keras", "tensorflow")):
        return False
    if fmt in ("pickle", "joblib") and not v.estimator and v.globals and all(
            g.split(".", 1)[0] in DATA_ONLY_MODULES for g in v.globals):
        return False  # a pickled list of arrays or a dict (fold indices, a vocabulary) is data, not a model
    if fmt in ("pickle", "joblib") and _is_splitter(v.estimator):
        return False  # a pickled cross-validation splitter (StratifiedKFold) holds fold indices, not a model
    if v.error and (fmt != "pickle" or not v.path.lower().endswith(MODEL_SUFFIXES)):
        return fmt in ("joblib", "pytorch", "pytorch-legacy") or (fmt == "pickle" and v.path.lower().endswith(MODEL_SUFFIXES))
    return True


def _scope_commit(store: Store, rev: str | None) -> str | None:
    return resolve_commit(store, rev) if rev else current_commit(store)


def versions_in_scope(store: Store, rev: str | None = None) -> list[ModelVersion]:
    """Model versions that belong to the project now: committed in the history of HEAD (or ``rev``), or on disk.

    Versions that exist only on other refs (a gh-pages site, an unmerged branch) are left out; only content
    confirmed as a model format is kept. History, lineage and security use ``all_versions`` instead.
    """
    commit = _scope_commit(store, rev)
    history = set(commit_ancestry(store, commit)) if commit else set()
    out = []
    for v in _query(store):
        if not is_model_content(v):
            continue
        if v.source == "git" and v.commit not in history:
            continue
        if v.source != "git" and rev:  # files on disk are the working tree, not a past commit
            continue
        out.append(v)
    return out


def list_models(store: Store, rev: str | None = None) -> list[ModelVersion]:
    """The current version of each model path: on disk (worktree, MLflow, DVC) when present, else its version at HEAD.

    ``rev`` judges another commit (a tag in the history view); files on disk then do not count. Only content
    confirmed as a model format is listed; a path that exists only on another ref is not.
    """
    commit = _scope_commit(store, rev)
    newest: dict[str, ModelVersion] = {}
    on_disk = [] if rev else [v for v in _query(store) if v.source != "git" and is_model_content(v)]
    for v in on_disk:
        newest[v.path] = v
    if commit:
        paths = {r[0] for r in store.db.execute("SELECT DISTINCT path FROM model_versions WHERE source = 'git'")} \
            if "model_versions" in store.db.table_names() else set()
        for path in sorted(paths - set(newest)):
            at = version_at(store, path, commit)
            if at is not None and is_model_content(at):
                newest[path] = at
    return sorted(newest.values(), key=lambda v: v.path)


def report_by_key(store: Store, key: str) -> ModelVersion | None:
    """The analysis of one content, attached to its first known version."""
    found = _query(store, " WHERE v.key = ?", [key])
    return found[0] if found else None


def commit_ancestry(store: Store, rev: str, limit: int = 1_000_000) -> list[str]:
    """``rev`` and its ancestors in the store, nearest first (breadth-first over parents, one query)."""
    parents = {sha: (p or "").split() for sha, p in store.db.execute("SELECT sha, parents FROM commits")}
    if rev not in parents:
        return []
    order: list[str] = []
    seen, queue = {rev}, deque([rev])
    while queue and len(order) < limit:
        sha = queue.popleft()
        order.append(sha)
        for parent in parents.get(sha, ()):
            if parent not in seen and parent in parents:
                seen.add(parent)
                queue.append(parent)
    return order


def resolve_commit(store: Store, rev: str) -> str | None:
    """A full commit sha from a sha prefix, ref name (branch, tag) or ``HEAD`` — store only."""
    if rev.upper() == "HEAD":
        row = store.db.execute("SELECT head FROM scans WHERE head IS NOT NULL ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None
    row = store.db.execute(
        "SELECT target FROM refs WHERE name IN (?, ?, ?, ?)",
        [rev, f"refs/heads/{rev}", f"refs/tags/{rev}", f"refs/remotes/{rev}"],
    ).fetchone()
    if row:
        target: str | None = row[0]
        return target
    rows = store.db.execute("SELECT sha FROM commits WHERE sha LIKE ? LIMIT 2", [rev.lower() + "%"]).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def version_at(store: Store, path: str, rev: str) -> ModelVersion | None:
    """The version of ``path`` in commit ``rev`` (``WORKTREE``: the copy on disk); None when absent."""
    if rev.upper() == "WORKTREE":  # on disk now: the working tree, an MLflow artifact or a DVC-cached file
        found = [v for v in model_versions(store, path) if v.source != "git"]
        return found[-1] if found else None
    sha = resolve_commit(store, rev)
    if sha is None:
        return None
    by_commit = {v.commit: v for v in model_versions(store, path) if v.source == "git"}
    for ancestor in commit_ancestry(store, sha):
        if ancestor in by_commit:
            v = by_commit[ancestor]
            return None if v.status == "D" else v
    return None


def runs(store: Store) -> list[dict[str, Any]]:
    """Every MLflow run found, newest first."""
    if "mlflow_runs" not in store.db.table_names():
        return []
    return list(store.db.execute_returning_dicts("SELECT * FROM mlflow_runs ORDER BY start_time DESC"))


def _kv(store: Store, table: str, run_id: str) -> dict[str, Any]:
    if table not in store.db.table_names():
        return {}
    return {r[0]: r[1] for r in store.db.execute(f"SELECT key, value FROM {table} WHERE run_id = ?", [run_id])}


def run_params(store: Store, run_id: str) -> dict[str, str]:
    return _kv(store, "mlflow_params", run_id)


def run_metrics(store: Store, run_id: str) -> dict[str, float]:
    """Last logged value of each metric of a run."""
    return _kv(store, "mlflow_metrics", run_id)


def run_tags(store: Store, run_id: str) -> dict[str, str]:
    return _kv(store, "mlflow_tags", run_id)


def registered_versions(store: Store) -> list[dict[str, Any]]:
    """Registered model versions (name, version, run_id, source, stage, aliases), by name then version."""
    if "mlflow_model_versions" not in store.db.table_names():
        return []
    rows = store.db.execute_returning_dicts("SELECT * FROM mlflow_model_versions ORDER BY name, CAST(version AS INTEGER)")
    return [r | {"aliases": json.loads(r["aliases"] or "[]")} for r in rows]


def _value(raw: str | None) -> Any:
    """A stored metrics/params value: JSON-decoded when it was stored as JSON, else the text."""
    try:
        return json.loads(raw) if raw is not None else None
    except ValueError:
        return raw


def tracked_at(store: Store, commit: str, kind: str, ancestry: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Metrics or params files (``kind`` 'metrics' | 'params') as of ``commit``: {path: {key: value}}.

    Each file's newest version at or before the commit (along its ancestry) is used.
    """
    if "tracked_values" not in store.db.table_names():
        return {}
    paths = [r[0] for r in store.db.execute("SELECT DISTINCT path FROM tracked_values WHERE kind = ?", [kind])]
    if not paths:
        return {}
    ancestry = ancestry if ancestry is not None else commit_ancestry(store, commit)
    rank = {sha: i for i, sha in enumerate(ancestry)}
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        commits = [r[0] for r in store.db.execute(
            "SELECT DISTINCT commit_sha FROM tracked_values WHERE path = ? AND kind = ?", [path, kind])]
        best = min((c for c in commits if c in rank), key=lambda c: rank[c], default=None)
        if best is None:
            continue
        out[path] = {r[0]: _value(r[1]) for r in store.db.execute(
            "SELECT key, value, number FROM tracked_values WHERE path = ? AND commit_sha = ? AND kind = ?",
            [path, best, kind])}
    return out


def files_at(store: Store, commit: str, role: str, ancestry: list[str] | None = None) -> dict[str, str]:
    """{path: blob} of the files of ``role`` present in ``commit`` (newest change along its ancestry)."""
    ancestry = ancestry if ancestry is not None else commit_ancestry(store, commit)
    rank = {sha: i for i, sha in enumerate(ancestry)}
    best: dict[str, tuple[int, str | None]] = {}
    rows = store.db.execute(
        "SELECT fc.path, fc.blob, fc.status, fc.commit_sha FROM file_changes fc JOIN path_roles pr ON pr.path = fc.path "
        "WHERE pr.role = ?", [role])
    for path, blob, status, sha in rows:
        r = rank.get(sha)
        if r is not None and (path not in best or r < best[path][0]):
            best[path] = (r, None if status == "D" else blob)
    return {p: b for p, (_, b) in sorted(best.items()) if b}


@dataclass(slots=True)
class Lineage:
    """What a model version can be traced to; ``missing`` names the links that could not be found."""

    commit: str | None
    data: dict[str, str] = field(default_factory=dict)  # path -> blob (git data files, .dvc / dvc.lock)
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)  # name/version
    missing: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"commit": self.commit, "data": self.data, "params": self.params, "metrics": self.metrics,
                "runs": self.runs, "registered": self.registered, "missing": self.missing}


def version_commit(store: Store, version: ModelVersion) -> str | None:
    """The commit a version belongs to: its own, its MLflow run's source commit, or HEAD when unchanged on disk."""
    if version.commit:
        return version.commit
    if version.run_id:
        row = store.db.execute("SELECT source_commit FROM mlflow_runs WHERE run_id = ?", [version.run_id]).fetchone()
        if row and row[0]:
            return resolve_commit(store, row[0]) or row[0]
    head = resolve_commit(store, "HEAD")
    if head:
        at_head = version_at(store, version.path, head)
        if at_head is not None and at_head.key == version.key:
            return head
    return None


def runs_for(store: Store, version: ModelVersion, commit: str | None) -> list[str]:
    """MLflow runs that name this model: its own run, runs logging the same content, runs at its commit."""
    found = [version.run_id] if version.run_id else []
    if "model_versions" in store.db.table_names():
        found += [r[0] for r in store.db.execute(
            "SELECT DISTINCT run_id FROM model_versions WHERE key = ? AND run_id IS NOT NULL", [version.key])]
    if commit and "mlflow_runs" in store.db.table_names():
        found += [r[0] for r in store.db.execute("SELECT run_id FROM mlflow_runs WHERE source_commit = ?", [commit])]
    return list(dict.fromkeys(found))


def lineage(store: Store, version: ModelVersion) -> Lineage:
    """Link a model version to its commit, data versions, params, metrics, MLflow runs and registry entries."""
    commit = version_commit(store, version)
    out = Lineage(commit)
    runs = runs_for(store, version, commit)
    out.runs = runs
    if commit:
        ancestry = commit_ancestry(store, commit)
        out.data = files_at(store, commit, "data", ancestry)
        tracking = files_at(store, commit, "tracking", ancestry)
        out.data.update({p: b for p, b in tracking.items() if p.endswith((".dvc", "dvc.lock"))})
        out.params = {f"{p}:{k}": v for p, kv in tracked_at(store, commit, "params", ancestry).items() for k, v in kv.items()}
        out.metrics = {f"{p}:{k}": v for p, kv in tracked_at(store, commit, "metrics", ancestry).items() for k, v in kv.items()}
    for run in runs:
        out.params.update({f"mlflow:{k}": v for k, v in run_params(store, run).items()})
        out.metrics.update({f"mlflow:{k}": v for k, v in run_metrics(store, run).items()})
    out.registered = list(dict.fromkeys(  # one entry per (name, version): the registry is read at several commits
        f"{r['name']}/{r['version']}" for r in registered_versions(store) if r["run_id"] in runs))
    for name, present in (("commit", commit), ("data", out.data), ("params", out.params), ("metrics", out.metrics)):
        if not present:
            out.missing.append(name)
    return out


def dvc_experiments(store: Store) -> list[dict[str, Any]]:
    """DVC experiment refs (``refs/exps/...``) with the params and metrics files at their commits."""
    rows = store.db.execute("SELECT name, target FROM refs WHERE kind = 'experiment' ORDER BY name").fetchall()
    out = []
    for name, target in rows:
        ancestry = commit_ancestry(store, target)
        out.append({"ref": name, "commit": target,
                    "params": {f"{p}:{k}": v for p, kv in tracked_at(store, target, "params", ancestry).items() for k, v in kv.items()},
                    "metrics": {f"{p}:{k}": v for p, kv in tracked_at(store, target, "metrics", ancestry).items() for k, v in kv.items()}})
    return out
