"""Compact stored profiles: lossless sorted values, row hashes and samples stored as changes, the m003 migration."""

from __future__ import annotations

import io
import sqlite3
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mlaudit.sample_projects.gitrepo import GitRepo
from scipy import stats

from mlaudit.audit import scan
from mlaudit.audit.phase_data import save_profile
from mlaudit.scanners.data.profile import profile_file
from mlaudit.store import data_content, rowhash_codec, values_codec
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store
from mlaudit.store.sample_delta import apply, encode


def _roundtrip(values: np.ndarray) -> np.ndarray:
    return values_codec.decode(values_codec.encode(np.sort(values)))


@pytest.mark.parametrize("values", [
    np.random.default_rng(1).normal(0, 1, 50_000).round(4),  # decimals: stored as scaled integers
    np.random.default_rng(2).normal(0, 1, 50_000),  # full-precision floats: stored as float bits
    np.random.default_rng(3).integers(-10**12, 10**12, 5_000).astype(np.float64),
    np.array([-np.inf, -1e300, -5e-324, 0.0, 5e-324, 1e300, np.inf]),
    np.array([1.5] * 1000 + [2.5] * 3),
    np.array([0.1]),
    np.zeros(0),
])
def test_sorted_values_roundtrip_bit_exact(values: np.ndarray) -> None:
    """Decoding the compressed sorted values gives back the same float64 bits (-0.0 may come back as 0.0)."""
    expected = np.sort(values) + 0.0  # + 0.0 turns -0.0 into 0.0 and leaves every other value as it is
    got = _roundtrip(values)
    assert got.dtype == np.float64
    assert (got + 0.0).view(np.uint64).tolist() == expected.view(np.uint64).tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=False, width=64), max_size=300))
def test_sorted_values_roundtrip_any_floats(values: list[float]) -> None:
    """Any finite or infinite floats (no NaN) come back equal, in order."""
    arr = np.array(values, dtype=np.float64)
    assert np.array_equal(_roundtrip(arr), np.sort(arr))


def test_sorted_values_compress_decimals() -> None:
    """Values rounded to 4 decimals take far less than 8 bytes each (the issue's 20 MB CSV case)."""
    values = np.sort(np.random.default_rng(4).normal(0, 1, 200_000).round(4))
    assert len(values_codec.encode(values)) < 0.05 * values.nbytes


def test_drift_statistics_from_store_match_scipy_on_the_raw_values() -> None:
    """KS and Wasserstein on decoded values equal scipy's on the original values (the codec is exact)."""
    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 1, 20_000).round(3), rng.normal(0.05, 1, 20_000)
    da, db = _roundtrip(a), _roundtrip(b)
    assert stats.ks_2samp(da, db) == stats.ks_2samp(a, b)
    assert stats.wasserstein_distance(da, db) == stats.wasserstein_distance(a, b)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=200), st.lists(st.integers(0, 40), max_size=200))
def test_hash_multiset_delta_rebuilds(base: list[int], new: list[int]) -> None:
    """removed/added from multiset_delta turn the base into the new sorted hashes, duplicates included."""
    b, n = np.sort(np.array(base, dtype=np.uint64)), np.sort(np.array(new, dtype=np.uint64))
    removed, added = rowhash_codec.multiset_delta(b, n)
    assert np.array_equal(rowhash_codec.apply_delta(b, removed, added), n)
    assert sorted(removed.tolist()) == sorted((Counter(base) - Counter(new)).elements())
    assert sorted(added.tolist()) == sorted((Counter(new) - Counter(base)).elements())


def _table(rows: list[tuple[str, float, int]]) -> pa.Table:
    return pa.table({"id": [r[0] for r in rows], "x": [r[1] for r in rows], "y": [r[2] for r in rows]})


def test_sample_delta_rebuilds_and_refuses() -> None:
    """A sample delta rebuilds the new sample exactly; a changed schema or mostly-new rows give None."""
    base_rows = [(f"r{i}", i / 7, i % 3) for i in range(1000)]
    new_rows = [*base_rows[:300], ("new", 0.5, 9), *base_rows[310:], ("tail", 1.0, 1), base_rows[5]]
    base, new = _table(base_rows), _table(new_rows)
    delta = encode(base, new)
    assert delta is not None
    assert apply(base, delta).equals(new)
    assert len(pq.read_table(io.BytesIO(delta.new_rows))) == 2
    assert encode(base, new.cast(pa.schema([("id", pa.string()), ("x", pa.float32()), ("y", pa.int64())]))) is None
    assert encode(base, _table([(f"z{i}", 0.0, 0) for i in range(100)])) is None


def _csv(seed: int, rows: int, changed: int) -> str:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"user_id": np.arange(rows), "x": rng.normal(0, 1, rows).round(4),
                          "z": rng.normal(0, 1, rows), "c": rng.choice(["a", "b"], rows)})
    frame.loc[:changed, "x"] = np.random.default_rng(seed).normal(1, 1, changed + 1).round(4)
    return frame.to_csv(index=False)


@pytest.fixture
def versions_repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """A real git repo with 9 versions of one CSV, each changing a few rows."""
    repo = GitRepo(tmp_path / "repo")
    texts = [_csv(seed, 3000, 20 * seed) for seed in range(9)]
    for i, text in enumerate(texts):
        repo.commit(f"data v{i}", {"data/train.csv": text})
    return repo.root, texts


def test_scan_stores_versions_as_changes_and_reads_them_exactly(versions_repo: tuple[Path, list[str]], tmp_path: Path) -> None:
    """After a scan, each version's sample, sorted values and row hashes equal a fresh profile of that version,
    most versions are stored as changes, and chains stay within MAX_DEPTH."""
    root, texts = versions_repo
    db = tmp_path / "s.sqlite"
    scan(root, db)
    store = open_store(db)
    versions = dq.data_versions(store, "data/train.csv")
    assert len({v.key for v in versions}) == len(texts)
    depths = []
    for version, text in zip([v for v in versions if v.commit], texts, strict=True):
        csv = tmp_path / "v.csv"
        csv.write_text(text)
        fresh = profile_file(csv, "train.csv")
        assert dq.sample_frame(store, version.key).equals(fresh.sample.to_pandas())
        for column, values in fresh.sorted_values.items():
            assert np.array_equal(dq.sorted_values(store, version.key, column), values)
        assert np.array_equal(dq.sorted_values(store, version.key, "x"), np.sort(pd.read_csv(io.StringIO(text))["x"].to_numpy()))
        for column, hashes in fresh.row_hashes.items():
            assert np.array_equal(dq.row_hashes(store, version.key, column or None), hashes)
        depths.append(data_content.sample_depth(store, version.key))
    assert max(depths) == data_content.MAX_DEPTH and depths.count(0) == 2, depths
    assert store.db.execute("SELECT COUNT(*) FROM data_row_hash_deltas").fetchone()[0] >= 2 * (len(texts) - 2)
    assert dq.hashed_columns(store, versions[-1].key) == ["user_id"]
    store.close()


def test_rewriting_a_base_keeps_its_dependents_readable(versions_repo: tuple[Path, list[str]], tmp_path: Path) -> None:
    """Re-profiling a content that others are stored against first stores those others whole."""
    root, texts = versions_repo
    db = tmp_path / "s.sqlite"
    scan(root, db)
    store = open_store(db)
    keys = [v.key for v in dq.data_versions(store, "data/train.csv") if v.commit]
    before = {k: (dq.sample_frame(store, k), dq.row_hashes(store, k)) for k in keys}
    csv = tmp_path / "v0.csv"
    csv.write_text(texts[0])
    save_profile(store, keys[0], "data/train.csv", profile_file(csv, "train.csv"), None, 0.0)
    assert data_content.sample_depth(store, keys[1]) == 0
    for k in keys:
        assert dq.sample_frame(store, k).equals(before[k][0])
        assert np.array_equal(dq.row_hashes(store, k), before[k][1])
    save_profile(store, keys[3], "data/train.csv", None, "unreadable: test", 0.0)  # an error drops the content's bulk
    assert dq.sample_frame(store, keys[4]).equals(before[keys[4]][0])
    store.close()


def test_m003_converts_raw_sorted_values_of_an_old_store(tmp_path: Path) -> None:
    """A store written before m003 (raw float64 sorted values, whole samples) opens, and reads the same values."""
    from sqlite_utils import Database

    from mlaudit.store.schema import migration_sets

    db = Database(tmp_path / "old.sqlite")
    for mset in migration_sets():  # every migration this version knows, but m003 (the store of an older mlaudit)
        mset.apply(db, stop_before="m003_compact_content")
    values = np.sort(np.random.default_rng(6).normal(0, 1, 10_000))
    sink = io.BytesIO()
    pq.write_table(_table([("a", 1.0, 1)]), sink)
    db.execute('INSERT INTO data_sorted VALUES (?, ?, ?, ?)', ["k", "x", len(values), values.tobytes()])
    db.execute("INSERT INTO data_samples VALUES (?, ?)", ["k", sink.getvalue()])
    db.conn.commit()
    db.close()
    store = open_store(tmp_path / "old.sqlite")
    assert np.array_equal(dq.sorted_values(store, "k", "x"), values)
    assert dq.sample_frame(store, "k").to_dict("list") == {"id": ["a"], "x": [1.0], "y": [1]}
    store.close()
    raw = sqlite3.connect(tmp_path / "old.sqlite")
    codec, size = raw.execute('SELECT codec, length("values") FROM data_sorted').fetchone()
    raw.close()
    assert codec == values_codec.CODEC and size < values.nbytes
