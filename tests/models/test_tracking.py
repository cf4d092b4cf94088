"""MLflow stores (file and SQLite) and metrics/params files, read without MLflow and without writing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from mlaudit.sample_projects.mlflow_store import Run, Tracking, mlmodel

from mlaudit.scanners.mlflow import find_stores, is_mlflow_sqlite, read_all
from mlaudit.scanners.tracking import parse_values
from tests.snapshot import tree_snapshot


@pytest.fixture
def stores(tmp_path: Path) -> Path:
    runs = [Run(f"{i:032x}", f"run{i}", 1_700_000_000_000 + i * 1000, "c" * 40, {"depth": str(i)}, {"auc": 0.5 + i / 10},
                b"\x80\x04N.", mlmodel(f"{i:032x}", 5, "t", "1.5.0", ["a", "b"]), i) for i in (1, 2)]
    tracking = Tracking(1_700_000_000_000, runs, champion=2)
    for path, content in tracking.files().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content if isinstance(content, bytes) else content.encode())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "tracking.sqlite").write_bytes(tracking.sqlite_bytes())
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE t (x)")
    other.close()
    return tmp_path


def test_file_and_sqlite_stores_agree(stores: Path) -> None:
    """Both backends give the same runs, params, metrics, tags and registry; other SQLite files are ignored."""
    found = read_all(stores)
    assert [s.store_path for s in found] == ["mlruns", "sub/tracking.sqlite"]
    file_store, sql_store = found
    for s in found:
        assert not s.errors
        assert sorted(r["run_id"] for r in s.runs) == [f"{1:032x}", f"{2:032x}"]
        assert {r["status"] for r in s.runs} == {"FINISHED"}
    assert sorted(file_store.params) == sorted(sql_store.params)
    assert sorted((m[0], m[1], m[2]) for m in file_store.metrics) == sorted((m[0], m[1], m[2]) for m in sql_store.metrics)
    assert [(v["version"], v["aliases"]) for v in file_store.versions] == [("1", []), ("2", ["champion"])]
    assert sorted((v["version"], tuple(v["aliases"])) for v in sql_store.versions) == [("1", ()), ("2", ("champion",))]
    assert not is_mlflow_sqlite(stores / "other.db")


def test_reading_writes_nothing(stores: Path) -> None:
    """Opening the SQLite backend immutable leaves no journal, WAL or lock file behind."""
    before = tree_snapshot(stores)
    read_all(stores)
    find_stores(stores)
    assert tree_snapshot(stores) == before


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("metrics.json", '{"auc": 0.9, "per_class": {"a": 0.1}}', {"auc": 0.9, "per_class.a": 0.1}),
    ("scores.yaml", "f1: 0.5\n", {"f1": 0.5}),
    ("eval/metrics.csv", "step,loss\n1,0.9\n2,0.4\n", {"step": "2", "loss": "0.4"}),
    ("dvclive/metrics.json", '{"a": 1}\n{"a": 2}\n', {"a": 2}),
])
def test_metrics_files(path: str, text: str, expected: dict) -> None:
    """Metrics files are flattened to dotted keys (CSV and JSON lines keep their last record)."""
    values, error = parse_values(path, text)
    assert values == expected and error is None


def test_broken_metrics_file_is_an_error_not_an_exception() -> None:
    """An unparseable file yields no values and an error message."""
    values, error = parse_values("metrics.json", "{not json")
    assert values == {} and error
