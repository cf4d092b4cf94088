"""Compare two model versions side by side, from the store only (milliseconds, no rescan).

A version is named ``path@rev`` (rev: commit sha or prefix, branch, tag, ``HEAD`` or ``WORKTREE``), an
MLflow run id, or a registered model ``name/version`` (also ``models:/name/version`` and ``name@alias``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlaudit.checks.drift.model_data import training_data_diff
from mlaudit.checks.models._common import DESCRIPTOR_FORMATS
from mlaudit.core.config import AuditConfig
from mlaudit.core.errors import MlauditError
from mlaudit.scanners.git_history import line_counts
from mlaudit.store.db import Store
from mlaudit.store.model_queries import (
    Lineage,
    ModelVersion,
    all_versions,
    commit_ancestry,
    lineage,
    registered_versions,
    resolve_commit,
    version_at,
)

RUN_ID = re.compile(r"^[0-9a-f]{16,40}$")


@dataclass(slots=True)
class Comparison:
    """Two versions, their lineage, every differing field, and the data / params / metrics / code diffs."""

    a: ModelVersion
    b: ModelVersion
    lineage_a: Lineage
    lineage_b: Lineage
    differences: list[dict[str, Any]] = field(default_factory=list)
    data_drift: list[dict[str, Any]] = field(default_factory=list)
    params_diff: list[dict[str, Any]] = field(default_factory=list)
    metrics_diff: list[dict[str, Any]] = field(default_factory=list)
    code_changes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``compare --json`` object."""
        return {
            "a": self.a.to_json() | {"lineage": self.lineage_a.to_json()},
            "b": self.b.to_json() | {"lineage": self.lineage_b.to_json()},
            "differences": self.differences, "data_drift": self.data_drift, "params_diff": self.params_diff,
            "metrics_diff": self.metrics_diff, "code_changes": self.code_changes,
        }


def _real(versions: list[ModelVersion]) -> list[ModelVersion]:
    return [v for v in versions if v.format not in DESCRIPTOR_FORMATS and v.status != "D"]


def _by_run(store: Store, run_id: str) -> ModelVersion | None:
    found = _real([v for v in all_versions(store) if v.run_id == run_id])
    if found:
        return found[0]
    row = store.db.execute("SELECT source_commit FROM mlflow_runs WHERE run_id = ?", [run_id]).fetchone() \
        if "mlflow_runs" in store.db.table_names() else None
    if row and row[0]:
        commit = resolve_commit(store, row[0])
        at = [v for v in _real(all_versions(store)) if v.commit == commit]
        return at[0] if at else None
    return None


def _registered_spec(store: Store, spec: str) -> ModelVersion | None:
    """``name/version`` or ``name@alias`` of a registered model; None when ``spec`` names none."""
    registered = registered_versions(store)
    name, sep, ver = spec.rpartition("/") if "/" in spec else spec.partition("@")
    if not sep or ("@" in spec and "/" in spec):
        return None
    for r in registered:
        if r["name"] == name and (str(r["version"]) == ver or ver in r["aliases"]):
            v = _by_run(store, r["run_id"]) if r["run_id"] else None
            if v is None:
                raise MlauditError(f"registered model {name} version {ver} points to run {r['run_id']}, whose model file is not in the store")
            return v
    return None


def _run_spec(store: Store, spec: str) -> ModelVersion | None:
    """An MLflow run id the store knows; None when ``spec`` is not one."""
    if not (RUN_ID.match(spec) and "mlflow_runs" in store.db.table_names()
            and store.db.execute("SELECT 1 FROM mlflow_runs WHERE run_id = ?", [spec]).fetchone()):
        return None
    v = _by_run(store, spec)
    if v is None:
        raise MlauditError(f"MLflow run {spec} has no model file in the store")
    return v


def _path_spec(store: Store, spec: str) -> ModelVersion:
    """``path@rev`` (``path`` alone: HEAD, else the working tree)."""
    path, _, rev = spec.rpartition("@") if "@" in spec else (spec, "", "HEAD")
    path = path.lstrip("./")
    if not _real([v for v in all_versions(store) if v.path == path]):
        known = sorted({v.path for v in _real(all_versions(store))})[:8]
        raise MlauditError(f"no model file {path!r} in the store" + (f" (known: {', '.join(known)})" if known else "")
                           + "; name a version as path@rev, an MLflow run id or name/version")
    v = version_at(store, path, rev)
    if v is None and rev.upper() == "HEAD":
        v = version_at(store, path, "WORKTREE")
    if v is None:
        raise MlauditError(f"{path} does not exist at {rev} (or {rev} is not a commit, branch or tag in the store)")
    return v


def resolve_spec(store: Store, spec: str) -> ModelVersion:
    """A model version from ``path@rev``, an MLflow run id or a registered ``name/version``; MlauditError otherwise."""
    spec = spec.strip().removeprefix("models:/")
    for by_name in (_registered_spec, _run_spec):
        found = by_name(store, spec)
        if found is not None:
            return found
    return _path_spec(store, spec)


def _flat(v: ModelVersion) -> dict[str, Any]:
    out: dict[str, Any] = {"format": v.format, "size": v.size, "sha256": v.sha256, "blob": v.key, "verdict": v.verdict,
                           "dangerous": v.dangerous or None, "unknown_globals": v.unknown or None, "estimator": v.estimator,
                           "n_features": v.n_features, "classes": v.classes}
    out.update({f"library_versions.{k}": val for k, val in v.library_versions.items()})
    out.update({f"hyperparameters.{k}": val for k, val in v.hyperparameters.items()})
    return out


def _kv_diff(a: dict[str, Any], b: dict[str, Any], numeric: bool = False) -> list[dict[str, Any]]:
    out = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        if va == vb:
            continue
        item: dict[str, Any] = {"key": key, "a": va, "b": vb}
        if numeric:
            try:
                item["delta"] = float(vb) - float(va)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                pass
        out.append(item)
    return out


def _line_counts(store: Store, shas: list[str]) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """Line counts of these commits from the scanned repo (the history scan stores none); empty when it is gone."""
    row = store.db.execute("SELECT repo FROM scans WHERE is_git = 1 ORDER BY id DESC LIMIT 1").fetchone()
    if not row or not shas or not Path(row[0]).is_dir():
        return {}
    try:
        return line_counts(Path(row[0]), shas)
    except (MlauditError, OSError):
        return {}


def code_changes(store: Store, commit_a: str | None, commit_b: str | None, limit: int = 200) -> dict[str, Any]:
    """Commits and files changed between two commits (those reachable from b but not a), summarised by role."""
    if not commit_a or not commit_b or commit_a == commit_b:
        return {"commits": 0, "files": [], "by_role": {}}
    before = set(commit_ancestry(store, commit_a))
    between = [c for c in commit_ancestry(store, commit_b) if c not in before]
    if not between:  # b is older: report the other direction
        after = set(commit_ancestry(store, commit_b))
        between = [c for c in commit_ancestry(store, commit_a) if c not in after]
    files: dict[str, dict[str, Any]] = {}
    roles = dict(store.db.execute("SELECT path, role FROM path_roles").fetchall())
    counts = _line_counts(store, between)
    for sha in between:
        for path, status, added, deleted in store.db.execute(
                "SELECT path, status, added, deleted FROM file_changes WHERE commit_sha = ?", [sha]):
            if added is None and deleted is None:
                added, deleted = counts.get((sha, path), (None, None))
            f = files.setdefault(path, {"path": path, "role": roles.get(path, "other"), "commits": 0, "added": 0, "deleted": 0, "status": status})
            f["commits"] += 1
            f["added"] += added or 0
            f["deleted"] += deleted or 0
    by_role: dict[str, int] = {}
    for f in files.values():
        by_role[f["role"]] = by_role.get(f["role"], 0) + 1
    messages = [r[0].splitlines()[0] if r[0] else "" for sha in between[:20]
                for r in store.db.execute("SELECT message FROM commits WHERE sha = ?", [sha])]
    return {"commits": len(between), "files": sorted(files.values(), key=lambda f: f["path"])[:limit], "by_role": by_role,
            "messages": messages, "total_files": len(files), "commit_a": commit_a, "commit_b": commit_b}


def compare_models(store: Store, a: str | ModelVersion, b: str | ModelVersion, config: AuditConfig | None = None) -> Comparison:
    """Side-by-side comparison of two model versions (specs or already resolved versions)."""
    va = resolve_spec(store, a) if isinstance(a, str) else a
    vb = resolve_spec(store, b) if isinstance(b, str) else b
    la, lb = lineage(store, va), lineage(store, vb)
    comp = Comparison(va, vb, la, lb)
    fa, fb = _flat(va), _flat(vb)
    comp.differences = [{"field": k, "a": fa.get(k), "b": fb.get(k)} for k in sorted(set(fa) | set(fb), key=_field_order)
                        if fa.get(k) != fb.get(k)]
    feats_a, feats_b = va.features or [], vb.features or []
    if feats_a != feats_b:
        comp.differences.append({"field": "features", "a": feats_a or None, "b": feats_b or None,
                                 "added": sorted(set(feats_b) - set(feats_a)), "removed": sorted(set(feats_a) - set(feats_b))})
    comp.data_drift = training_data_diff(store, la.commit, lb.commit, config)
    comp.params_diff = _kv_diff(la.params, lb.params)
    comp.metrics_diff = _kv_diff(la.metrics, lb.metrics, numeric=True)
    comp.code_changes = code_changes(store, la.commit, lb.commit)
    return comp


_ORDER = ["format", "size", "sha256", "blob", "verdict", "dangerous", "unknown_globals", "estimator", "n_features", "classes"]


def _field_order(key: str) -> tuple[int, str]:
    return (_ORDER.index(key), key) if key in _ORDER else (len(_ORDER) + (0 if key.startswith("library") else 1), key)
