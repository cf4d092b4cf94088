"""The fault matrix through the real CLI: one test per class of hostile input.

Each asserts: the documented exit code, no traceback, peak RSS and wall time under the caps, the repo
byte-identical, nothing written outside the store folder, the store's integrity check ok, the hostile
inputs reported as findings, and the benign controls beside them still audited.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq

from tests.hardening import faults, matrix
from tests.snapshot import tree_snapshot


def _scan_class(cls: str, tmp_path: Path):
    base = tmp_path / "w"  # everything the scan may touch; the test's own output goes beside it
    base.mkdir()
    canary = base / "canary"
    fault = faults.build(cls, base, canary)
    env = matrix.env_for(base, fault.config)
    store_dir = base / "store"
    before_repo = tree_snapshot(fault.root)
    before_all = tree_snapshot(base)
    store = store_dir / "audit.sqlite"
    run = matrix.run_cli(["scan", str(fault.root), "--db", str(store), "--json"], env, tmp_path / "out")
    return fault, run, store, store_dir, before_repo, before_all, canary


def _common(fault, run, store, store_dir, before_repo, before_all, canary, base: Path) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.rss_kb < matrix.RSS_CAP_KB, f"peak RSS {run.rss_kb} KiB"
    assert run.seconds < matrix.SECONDS_CAP, f"{run.seconds:.1f} s"
    assert tree_snapshot(fault.root) == before_repo, "the audited repo changed"
    assert matrix.outside_writes(base, before_all, store_dir) == []
    assert matrix.integrity(store) == "ok"
    assert not canary.exists(), "something executed a payload"
    assert matrix.controls_ok(store) == []


def _secret_in_store(store: Path) -> list[str]:
    con = sqlite3.connect(str(store))
    found = []
    try:
        for key, stats in con.execute("SELECT key, stats FROM data_profiles WHERE stats IS NOT NULL"):
            if faults.SECRET in stats:
                found.append(f"stats of {key}")
        for key, blob in con.execute("SELECT key, parquet FROM data_samples"):
            if faults.SECRET in str(pq.read_table(io.BytesIO(blob)).to_pylist()):
                found.append(f"sample of {key}")
    finally:
        con.close()
    return found


def _issue_for(store: Path, path: str, text: str) -> bool:
    return any(p == path and text in r for p, r in matrix.issues(store))


def test_uri_names_never_interpreted(tmp_path: Path) -> None:
    """SQLite names holding %2e%2e%2f, ?mode=rwc, # and spaces: opened read-only as named; nothing created anywhere."""
    fault, run, store, *rest = _scan_class("uri", tmp_path)
    _common(fault, run, store, *rest, tmp_path / "w")
    con = sqlite3.connect(str(store))
    stores = {r[0] for r in con.execute("SELECT DISTINCT store_path FROM mlflow_runs")}
    con.close()
    assert set(fault.spellings) <= stores, stores  # each was read as the file it names
    assert not any(tmp_path.rglob("escaped*")) and not any(tmp_path.parent.glob("escaped*")), "a file named by the URI payload was created"


def test_escapes_reported_never_read(tmp_path: Path) -> None:
    """DVC md5/path escapes, cache symlinks, .dir listings, linked folders: findings; the outside secret never stored."""
    fault, run, store, *rest = _scan_class("escape", tmp_path)
    _common(fault, run, store, *rest, tmp_path / "w")
    assert _secret_in_store(store) == []
    missing = [f"{p}: {t}" for p, t in fault.expect_issue.items() if not _issue_for(store, p, t)]
    assert missing == [], matrix.issues(store)


def test_bombs_bounded(tmp_path: Path) -> None:
    """gzip/bz2/xz/zip CSV and gzipped JSON-lines bombs refused by ratio; row bombs profiled with a bounded coverage."""
    fault, run, store, *rest = _scan_class("bombs", tmp_path)
    _common(fault, run, store, *rest, tmp_path / "w")
    missing = [f"{p}: {t}" for p, t in fault.expect_issue.items() if not _issue_for(store, p, t)]
    assert missing == [], matrix.issues(store)
    con = sqlite3.connect(str(store))
    coverage = dict(con.execute("SELECT dv.path, dp.coverage FROM data_versions dv JOIN data_profiles dp ON dp.key = dv.key"))
    con.close()
    assert coverage["data/many_rows.parquet"].startswith("profiled the first 100000 rows of 3000000")
    assert coverage[faults.GOOD_CSV] == "complete"


def test_parser_bombs_are_findings(tmp_path: Path) -> None:
    """Deep JSON lines (pyarrow would crash), YAML alias/merge bombs, deep JSON/TOML/YAML, hostile mlflow.db: findings, no crash."""
    fault, run, store, *rest = _scan_class("parsers", tmp_path)
    _common(fault, run, store, *rest, tmp_path / "w")
    missing = [f"{p}: {t}" for p, t in fault.expect_issue.items() if not _issue_for(store, p, t)]
    assert missing == [], matrix.issues(store)
    reasons = " | ".join(r for _, r in matrix.issues(store))
    assert "YAML bomb" in reasons
    con = sqlite3.connect(str(store))
    params = con.execute("SELECT key, value FROM mlflow_params").fetchall()
    con.close()
    assert ("depth", "3") in params  # the hostile backend's stored columns were still read


def test_special_files_never_opened(tmp_path: Path) -> None:
    """FIFOs and /dev/zero symlinks at mlflow.db, meta.yaml, aliases, metrics, .dvc, dvc.lock, params, data: no hang, no read."""
    fault, run, store, *rest = _scan_class("special", tmp_path)
    _common(fault, run, store, *rest, tmp_path / "w")
    con = sqlite3.connect(str(store))
    read = con.execute("SELECT path FROM data_versions WHERE path IN ('data/zero.csv', 'data/fifo.csv')").fetchall()
    con.close()
    assert read == []
