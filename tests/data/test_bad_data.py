"""Bad data never stops a scan: each unreadable file becomes a finding with its reason, the rest is profiled."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import audit
from mlaudit.scanners.data.readers import DataReadError, read_table
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store

GOOD = "a,b,c\n1,x,2.5\n2,y,3.5\n3,x,4.5\n"


def _parquet_bytes() -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"a": list(range(100)), "b": [str(i) for i in range(100)]}), sink)
    return sink.getvalue()


BAD = {
    "bad/binary.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary content"),
    "bad/ragged.csv": ("a,b,c\n1,2,3\n4,5\n6,7,8,9\n", "not parseable"),
    "bad/empty.csv": ("", "empty file"),
    "bad/wide.csv": (",".join(f"c{i}" for i in range(20_000)) + "\n" + ",".join("1" * 20_000) + "\n", "columns"),
    "bad/truncated.parquet": (_parquet_bytes()[:300], "Parquet"),
    "bad/broken.jsonl": ('{"a": 1, "b": "x"}\n{"a": 2, "b": \n{"a": 3, "b": "z"}\n', "JSON"),
    "bad/late_utf8.csv": (b"a,b\n" + b"1,plain\n" * 20_000 + b"2,caf\xe9 \xff\xfe\n", "invalid UTF-8"),
    "bad/long_line.csv": (b"x" * (50 * 1024 * 1024), "single line longer"),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    """One repo holding every kind of bad file plus good ones, audited once."""
    root = tmp_path_factory.mktemp("bad")
    repo = GitRepo(root / "repo")
    files: dict[str, str | bytes] = {p: content for p, (content, _) in BAD.items()}
    files |= {"data/good.csv": GOOD, "data/header_only.csv": "a,b,c\n", "data/latin1.csv": "name,city\nJosé,Málaga\n".encode("latin-1"),
              "data/good.tsv.gz": gzip.compress(b"a\tb\n1\t2\n3\t4\n")}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner.csv", GOOD)
    files["data/zipped.csv.zip"] = buf.getvalue()
    repo.commit("data of every quality", files)
    db = root / "store.sqlite"
    result = audit(repo.root, db)
    store = open_store(db, repo_root=repo.root)
    yield result, store
    store.close()


@pytest.mark.parametrize("path", sorted(BAD))
def test_bad_file_becomes_a_finding_with_reason(scanned, path: str) -> None:
    """Each bad file has a scan error naming the reason (unreadable ones also carry it on their profile)."""
    _, store = scanned
    reasons = [r[0] for r in store.db.execute("SELECT reason FROM scan_errors WHERE path = ? AND phase = 'data'", [path])]
    assert reasons and BAD[path][1].lower() in reasons[0].lower(), reasons
    prof = dq.profile(store, dq.data_versions(store, path)[0].key)
    assert prof.error == reasons[0] or (prof.error is None and "invalid UTF-8" in reasons[0])


def test_the_rest_of_the_scan_completes(scanned) -> None:
    """Good files next to bad ones are profiled, and DATA-QUALITY fails naming the unreadable files."""
    result, store = scanned
    good = dq.profile(store, dq.data_versions(store, "data/good.csv")[0].key)
    assert good.rows == 3 and [c["name"] for c in good.columns] == ["a", "b", "c"]
    quality = next(r for r in result.results if r.check_id == "DATA-QUALITY")
    assert quality.status == "fail"
    assert any("unreadable" in e.detail and e.path == "bad/ragged.csv" for e in quality.evidence)


def test_header_only_is_a_finding(scanned) -> None:
    """A header-only file profiles to its columns and zero rows, with a finding saying so."""
    _, store = scanned
    prof = dq.profile(store, dq.data_versions(store, "data/header_only.csv")[0].key)
    assert prof.error is None and prof.rows == 0 and len(prof.columns) == 3
    reason = store.db.execute("SELECT reason FROM scan_errors WHERE path = 'data/header_only.csv'").fetchone()[0]
    assert reason == "no data rows (header only)"


@pytest.mark.parametrize("path,rows", [("data/latin1.csv", 1), ("data/good.tsv.gz", 2), ("data/zipped.csv.zip", 3)])
def test_encodings_and_compression_are_sniffed(scanned, path: str, rows: int) -> None:
    """Latin-1 text, gzip TSV and a zipped CSV are read."""
    _, store = scanned
    assert dq.profile(store, dq.data_versions(store, path)[0].key).rows == rows


def test_reader_raises_data_read_error(tmp_path: Path) -> None:
    """The reader API raises DataReadError (never an Arrow exception) for unreadable input."""
    bad = tmp_path / "x.parquet"
    bad.write_bytes(b"PAR1 not really")
    with pytest.raises(DataReadError):
        read_table(bad, "x.parquet")


@pytest.mark.parametrize("name,writer", [
    ("t.parquet", lambda df, p: df.to_parquet(p)), ("t.feather", lambda df, p: df.to_feather(p)),
    ("t.jsonl", lambda df, p: df.to_json(p, orient="records", lines=True)), ("t.csv", lambda df, p: df.to_csv(p, index=False, sep=";")),
])
def test_formats_round_trip(tmp_path: Path, name: str, writer) -> None:
    """Parquet, Feather, JSON lines and semicolon CSV read back to the same values."""
    df = pd.DataFrame({"n": [1, 2, 3], "s": ["a", "b", "c"]})
    writer(df, tmp_path / name)
    table = read_table(tmp_path / name, name)
    assert table.column("n").to_pylist() == [1, 2, 3] and table.column("s").to_pylist() == ["a", "b", "c"]


def test_type_change_after_first_block_reads_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A number column with text past the first block is re-read as text, with a warning, not dropped."""
    from mlaudit.scanners.data import readers
    from mlaudit.scanners.data.profile import profile_file

    monkeypatch.setattr(readers, "BLOCK_SIZE", 1 << 12)
    path = tmp_path / "mixed.csv"
    path.write_text("a,b\n" + "1,x\n" * 5000 + "oops,y\n")
    prof = profile_file(path, "mixed.csv")
    assert prof.rows == 5001 and prof.columns[0]["arrow_type"] == "string"
    assert "every column read as text" in prof.warnings[0]


@pytest.mark.parametrize("codec", ["gzip", "bz2", "xz", "zip"])
@pytest.mark.parametrize("name", ["d.csv", "d.csv.gz"])
def test_truncated_compressed_stream_is_a_data_read_error(tmp_path: Path, codec: str, name: str) -> None:
    """A compressed stream cut short (found by the property test) is a DataReadError naming the codec, never EOFError."""
    import bz2
    import lzma

    from mlaudit.scanners.data.profile import profile_file

    text = ("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(5000))).encode()
    if codec == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("d.csv", text)
        packed = buf.getvalue()
    else:
        packed = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[codec](text)
    path = tmp_path / name
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DataReadError, match=f"broken {codec} stream|not parseable|zip"):
        profile_file(path, name)
