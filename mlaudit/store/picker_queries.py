"""Labels for choosing a model version: path, ref or tag, date, MLflow run and registered version (store only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mlaudit.store.db import Store
from mlaudit.store.history_queries import table_names


@dataclass(slots=True)
class VersionChoice:
    """One entry of a version picker: its group (the path), the label shown, and the text a search matches."""

    group: str
    label: str
    search: str
    index: int  # position in the list of versions it was made from


def refs_by_commit(store: Store) -> dict[str, list[str]]:
    """Tag and branch names pointing at each commit (tags first)."""
    out: dict[str, list[str]] = {}
    if "refs" not in table_names(store):
        return out
    rows = store.db.execute("SELECT name, kind, target FROM refs WHERE kind IN ('tag', 'branch') "
                            "ORDER BY CASE kind WHEN 'tag' THEN 0 ELSE 1 END, name").fetchall()
    for name, _kind, target in rows:
        short = name.removeprefix("refs/tags/").removeprefix("refs/heads/")
        out.setdefault(target, []).append(short)
    return out


def run_names(store: Store) -> dict[str, tuple[str, int | None]]:
    """MLflow run id -> (run name, start time in seconds); the name is empty when the run has none."""
    if "mlflow_runs" not in table_names(store):
        return {}
    rows = store.db.execute("SELECT run_id, run_name, start_time FROM mlflow_runs")
    return {r[0]: (r[1] or "", int(r[2]) // 1000 if r[2] else None) for r in rows}


def registered_by_run(store: Store) -> dict[str, list[str]]:
    """MLflow run id -> its registered versions as ``name vN @alias``."""
    out: dict[str, list[str]] = {}
    if "mlflow_model_versions" not in table_names(store):
        return out
    for name, version, run_id, aliases in store.db.execute(
            "SELECT name, version, run_id, aliases FROM mlflow_model_versions ORDER BY name, CAST(version AS INTEGER)"):
        try:
            alias = json.loads(aliases or "[]")
        except ValueError:
            alias = []
        text = f"{name} v{version}" + "".join(f" @{a}" for a in alias if isinstance(a, str))
        seen = out.setdefault(run_id or "", [])
        if text not in seen:  # the same registry read at several commits
            seen.append(text)
    return out


def _date(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d") if ts else ""


def version_choices(store: Store, versions: list[Any]) -> list[VersionChoice]:
    """A label per model version (``path``, ``commit``, ``committer_time``, ``source``, ``run_id`` attributes)."""
    refs, names, registered = refs_by_commit(store), run_names(store), registered_by_run(store)
    out = []
    for i, v in enumerate(versions):
        commit = getattr(v, "commit", None) or ""
        where = ", ".join(refs.get(commit, [])) if commit else ""
        rev = commit[:10] + (f" ({where})" if where else "") if commit else str(getattr(v, "source", ""))
        run_id = getattr(v, "run_id", None) or ""
        run_name, started = names.get(run_id, ("", None))
        parts = [rev, _date(getattr(v, "committer_time", None) or started)]
        if run_id:
            parts.append(" ".join(p for p in ("run", run_name, run_id[:8]) if p))
            parts += registered.get(run_id, [])
        label = " \u00b7 ".join(p for p in parts if p)
        search = f"{v.path} {commit} {where} {label} {run_id}".lower()
        out.append(VersionChoice(v.path, label, search, i))
    return out
