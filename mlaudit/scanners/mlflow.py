"""MLflow tracking data without MLflow: ``mlruns/`` file stores and SQLite backends, read-only.

SQLite files are opened with ``mode=ro&immutable=1`` so not even a lock or journal file is created.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_RUNS = 50_000
MAX_DEPTH = 3
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".dvc"}
RUN_STATUS = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}


@dataclass(slots=True)
class TrackingData:
    """Everything read from one MLflow store (``store_path`` is relative to the repo root)."""

    store_path: str
    kind: str  # file | sqlite
    experiments: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    params: list[tuple[str, str, str]] = field(default_factory=list)  # run_id, key, value
    metrics: list[tuple[str, str, float, int, int]] = field(default_factory=list)  # run_id, key, value, step, ts
    tags: list[tuple[str, str, str]] = field(default_factory=list)
    registered: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def find_stores(root: Path) -> list[Path]:
    """``mlruns`` folders and SQLite files with the MLflow schema, up to a few levels below ``root``."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel = Path(dirpath).relative_to(root)
        depth = len(rel.parts)
        if "mlruns" in dirnames:
            found.append(Path(dirpath) / "mlruns")
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and d != "mlruns" and depth < MAX_DEPTH]
        for name in filenames:
            if name.endswith((".db", ".sqlite", ".sqlite3")) and is_mlflow_sqlite(Path(dirpath) / name):
                found.append(Path(dirpath) / name)
    return sorted(found)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def is_mlflow_sqlite(path: Path) -> bool:
    """A SQLite file holding MLflow's runs, experiments and params tables."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        con = _connect(path)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return False
    return {"runs", "experiments", "params", "metrics"} <= names


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip("'\""))
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str | None:
    """A meta.yaml text value ('' written as the literal two quotes by MLflow means empty)."""
    if value is None:
        return None
    text = str(value)
    return "" if text in ("''", '""') else text.strip("'")


def _yaml_file(path: Path) -> dict[str, Any]:
    """A meta.yaml with every scalar kept as text (run ids like 0001... must not become numbers)."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _text(path: Path, limit: int = 1 << 20) -> str:
    with open(path, "rb") as fh:
        return fh.read(limit).decode("utf-8", "replace")


def _last_metric(path: Path) -> tuple[float, int, int] | None:
    """The last ``timestamp value step`` line of a file-store metric."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            fh.seek(max(0, size - 4096))
            lines = fh.read().decode("utf-8", "replace").strip().splitlines()
        parts = lines[-1].split()
        return float(parts[1]), int(parts[2]) if len(parts) > 2 else 0, int(parts[0])
    except (OSError, IndexError, ValueError):
        return None


def read_file_store(mlruns: Path, root: Path) -> TrackingData:
    """Experiments, runs (params, last metrics, tags) and the model registry of an ``mlruns/`` folder."""
    data = TrackingData(mlruns.relative_to(root).as_posix(), "file")
    count = 0
    for exp_dir in sorted(p for p in mlruns.iterdir() if p.is_dir() and not p.is_symlink()):
        if exp_dir.name in (".trash", "models"):
            continue
        meta = _yaml_file(exp_dir / "meta.yaml")
        if not meta:
            continue
        data.experiments.append({"experiment_id": _str(meta.get("experiment_id")) or exp_dir.name, "name": _str(meta.get("name")),
                                 "lifecycle_stage": _str(meta.get("lifecycle_stage")),
                                 "artifact_location": _str(meta.get("artifact_location"))})
        for run_dir in sorted(p for p in exp_dir.iterdir() if p.is_dir() and not p.is_symlink()):
            run_meta = _yaml_file(run_dir / "meta.yaml")
            if not run_meta:
                continue
            count += 1
            if count > MAX_RUNS:
                data.errors.append(f"more than {MAX_RUNS} runs; the rest were skipped")
                return data
            run_id = _str(run_meta.get("run_id")) or _str(run_meta.get("run_uuid")) or run_dir.name
            status = _int(run_meta.get("status"))
            data.runs.append({
                "run_id": run_id, "experiment_id": _str(run_meta.get("experiment_id")) or exp_dir.name,
                "run_name": _str(run_meta.get("run_name")), "status": RUN_STATUS.get(status or 0, _str(run_meta.get("status"))),
                "start_time": _int(run_meta.get("start_time")), "end_time": _int(run_meta.get("end_time")),
                "lifecycle_stage": _str(run_meta.get("lifecycle_stage")), "artifact_uri": _str(run_meta.get("artifact_uri")),
            })
            for sub, sink in (("params", data.params), ("tags", data.tags)):
                for f in sorted((run_dir / sub).rglob("*")) if (run_dir / sub).is_dir() else []:
                    if f.is_file() and not f.is_symlink():
                        key = f.relative_to(run_dir / sub).as_posix()
                        try:
                            sink.append((run_id, key, _text(f)))
                        except OSError:
                            data.errors.append(f"unreadable {f.relative_to(root)}")
            for f in sorted((run_dir / "metrics").rglob("*")) if (run_dir / "metrics").is_dir() else []:
                last = _last_metric(f) if f.is_file() else None
                if last is not None:
                    data.metrics.append((run_id, f.relative_to(run_dir / "metrics").as_posix(), last[0], last[1], last[2]))
    _file_registry(mlruns / "models", data)
    return data


def _file_registry(models: Path, data: TrackingData) -> None:
    if not models.is_dir():
        return
    for model_dir in sorted(p for p in models.iterdir() if p.is_dir()):
        meta = _yaml_file(model_dir / "meta.yaml")
        name = _str(meta.get("name")) or model_dir.name
        data.registered.append({"name": name, "creation_time": _int(meta.get("creation_timestamp")),
                                "last_updated_time": _int(meta.get("last_updated_timestamp")),
                                "description": _str(meta.get("description"))})
        aliases: dict[str, list[str]] = {}
        alias_dir = model_dir / "aliases"
        for f in sorted(alias_dir.iterdir()) if alias_dir.is_dir() else []:
            try:
                aliases.setdefault(_text(f).strip(), []).append(f.name)
            except OSError:
                continue
        for vdir in sorted(model_dir.glob("version-*")):
            v = _yaml_file(vdir / "meta.yaml")
            version = _str(v.get("version")) or vdir.name.split("-", 1)[-1]
            data.versions.append({"name": name, "version": version, "run_id": _str(v.get("run_id")), "source": _str(v.get("source")),
                                  "stage": _str(v.get("current_stage")), "status": _str(v.get("status")),
                                  "creation_time": _int(v.get("creation_timestamp")), "aliases": aliases.get(version, [])})


def read_sqlite_store(path: Path, root: Path) -> TrackingData:
    """The same data from an MLflow SQLite backend (read-only, immutable)."""
    data = TrackingData(path.relative_to(root).as_posix(), "sqlite")
    try:
        con = _connect(path)
    except sqlite3.Error as exc:
        data.errors.append(f"cannot open {data.store_path}: {exc}")
        return data
    try:
        con.row_factory = sqlite3.Row
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        q = lambda sql: [dict(r) for r in con.execute(sql)]  # noqa: E731
        data.experiments = [{"experiment_id": str(r["experiment_id"]), "name": r["name"], "lifecycle_stage": r["lifecycle_stage"],
                             "artifact_location": r["artifact_location"]} for r in q("SELECT * FROM experiments")]
        for r in q(f"SELECT * FROM runs LIMIT {MAX_RUNS}"):
            data.runs.append({"run_id": r["run_uuid"], "experiment_id": str(r["experiment_id"]), "run_name": r.get("name"),
                              "status": r["status"], "start_time": r["start_time"], "end_time": r["end_time"],
                              "lifecycle_stage": r["lifecycle_stage"], "artifact_uri": r["artifact_uri"]})
        data.params = [(r["run_uuid"], r["key"], r["value"]) for r in q("SELECT * FROM params")]
        metric_table = "latest_metrics" if "latest_metrics" in tables else "metrics"
        data.metrics = [(r["run_uuid"], r["key"], r["value"], r["step"], r["timestamp"])
                        for r in q(f"SELECT * FROM {metric_table} ORDER BY timestamp, step")]
        data.tags = [(r["run_uuid"], r["key"], r["value"]) for r in q("SELECT * FROM tags")] if "tags" in tables else []
        if "registered_models" in tables:
            data.registered = [{"name": r["name"], "creation_time": r["creation_time"], "last_updated_time": r["last_updated_time"],
                                "description": r["description"]} for r in q("SELECT * FROM registered_models")]
        aliases: dict[tuple[str, str], list[str]] = {}
        if "registered_model_aliases" in tables:
            for r in q("SELECT * FROM registered_model_aliases"):
                aliases.setdefault((r["name"], str(r["version"])), []).append(r["alias"])
        if "model_versions" in tables:
            data.versions = [{"name": r["name"], "version": str(r["version"]), "run_id": r["run_id"], "source": r["source"],
                              "stage": r["current_stage"], "status": r["status"], "creation_time": r["creation_time"],
                              "aliases": aliases.get((r["name"], str(r["version"])), [])} for r in q("SELECT * FROM model_versions")]
    except (sqlite3.Error, KeyError, IndexError) as exc:
        data.errors.append(f"{data.store_path}: not a readable MLflow backend ({exc})")
    finally:
        con.close()
    return data


def read_all(root: Path) -> list[TrackingData]:
    """Every MLflow store found under the repo root."""
    out = []
    for path in find_stores(root):
        out.append(read_file_store(path, root) if path.is_dir() else read_sqlite_store(path, root))
    return out
