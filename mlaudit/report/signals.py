"""Deployment evidence the checks do not carry: a released model (shipped by serving code or a deploy step,
registered for production, or named by a release tag)."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from typing import Any

from mlaudit.store.db import Store

# Tags that name a model release: model-v1, churn-model-2.0, model/3, v1.2-model, release-model-4.
_MODEL_TAG = re.compile(r"(?i)(?:^|[-_/.])model(?:s)?[-_/.]?v?\d|v?\d+(?:\.\d+)*[-_.]model(?:$|[-_/.])")
_PRODUCTION = {"production", "prod", "staging", "champion", "live", "serving"}


def _mentions(text: str, path: str) -> bool:
    """``text`` names the model file: by its path or, for a distinctive name, by its file name alone."""
    name = posixpath.basename(path)
    if path in text:
        return True
    return len(name) >= 6 and re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", text) is not None


def _copies(line: str, path: str) -> bool:
    """A Dockerfile COPY/ADD line copies ``path``: it names the file, one of its folders, or the whole context."""
    sources = line.split()[:-1] or line.split()
    folders = [posixpath.dirname(path)]
    while posixpath.dirname(folders[-1]):
        folders.append(posixpath.dirname(folders[-1]))
    return any(src in (".", "./") or _mentions(src, path) or src.rstrip("/") in folders for src in sources)


def _serving_load(code: dict[str, Any] | None) -> str | None:
    """Serving code that loads a model."""
    load = next((x for x in (code or {}).get("model_loads", []) if x.get("serving")), None)
    if load is None:
        return None
    return f"released model: serving code loads a model ({load['path']}:{load.get('line') or '?'} {load.get('call', '')})".rstrip()


def _shipped_in_image(docker: dict[str, Any] | None, models: list[str]) -> str | None:
    """A serving image whose COPY/ADD lines bring a model file in."""
    for f in (docker or {}).get("files", []):
        shipped = [m for m in models if any(_copies(line, m) for line in f.get("copies", []))]
        if shipped and f.get("serving"):
            return f"released model: {shipped[0]} is copied into the serving image ({f['path']})"
    return None


def _deploy_step(ci: dict[str, Any] | None, models: list[str]) -> str | None:
    """A CI deploy job whose step names a model file."""
    for job in (ci or {}).get("jobs", []):
        if "deploy" not in job.get("kinds", []):
            continue
        hit = next(((m, step) for step in job.get("steps", []) for m in models if _mentions(step.get("run") or "", m)), None)
        if hit:
            return f"released model: deploy step of {job['path']}:{hit[1].get('line') or job.get('line')} ships {hit[0]}"
    return None


def _registered_release(registered: Iterable[dict[str, Any]]) -> str | None:
    """A registered model version staged or aliased for production."""
    for v in registered:
        labels = {str(v.get("stage") or "").lower(), *(str(a).lower() for a in v.get("aliases") or [])}
        if labels & _PRODUCTION:
            where = ", ".join(sorted(x for x in labels if x and x != "none"))
            return f"released model: registered model {v.get('name')} version {v.get('version')} ({where})"
    return None


def _release_tags(tags: Iterable[str]) -> str | None:
    """Tags that name a model release (the newest by name, and how many more)."""
    release = sorted(t for t in tags if _MODEL_TAG.search(t))
    if not release:
        return None
    return f"released model: release tag {release[-1]}" + (f" and {len(release) - 1} more" if len(release) > 1 else "")


def released_model_signals(code: dict[str, Any] | None, docker: dict[str, Any] | None, ci: dict[str, Any] | None,
                           registered: Iterable[dict[str, Any]], tags: Iterable[str], model_paths: Iterable[str]) -> list[str]:
    """Details of each released-model signal found in practice facts, registered versions and tag names (one per kind)."""
    models = sorted(set(model_paths))
    found = (_serving_load(code), _shipped_in_image(docker, models), _deploy_step(ci, models),
             _registered_release(registered), _release_tags(tags))
    return [signal for signal in found if signal is not None]


def stored_facts(store: Store, tree_key: str, kind: str) -> dict[str, Any] | None:
    """The facts of ``kind`` stored for a tree: its newest analysis (a working tree through its alias row)."""
    # facts are keyed "<tree>#<analysis key>" (checks/context.py); the newest analysis of that tree is read
    query = ("SELECT payload FROM tree_facts WHERE (tree_key = ? OR tree_key LIKE ? || '#%') AND kind = ? "
             "ORDER BY rowid DESC LIMIT 1")
    row = store.db.execute(query, [tree_key, tree_key, kind]).fetchone()
    if row is None:  # a working tree's facts are stored by content; WORKTREE@<scan> names that key
        alias = store.db.execute("SELECT payload FROM tree_facts WHERE (tree_key = ? OR tree_key LIKE ? || '#%') "
                                 "AND kind = '@alias' ORDER BY rowid DESC LIMIT 1", [tree_key, tree_key]).fetchone()
        if alias is not None:
            target = json.loads(alias[0])
            row = store.db.execute(query, [target, target, kind]).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None


def stored_release_signals(store: Store, tree_key: str | None, at_time: int | None = None) -> list[str]:
    """Released-model signals from the store: facts of ``tree_key`` (a commit sha or ``WORKTREE@<scan>``), model
    paths, registered versions (current state only, so not for a past commit) and tags up to ``at_time``."""
    tables = set(store.db.table_names())
    code = docker = ci = None
    if tree_key:
        code, docker, ci = (stored_facts(store, tree_key, k) for k in ("code", "docker", "ci"))
    models = [r[0] for r in store.db.execute("SELECT path FROM path_roles WHERE role = 'model'")]
    registered: list[dict[str, Any]] = []
    if at_time is None and "mlflow_model_versions" in tables:
        from mlaudit.store.model_queries import registered_versions

        registered = registered_versions(store)
    sql = "SELECT r.name FROM refs r LEFT JOIN commits c ON c.sha = r.target WHERE r.kind = 'tag' AND COALESCE(c.committer_time, 0) <= ?"
    tags = [r[0].removeprefix("refs/tags/") for r in store.db.execute(sql, [at_time if at_time is not None else 2**62])]
    return released_model_signals(code, docker, ci, registered, tags, models)
