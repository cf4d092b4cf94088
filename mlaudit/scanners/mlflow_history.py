"""MLflow file stores as committed in git history: runs that are no longer (or not yet) in the working tree.

An ``mlruns/`` folder committed and later deleted still says which run produced a model version that git keeps:
the run's ``meta.yaml``, ``params/``, ``metrics/`` and ``tags/`` files are blobs like any other. ``read_history``
takes the newest committed version of each such file (deletions ignored: a run deleted from the folder still
happened) and rebuilds the runs from the blobs, never from the working tree. MLflow 3 logged models
(``<experiment>/models/m-<id>/meta.yaml``) give the run that produced them.

``artifact_run`` names the run of a model file from its path: ``.../<run id>/artifacts/...`` (file store and
``mlartifacts/`` of a tracking server) or a logged model's ``m-<id>`` folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import yaml

from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.mlflow import MAX_RUNS, META_BYTES, RUN_STATUS, TrackingData

_RUN_FILE = re.compile(r"^(?P<root>(?:.+/)?mlruns)/(?P<exp>[^/]+)/(?P<run>[^/]+)/(?P<kind>meta\.yaml|params|metrics|tags)"
                       r"(?:/(?P<key>.+))?$")
_EXPERIMENT_META = re.compile(r"^(?P<root>(?:.+/)?mlruns)/(?P<exp>[^/]+)/meta\.yaml$")
_LOGGED_MODEL_META = re.compile(r"^(?:.+/)?mlruns/[^/]+/models/(?P<model>m-[^/]+)/meta\.yaml$")
NOT_EXPERIMENTS = {"models", ".trash"}  # the file store's model registry and its trash
MAX_FILES = 200_000  # committed store files read (tracking.history_files)


@dataclass(slots=True)
class HistoryStores:
    """Runs rebuilt from committed store files, and MLflow 3 logged model ids with their source run."""

    stores: list[TrackingData] = field(default_factory=list)
    logged_models: dict[str, str] = field(default_factory=dict)  # m-<id> -> source run id


def _meta(text: str) -> dict[str, object]:
    try:
        doc = load_yaml(text, text_only=True)
    except yaml.YAMLError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _str(value: object) -> str | None:
    return None if value is None or value == "" else str(value).strip("'")


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def read_history(files: Iterable[tuple[str, str]], read: Callable[[str], bytes]) -> HistoryStores:
    """Runs of every committed ``mlruns/`` folder from (path, blob) pairs, newest version of each path first seen.

    ``read(blob)`` returns a blob's bytes (bounded by the caller); one unreadable blob is an error of its store.
    """
    by_store: dict[str, TrackingData] = {}
    runs: dict[tuple[str, str], dict[str, object]] = {}
    out = HistoryStores()
    seen: set[str] = set()
    for n, (path, blob) in enumerate(files):
        if n >= MAX_FILES or path in seen:
            continue
        seen.add(path)
        logged = _LOGGED_MODEL_META.match(path)
        m = None if logged else _RUN_FILE.match(path)
        exp_m = _EXPERIMENT_META.match(path)
        if (m and m.group("exp") in NOT_EXPERIMENTS) or (exp_m and exp_m.group("exp") in NOT_EXPERIMENTS):
            continue
        if not m and not exp_m and not logged:
            continue
        if logged:
            try:
                source = _str(_meta(read(blob)[:META_BYTES].decode("utf-8", "replace")).get("source_run_id"))
            except Exception:  # noqa: BLE001 - an unreadable logged-model meta only loses that join
                source = None
            if source:
                out.logged_models[logged.group("model")] = source
            continue
        root = (m or exp_m).group("root")  # type: ignore[union-attr]
        store = by_store.setdefault(root, TrackingData(f"{root} (git history)", "file"))
        try:
            data = read(blob)
        except Exception as exc:  # noqa: BLE001 - one unreadable blob is a finding of its store, the rest is read
            store.errors.append(f"{path}: not readable from git ({type(exc).__name__})")
            continue
        metric = m is not None and m.group("kind") == "metrics"
        text = (data[-4096:] if metric else data[:META_BYTES]).decode("utf-8", "replace")  # a metric: its last lines
        if exp_m:
            meta = _meta(text)
            store.experiments.append({"experiment_id": _str(meta.get("experiment_id")) or exp_m.group("exp"),
                                      "name": _str(meta.get("name")), "lifecycle_stage": _str(meta.get("lifecycle_stage")),
                                      "artifact_location": _str(meta.get("artifact_location"))})
            continue
        assert m is not None
        exp, run, kind, key = m.group("exp"), m.group("run"), m.group("kind"), m.group("key")
        if kind == "meta.yaml" and (root, run) not in runs and len(runs) >= MAX_RUNS:
            if not any(e.startswith("more than") for e in store.errors):
                store.errors.append(f"more than {MAX_RUNS} runs in git history; {path} and later ones were skipped")
            continue
        if kind == "meta.yaml":
            meta = _meta(text)
            runs[(root, run)] = {
                "run_id": run,  # the folder is the run id; params, metrics and tags are keyed by it
                "experiment_id": _str(meta.get("experiment_id")) or exp, "run_name": _str(meta.get("run_name")),
                "status": RUN_STATUS.get(_int(meta.get("status")) or 0, _str(meta.get("status"))),
                "start_time": _int(meta.get("start_time")), "end_time": _int(meta.get("end_time")),
                "lifecycle_stage": _str(meta.get("lifecycle_stage")), "artifact_uri": _str(meta.get("artifact_uri"))}
        elif key:
            if kind == "params":
                store.params.append((run, key, text.strip()))
            elif kind == "tags":
                store.tags.append((run, key, text.strip()))
            else:
                last = _last_metric(text)
                if last is not None:
                    store.metrics.append((run, key, *last))
    for (root, _), record in runs.items():
        by_store[root].runs.append(record)
    out.stores = [s for s in by_store.values() if s.runs or s.errors]
    return out


def _last_metric(text: str) -> tuple[float, int, int] | None:
    """(value, step, timestamp) of the last ``timestamp value step`` line of a file-store metric."""
    lines = text.strip().splitlines()
    if not lines:
        return None
    parts = lines[-1].split()
    try:
        return float(parts[1]), int(parts[2]) if len(parts) > 2 else 0, int(parts[0])
    except (IndexError, ValueError):
        return None


def artifact_run(path: str, known_runs: set[str], logged_models: dict[str, str]) -> str | None:
    """The run a model file belongs to, from its path: the folder before ``artifacts`` when it is a known run, or
    the source run of an MLflow 3 logged model folder (``m-<id>``)."""
    parts = path.split("/")
    if "artifacts" not in parts:
        return None
    owner = parts[parts.index("artifacts") - 1] if parts.index("artifacts") >= 1 else ""
    if owner in known_runs:
        return owner
    return logged_models.get(owner)
