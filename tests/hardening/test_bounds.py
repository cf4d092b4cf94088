"""Unit and property tests of the bounded readers: YAML/JSON/TOML/CSV-header parsers, SQLite opening, row-hash chunks."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlaudit.core.safefs import OutsideRepo, UnsafePath, contained, read_regular
from mlaudit.core.sqlite_ro import connect_readonly, readonly_uri
from mlaudit.core.textparse import ParseBomb, load_json, load_toml
from mlaudit.core.yamlload import YamlBomb, expanded_size, load_yaml
from mlaudit.scanners.data.profile import profile_file
from mlaudit.scanners.data.readers import DataReadError, ReadBounds, json_depth, max_depth_over
from mlaudit.scanners.dvc import flatten, parse_params
from mlaudit.store.rowhash_codec import decode_all, encode_chunks
from tests.hardening.faults import billion_laughs, merge_bomb

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_billion_laughs_refused_before_expansion() -> None:
    """A 9-level alias bomb (10^9 nodes expanded) is refused in well under a second; a merge-key bomb too."""
    for text in (billion_laughs(), merge_bomb()):
        t0 = time.monotonic()
        with pytest.raises(YamlBomb):
            load_yaml(text)
        assert time.monotonic() - t0 < 1.0


def test_ordinary_anchors_still_load() -> None:
    """Anchors and merge keys of ordinary size load as before, and text_only keeps '0001' a string."""
    doc = load_yaml("base: &b {lr: 0.1, depth: 3}\ntrain:\n  <<: *b\n  depth: 5\n")
    assert doc["train"] == {"lr": 0.1, "depth": 5}
    assert load_yaml("run_id: 0001", text_only=True) == {"run_id": "0001"}


@given(levels=st.integers(1, 6), fanout=st.integers(1, 6))
@FUZZ
def test_expanded_size_matches_a_full_walk(levels: int, fanout: int) -> None:
    """expanded_size equals the node count of walking the constructed document (aliases counted every time)."""
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fanout) + "]" for i in range(1, levels + 1)]
    text = "\n".join(lines)

    def walk(obj) -> int:
        if isinstance(obj, list):
            return 1 + sum(walk(x) for x in obj)
        if isinstance(obj, dict):
            return 1 + sum(1 + walk(v) for v in obj.values())
        return 1

    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert expanded_size(node, 10 ** 9) == walk(yaml.safe_load(text))


@given(text=st.text(max_size=400))
@FUZZ
def test_yaml_loader_raises_only_yaml_errors(text: str) -> None:
    """Arbitrary text gives a document or a YAMLError (bombs included), never another exception."""
    try:
        load_yaml(text, max_nodes=1000)
    except yaml.YAMLError:
        pass


@given(depth=st.integers(0, 3000), kind=st.sampled_from(["[", "{\"k\":"]))
@FUZZ
def test_json_depth_matches_the_structure(depth: int, kind: str) -> None:
    """json_depth counts the nesting of generated documents exactly; load_json refuses the too-deep ones as ParseBomb."""
    close = "]" if kind == "[" else "}"
    inner = "1" if kind != "[" else ""
    doc = kind * depth + inner + close * depth
    assert json_depth(doc.encode() + b"\n") == depth
    try:
        load_json(doc)
    except ParseBomb:
        assert depth > 500
    except ValueError:
        assert depth == 0 and kind == "["  # the empty document


@given(text=st.text(alphabet=st.sampled_from(list('[]{}",:\\ab1\n ')), max_size=300))
@FUZZ
def test_json_depth_never_undercounts_strings(text: str) -> None:
    """On arbitrary bracket soup json_depth is computed without error and ignores brackets inside strings; the fast
    pre-check flags a block exactly when the exact depth passes the limit."""
    depth = json_depth(text.encode())
    assert depth >= 0
    for limit in (0, 2, 5):
        assert (max_depth_over(text.encode(), limit) > limit) == (depth > limit)
    assert json_depth(b'"' + b"[" * 100 + b'"\n') == 0


@given(text=st.text(max_size=300))
@FUZZ
def test_toml_and_json_parsers_raise_only_value_errors(text: str) -> None:
    """Arbitrary text through the bounded TOML and JSON parsers: a value or a ValueError (ParseBomb included)."""
    for parse in (load_toml, load_json):
        try:
            parse(text)
        except ValueError:
            pass


def test_toml_long_dotted_key_refused_fast() -> None:
    """A 200,000-part dotted TOML key (quadratic memory in tomllib) is refused before parsing."""
    t0 = time.monotonic()
    with pytest.raises(ParseBomb):
        load_toml("a" + ".a" * 200_000 + " = 1\n")
    assert time.monotonic() - t0 < 1.0
    assert parse_params("a" + ".a" * 200_000 + " = 1\n", "toml").error is not None


def test_params_deep_documents_are_errors_not_crashes() -> None:
    """Deep JSON, TOML and YAML params files give an error message; flatten handles any depth iteratively."""
    for text, suffix in (("[" * 5000 + "]" * 5000, "json"), ("a = " + "[" * 5000 + "]" * 5000, "toml"),
                         ("[" * 5000 + "]" * 5000, "yaml")):
        assert parse_params(text, suffix).error is not None
    deep: dict = {}
    node = deep
    for _ in range(5000):
        node["k"] = {}
        node = node["k"]
    node["v"] = 1
    assert list(flatten(deep).values()) == [1]


@given(header=st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12), min_size=1, max_size=8),
       sep=st.sampled_from([",", ";", "\t", "|"]))
@FUZZ
def test_csv_headers_fuzzed(header: list[str], sep: str, tmp_path: Path) -> None:
    """Any header line (quotes, separators, empty and duplicate names) gives a profile or a DataReadError."""
    path = tmp_path / "h.csv"
    path.write_text(sep.join(header) + "\n" + sep.join("1" for _ in header) + "\n", encoding="utf-8")
    try:
        profile_file(path, "h.csv")
    except DataReadError:
        pass


def test_decompressed_bytes_cap(tmp_path: Path) -> None:
    """A gzip CSV under the ratio cap but over data.max_decompressed is refused with the threshold's name."""
    rng = np.random.default_rng(0)
    text = "a,b\n" + "".join(f"{x:.6f},{y:.6f}\n" for x, y in rng.random((80_000, 2)))
    path = tmp_path / "d.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.raises(DataReadError, match=r"data\.max_decompressed"):
        profile_file(path, "d.csv.gz", bounds=ReadBounds(max_decompressed=1 << 20))
    assert profile_file(path, "d.csv.gz").rows == 80_000


def test_time_bound_gives_partial_coverage(tmp_path: Path) -> None:
    """With a zero time budget the profile stops after the first batch and says so in its coverage."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": list(range(400_000))}), path, row_group_size=50_000)
    prof = profile_file(path, "t.parquet", bounds=ReadBounds(seconds=0.0))
    assert prof.bounded and "file_seconds" in prof.coverage and "of 400000" in prof.coverage
    assert prof.rows < 400_000


def test_readonly_uri_quotes_everything(tmp_path: Path) -> None:
    """%, ?, # and spaces in a name stay part of the path in the URI; the URI opens exactly that file."""
    name = tmp_path / "%2e%2e%2f x?mode=rwc#.db"
    con = sqlite3.connect(str(name))
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    uri = readonly_uri(name)
    assert "?mode=rwc" not in uri and "#" not in uri.split("?")[0] and uri.endswith("?mode=ro&immutable=1")
    before = sorted(os.listdir(tmp_path))
    ro = connect_readonly(name)
    assert ro.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
    with pytest.raises(sqlite3.OperationalError):
        ro.execute("CREATE TABLE u (x)")
    ro.close()
    assert sorted(os.listdir(tmp_path)) == before


def test_readonly_connection_bounds(tmp_path: Path) -> None:
    """A huge value fails on the length limit; a runaway query is interrupted by the deadline."""
    path = tmp_path / "a.db"
    sqlite3.connect(str(path)).execute("CREATE TABLE t (x)").connection.close()
    con = connect_readonly(path, seconds=0.5)
    with pytest.raises(sqlite3.Error):
        con.execute("SELECT zeroblob(100000000)").fetchall()
    t0 = time.monotonic()
    with pytest.raises(sqlite3.OperationalError):
        con.execute("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT MAX(i) FROM c").fetchall()
    assert time.monotonic() - t0 < 5
    con.close()


def test_fifo_and_symlinks_never_opened(tmp_path: Path) -> None:
    """A FIFO is refused at once (no blocking open); a symlink is not followed; containment resolves links."""
    fifo = tmp_path / "p.db"
    os.mkfifo(fifo)
    done = threading.Event()

    def attempt() -> None:
        for call in (lambda: connect_readonly(fifo), lambda: read_regular(fifo)):
            with pytest.raises(UnsafePath):
                call()
        done.set()

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(5)
    assert done.is_set(), "opening a FIFO blocked"
    link = tmp_path / "inside" / "link"
    link.parent.mkdir()
    link.symlink_to("/dev/zero")
    with pytest.raises(UnsafePath):
        read_regular(link)
    with pytest.raises(OutsideRepo):
        contained(link, [tmp_path])


@given(values=st.lists(st.integers(0, 2 ** 64 - 1), max_size=3000), chunk=st.integers(1, 700))
@FUZZ
def test_row_hash_chunks_round_trip(values: list[int], chunk: int) -> None:
    """Sorted 64-bit hashes survive delta+shuffle+zstd chunking exactly, at any chunk size."""
    arr = np.sort(np.array(values, dtype=np.uint64))
    chunks = list(encode_chunks(arr, chunk))
    assert all(n <= chunk for _, n, _ in chunks)
    assert np.array_equal(decode_all([(n, b) for _, n, b in chunks]), arr)


def test_old_row_hashes_migrated_to_chunks(tmp_path: Path) -> None:
    """m002 converts a store's raw data_row_hashes BLOBs into chunks that decode to the same values."""
    from sqlite_utils import Database

    from mlaudit.store.schema import data as schema

    db = Database(tmp_path / "s.sqlite")
    schema.m001_data(db)
    hashes = np.sort(np.random.default_rng(3).integers(0, 2 ** 63, 5000, dtype=np.uint64))
    db.execute("INSERT INTO data_row_hashes VALUES ('k', '', ?, ?)", [len(hashes), hashes.tobytes()])
    schema.m002_row_hash_chunks_and_coverage(db)
    rows = db.execute("SELECT n, hashes FROM data_row_hash_chunks WHERE key = 'k' ORDER BY chunk").fetchall()
    assert np.array_equal(decode_all(rows), hashes)
    assert "data_row_hashes" not in db.table_names()
    assert "coverage" in db["data_profiles"].columns_dict


def test_deep_json_lines_refused_in_process(tmp_path: Path) -> None:
    """200,000-deep JSON lines (pyarrow's parser would crash the process) are refused by the pre-check, in-process."""
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 10 + b"[" * 200_000 + b"]" * 200_000 + b"\n")
    with pytest.raises(DataReadError, match="nested"):
        profile_file(path, "d.jsonl")
    ok = tmp_path / "ok.jsonl"
    ok.write_text("".join(json.dumps({"a": i, "b": {"c": [i]}}) + "\n" for i in range(100)))
    assert profile_file(ok, "ok.jsonl").rows == 100
