"""MLflow tracking data without MLflow: ``mlruns/`` file stores and SQLite backends, read-only.

SQLite files are opened through ``core.sqlite_ro`` (quoted ``file:`` URI, ``mode=ro&immutable=1``: not
even a lock or journal file is created; bounded value sizes, row limits and a deadline on every query).
File stores are read through ``core.safefs``: regular files only, never through a symlink or out of the
repo, metadata capped in size; YAML through the bounded loader. A record that cannot be read becomes an
entry of ``errors`` and the rest of the store is still read.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlaudit.core.safefs import (
    OutsideRepo,
    UnsafePath,
    contained,
    is_real_dir,
    is_regular,
    open_regular,
    read_text_regular,
)
from mlaudit.core.sqlite_ro import connect_readonly
from mlaudit.core.yamlload import load_yaml

MAX_RUNS = 50_000
MAX_ROWS = 500_000  # rows read from any one table of an MLflow SQLite backend (tracking.sqlite_rows)
SQLITE_SECONDS = 20.0  # time budget for all the queries on one backend (tracking.sqlite_seconds)
META_BYTES = 1 << 20
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
        if "mlruns" in dirnames and is_real_dir(Path(dirpath) / "mlruns"):
            found.append(Path(dirpath) / "mlruns")
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and d != "mlruns" and depth < MAX_DEPTH]
        for name in filenames:
            if name.endswith((".db", ".sqlite", ".sqlite3")) and is_mlflow_sqlite(Path(dirpath) / name):
                found.append(Path(dirpath) / name)
    return sorted(found)


def _connect(path: Path) -> sqlite3.Connection:
    return connect_readonly(path, SQLITE_SECONDS)


def is_mlflow_sqlite(path: Path) -> bool:
    """A regular SQLite file (not a FIFO, device or symlink) holding MLflow's runs, experiments and params tables."""
    if not is_regular(path):
        return False
    try:
        with open_regular(path) as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        con = _connect(path)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 10000")}
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


def _yaml_file(path: Path, errors: list[str] | None = None, root: Path | None = None) -> dict[str, Any]:
    """A meta.yaml with every scalar kept as text (run ids like 0001... must not become numbers).

    A missing file gives {}; one that is not a regular file, too large, or a YAML bomb gives {} and an entry in ``errors``.
    """
    if not os.path.lexists(path):
        return {}
    try:
        doc = load_yaml(read_text_regular(path, META_BYTES), text_only=True)
    except (UnsafePath, yaml.YAMLError) as exc:
        if errors is not None:
            errors.append(f"{_rel(path, root)}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
        return {}
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def logged_model_run(root: Path, rel: str) -> str | None:
    """The run that produced an MLflow 3 logged model, for a file under ``<experiment>/models/m-<id>/artifacts/``:
    the ``source_run_id`` of the model's meta.yaml (None for any other path, or when the meta does not say)."""
    parts = rel.split("/")
    if "artifacts" not in parts:
        return None
    i = parts.index("artifacts")
    if i < 2 or parts[i - 2] != "models" or not parts[i - 1].startswith("m-"):
        return None
    return _str(_yaml_file(root.joinpath(*parts[:i]) / "meta.yaml").get("source_run_id"))


def _rel(path: Path, root: Path | None) -> str:
    try:
        return path.relative_to(root).as_posix() if root else str(path)
    except ValueError:
        return str(path)


def _text(path: Path, limit: int = 1 << 20) -> str:
    """At most ``limit`` bytes of a regular file as text (raise OSError/UnsafePath for anything else)."""
    with open_regular(path) as fh:
        return fh.read(limit).decode("utf-8", "replace")


def _last_metric(path: Path) -> tuple[float, int, int] | None:
    """The last ``timestamp value step`` line of a file-store metric (regular files only)."""
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            fh.seek(max(0, size - 4096))
            lines = fh.read(4096).decode("utf-8", "replace").strip().splitlines()
        parts = lines[-1].split()
        return float(parts[1]), int(parts[2]) if len(parts) > 2 else 0, int(parts[0])
    except (OSError, IndexError, ValueError):
        return None


def _real_dirs(folder: Path) -> list[Path]:
    """Sub-folders that are real directories (symlinks are never entered)."""
    try:
        return sorted(p for p in folder.iterdir() if is_real_dir(p))
    except OSError:
        return []


def _regular_files(folder: Path) -> list[Path]:
    """Regular files below ``folder`` (no symlinks, FIFOs or devices; symlinked folders not entered)."""
    out: list[Path] = []
    if not is_real_dir(folder):
        return out
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        out.extend(Path(dirpath) / n for n in sorted(filenames) if is_regular(Path(dirpath) / n))
        if len(out) > MAX_RUNS:
            break
    return out


def read_file_store(mlruns: Path, root: Path) -> TrackingData:
    """Experiments, runs (params, last metrics, tags) and the model registry of an ``mlruns/`` folder."""
    data = TrackingData(mlruns.relative_to(root).as_posix(), "file")
    try:
        contained(mlruns, [root])
    except OutsideRepo as exc:
        data.errors.append(str(exc))
        return data
    count = 0
    for exp_dir in _real_dirs(mlruns):
        if exp_dir.name in (".trash", "models"):
            continue
        meta = _yaml_file(exp_dir / "meta.yaml", data.errors, root)
        if not meta:
            continue
        data.experiments.append({"experiment_id": _str(meta.get("experiment_id")) or exp_dir.name, "name": _str(meta.get("name")),
                                 "lifecycle_stage": _str(meta.get("lifecycle_stage")),
                                 "artifact_location": _str(meta.get("artifact_location"))})
        for run_dir in _real_dirs(exp_dir):
            count += 1
            if count > MAX_RUNS:
                data.errors.append(f"more than {MAX_RUNS} runs; the rest were skipped")
                return data
            try:
                _read_run(run_dir, exp_dir, data, root)
            except Exception as exc:  # noqa: BLE001 - one broken run is a finding; the others are still read
                data.errors.append(f"{_rel(run_dir, root)}: run not readable ({type(exc).__name__}: {str(exc)[:200]})")
    try:
        _file_registry(mlruns / "models", data, root)
    except Exception as exc:  # noqa: BLE001 - a broken registry is a finding; the runs are still reported
        data.errors.append(f"{_rel(mlruns / 'models', root)}: registry not readable ({type(exc).__name__}: {str(exc)[:200]})")
    return data


def _read_run(run_dir: Path, exp_dir: Path, data: TrackingData, root: Path) -> None:
    run_meta = _yaml_file(run_dir / "meta.yaml", data.errors, root)
    if not run_meta:
        return
    run_id = _str(run_meta.get("run_id")) or _str(run_meta.get("run_uuid")) or run_dir.name
    status = _int(run_meta.get("status"))
    data.runs.append({
        "run_id": run_id, "experiment_id": _str(run_meta.get("experiment_id")) or exp_dir.name,
        "run_name": _str(run_meta.get("run_name")), "status": RUN_STATUS.get(status or 0, _str(run_meta.get("status"))),
        "start_time": _int(run_meta.get("start_time")), "end_time": _int(run_meta.get("end_time")),
        "lifecycle_stage": _str(run_meta.get("lifecycle_stage")), "artifact_uri": _str(run_meta.get("artifact_uri")),
    })
    for sub, sink in (("params", data.params), ("tags", data.tags)):
        for f in _regular_files(run_dir / sub):
            key = f.relative_to(run_dir / sub).as_posix()
            try:
                sink.append((run_id, key, _text(f)))
            except OSError:
                data.errors.append(f"unreadable {_rel(f, root)}")
    for f in _regular_files(run_dir / "metrics"):
        last = _last_metric(f)
        if last is not None:
            data.metrics.append((run_id, f.relative_to(run_dir / "metrics").as_posix(), last[0], last[1], last[2]))


def _file_registry(models: Path, data: TrackingData, root: Path | None = None) -> None:
    if not is_real_dir(models):
        return
    for model_dir in _real_dirs(models):
        meta = _yaml_file(model_dir / "meta.yaml", data.errors, root)
        name = _str(meta.get("name")) or model_dir.name
        data.registered.append({"name": name, "creation_time": _int(meta.get("creation_timestamp")),
                                "last_updated_time": _int(meta.get("last_updated_timestamp")),
                                "description": _str(meta.get("description"))})
        aliases: dict[str, list[str]] = {}
        alias_dir = model_dir / "aliases"
        for f in _regular_files(alias_dir):
            try:
                aliases.setdefault(_text(f, 4096).strip(), []).append(f.name)
            except OSError:
                continue
        for vdir in (d for d in _real_dirs(model_dir) if d.name.startswith("version-")):
            v = _yaml_file(vdir / "meta.yaml", data.errors, root)
            version = _str(v.get("version")) or vdir.name.split("-", 1)[-1]
            data.versions.append({"name": name, "version": version, "run_id": _str(v.get("run_id")), "source": _str(v.get("source")),
                                  "stage": _str(v.get("current_stage")), "status": _str(v.get("status")),
                                  "creation_time": _int(v.get("creation_timestamp")), "aliases": aliases.get(version, [])})


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    """The stored (not generated, not hidden) columns of ``table``: a generated column is never computed."""
    rows = con.execute(f'SELECT name, hidden FROM pragma_table_xinfo("{table}") LIMIT 1000').fetchall()
    return [str(r[0]) for r in rows if r[1] == 0]


def _select(con: sqlite3.Connection, table: str, order: str = "") -> list[dict[str, Any]]:
    """At most MAX_ROWS rows of ``table`` as dicts, stored columns only (missing expected columns read as None)."""
    cols = _columns(con, table)
    if not cols:
        return []
    names = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
    cur = con.execute(f'SELECT {names} FROM "{table}" {order} LIMIT {MAX_ROWS}')
    return [_Row(zip(cols, r, strict=True)) for r in cur]


class _Row(dict):
    """A row whose missing columns read as None (MLflow's schema changed over versions)."""

    def __missing__(self, key: str) -> None:
        return None


def read_sqlite_store(path: Path, root: Path) -> TrackingData:
    """The same data from an MLflow SQLite backend (read-only, immutable, every query bounded)."""
    data = TrackingData(path.relative_to(root).as_posix(), "sqlite")
    try:
        contained(path, [root])
        con = _connect(path)
    except (OSError, sqlite3.Error) as exc:
        data.errors.append(f"cannot open {data.store_path}: {exc}")
        return data
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 10000")}
        data.experiments = [{"experiment_id": str(r["experiment_id"]), "name": r["name"], "lifecycle_stage": r["lifecycle_stage"],
                             "artifact_location": r["artifact_location"]} for r in _select(con, "experiments")]
        for r in _select(con, "runs")[:MAX_RUNS]:
            data.runs.append({"run_id": r["run_uuid"], "experiment_id": str(r["experiment_id"]), "run_name": r["name"],
                              "status": r["status"], "start_time": r["start_time"], "end_time": r["end_time"],
                              "lifecycle_stage": r["lifecycle_stage"], "artifact_uri": r["artifact_uri"]})
        data.params = [(r["run_uuid"], r["key"], r["value"]) for r in _select(con, "params")]
        metric_table = "latest_metrics" if "latest_metrics" in tables else "metrics"
        data.metrics = [(r["run_uuid"], r["key"], r["value"], r["step"], r["timestamp"])
                        for r in _select(con, metric_table, "ORDER BY timestamp, step")]
        data.tags = [(r["run_uuid"], r["key"], r["value"]) for r in _select(con, "tags")] if "tags" in tables else []
        if "registered_models" in tables:
            data.registered = [{"name": r["name"], "creation_time": r["creation_time"], "last_updated_time": r["last_updated_time"],
                                "description": r["description"]} for r in _select(con, "registered_models")]
        aliases: dict[tuple[str, str], list[str]] = {}
        if "registered_model_aliases" in tables:
            for r in _select(con, "registered_model_aliases"):
                aliases.setdefault((r["name"], str(r["version"])), []).append(r["alias"])
        if "model_versions" in tables:
            data.versions = [{"name": r["name"], "version": str(r["version"]), "run_id": r["run_id"], "source": r["source"],
                              "stage": r["current_stage"], "status": r["status"], "creation_time": r["creation_time"],
                              "aliases": aliases.get((r["name"], str(r["version"])), [])} for r in _select(con, "model_versions")]
        if any(len(x) >= MAX_ROWS for x in (data.params, data.metrics, data.tags, data.experiments)):
            data.errors.append(f"{data.store_path}: a table holds more than {MAX_ROWS} rows; only the first {MAX_ROWS} were read")
    except (sqlite3.Error, KeyError, IndexError, TypeError, ValueError, MemoryError) as exc:
        reason = "took longer than the time budget" if "interrupt" in str(exc).lower() else str(exc)
        data.errors.append(f"{data.store_path}: not a readable MLflow backend ({reason})")
    finally:
        con.close()
    return data


def configure(config: Any) -> None:
    """Apply the configured SQLite bounds (an AuditConfig) to the backends read after this call."""
    global MAX_ROWS, SQLITE_SECONDS
    MAX_ROWS = int(config.threshold("tracking.sqlite_rows"))
    SQLITE_SECONDS = float(config.threshold("tracking.sqlite_seconds"))


def read_all(root: Path, config: Any = None) -> list[TrackingData]:
    """Every MLflow store found under the repo root (``config``: an AuditConfig whose bounds apply)."""
    if config is not None:
        configure(config)
    out = []
    for path in find_stores(root):
        try:
            out.append(read_file_store(path, root) if is_real_dir(path) else read_sqlite_store(path, root))
        except Exception as exc:  # noqa: BLE001 - a store that breaks the reader is a finding, never a crash
            failed = TrackingData(_rel(path, root), "file" if is_real_dir(path) else "sqlite")
            failed.errors.append(f"{failed.store_path}: not readable ({type(exc).__name__}: {str(exc)[:200]})")
            out.append(failed)
    return out
