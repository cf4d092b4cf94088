"""Readers: CSV/TSV (delimiter, encoding and compression sniffed), Parquet, JSON lines, Feather/Arrow, Excel.

Every reader yields ``pyarrow.RecordBatch`` chunks, so memory stays bounded whatever the file size.
A file that cannot be read raises ``DataReadError`` with the reason in words.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc
import pyarrow.json as pajson
import pyarrow.parquet as pq

BLOCK_SIZE = 8 << 20
BATCH_ROWS = 131072
MAX_COLUMNS = 10000
HEAD_BYTES = 1 << 16
LINE_BYTES = 1 << 20  # a first line longer than this is not a table

COMPRESSED = (".gz", ".bz2", ".xz", ".zip")


class DataReadError(Exception):
    """A data file could not be read; the message says why."""


def data_format(name: str) -> str | None:
    """The format implied by a file name (compression suffixes stripped), or None."""
    low = name.lower()
    for suffix in COMPRESSED:
        if low.endswith(suffix):
            low = low[: -len(suffix)]
    for fmt, suffixes in (("csv", (".csv", ".txt")), ("tsv", (".tsv",)), ("parquet", (".parquet", ".pq")),
                          ("arrow", (".feather", ".arrow", ".ipc")), ("jsonl", (".jsonl", ".ndjson")),
                          ("excel", (".xlsx", ".xls"))):
        if low.endswith(suffixes):
            return fmt
    return None


def _sniff_compression(head: bytes) -> str | None:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


@contextmanager
def _decompressed(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes, decompressed (gzip, bz2, xz, single-member zip) as a stream; a truncated or corrupt
    compressed stream becomes a DataReadError wherever the reader hits it."""
    with open(path, "rb") as raw:
        kind = _sniff_compression(raw.read(8))
    if kind is None:
        with open(path, "rb") as fh:
            yield fh
        return
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise DataReadError(f"zip archive holds {len(members)} files; expected exactly one data file")
                with zf.open(members[0]) as fh:
                    yield fh
        else:
            opener = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}[kind]
            with opener(path, "rb") as fh:
                yield fh
    except (zipfile.BadZipFile, EOFError, OSError, lzma.LZMAError, zlib.error) as exc:
        raise DataReadError(f"broken {kind} stream: {_first_line(exc)}") from exc


def _sniff_text(head: bytes, fmt: str) -> tuple[str, str]:
    """(encoding, delimiter) of delimited text; raise DataReadError for binary content."""
    if b"\x00" in head[:8192]:
        raise DataReadError("binary content, not delimited text (NUL bytes in the first 8 KiB)")
    try:
        text = head.decode("utf-8")
        encoding = "utf8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a multi-byte character cut by the head boundary
            text, encoding = head[: exc.start].decode("utf-8"), "utf8"
        else:
            text, encoding = head.decode("latin-1"), "latin1"
    if fmt == "tsv":
        return encoding, "\t"
    lines = text.splitlines()[:50]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) if lines else 0 for d in ",\t;|"}
        delimiter = max(counts, key=counts.get)  # type: ignore[arg-type]
    return encoding, delimiter


def _csv_batches(path: Path, fmt: str, as_text: bool = False) -> Iterator[pa.RecordBatch]:
    with _decompressed(path) as fh:
        head = fh.read(LINE_BYTES)
    if not head.strip():
        raise DataReadError("empty file")
    if b"\n" not in head and len(head) == LINE_BYTES:
        raise DataReadError(f"a single line longer than {LINE_BYTES // (1 << 20)} MiB: not a delimited table")
    encoding, delimiter = _sniff_text(head[:HEAD_BYTES], fmt)
    first = head.split(b"\n", 1)[0]
    if first.count(delimiter.encode()) + 1 > MAX_COLUMNS:
        raise DataReadError(f"header has more than {MAX_COLUMNS} columns; not profiled")
    with _decompressed(path) as fh:
        try:
            reader = pacsv.open_csv(
                fh, read_options=pacsv.ReadOptions(block_size=max(BLOCK_SIZE, 4 * len(first)), encoding=encoding),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
                convert_options=pacsv.ConvertOptions(
                    strings_can_be_null=True, column_types={n: pa.string() for n in _header(first, delimiter, encoding)} if as_text else None),
            )
            yield reader.schema
            yield from reader
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, StopIteration) as exc:
            raise DataReadError(f"not parseable as delimited text: {_first_line(exc)}") from exc


def _header(first: bytes, delimiter: str, encoding: str) -> list[str]:
    """Column names of a header line (csv quoting rules)."""
    text = first.decode("utf-8" if encoding == "utf8" else "latin-1", "replace").rstrip("\r")
    return next(csv.reader([text], delimiter=delimiter), [])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def _parquet_batches(path: Path) -> Iterator[pa.RecordBatch]:
    try:
        pf = pq.ParquetFile(path)
        if pf.metadata.num_columns > MAX_COLUMNS:
            raise DataReadError(f"{pf.metadata.num_columns} columns; more than {MAX_COLUMNS} are not profiled")
        yield pf.schema_arrow
        yield from pf.iter_batches(batch_size=BATCH_ROWS)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise DataReadError(f"not a readable Parquet file: {_first_line(exc)}") from exc


def _arrow_batches(path: Path) -> Iterator[pa.RecordBatch]:
    try:
        with pa.memory_map(str(path)) as source:
            try:
                reader = ipc.open_file(source)
                yield reader.schema
                for i in range(reader.num_record_batches):
                    yield reader.get_batch(i)
            except pa.ArrowInvalid:
                source.seek(0)
                stream = ipc.open_stream(source)
                yield stream.schema
                yield from stream
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise DataReadError(f"not a readable Feather/Arrow file: {_first_line(exc)}") from exc


def _jsonl_batches(path: Path) -> Iterator[pa.RecordBatch]:
    with _decompressed(path) as fh:
        head = fh.read(HEAD_BYTES)
    if not head.strip():
        raise DataReadError("empty file")
    if b"\x00" in head[:8192]:
        raise DataReadError("binary content, not JSON lines")
    with _decompressed(path) as fh:
        try:
            reader = pajson.open_json(fh, read_options=pajson.ReadOptions(block_size=BLOCK_SIZE))
            yield reader.schema
            yield from reader
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, StopIteration) as exc:
            raise DataReadError(f"not valid JSON lines: {_first_line(exc)}") from exc


def _excel_batches(path: Path) -> Iterator[pa.RecordBatch]:
    try:
        import openpyxl  # noqa: F401
    except ImportError as exc:
        raise DataReadError("Excel file: install openpyxl to profile it") from exc
    import pandas as pd

    try:
        frame = pd.read_excel(path, sheet_name=0)
    except Exception as exc:  # openpyxl raises many kinds on broken workbooks
        raise DataReadError(f"not a readable Excel workbook: {_first_line(exc)}") from exc
    table = pa.Table.from_pandas(frame.astype({c: str for c in frame.columns if frame[c].dtype == object}),
                                 preserve_index=False)
    yield table.schema
    yield from table.to_batches(BATCH_ROWS)


def open_batches(path: Path, name: str, as_text: bool = False) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """Schema and record batches of a data file at ``path`` whose repo name is ``name`` (the name picks the format).

    ``as_text`` reads every CSV column as text (used again when a column's type changes after the first block).
    """
    gen = _batches(path, name, as_text)
    try:
        schema = next(gen)
    except StopIteration:
        raise DataReadError("no header and no rows") from None
    return schema, gen  # type: ignore[return-value]


def _batches(path: Path, name: str, as_text: bool = False) -> Iterator[pa.RecordBatch | pa.Schema]:
    fmt = data_format(name)
    if fmt is None:
        with open(path, "rb") as fh:
            head = fh.read(8)
        fmt = "parquet" if head.startswith(b"PAR1") else "arrow" if head.startswith(b"ARROW1") else "csv"
    if fmt == "parquet":
        return _parquet_batches(path)  # type: ignore[return-value]
    if fmt == "arrow":
        return _arrow_batches(path)  # type: ignore[return-value]
    if fmt == "jsonl":
        return _jsonl_batches(path)  # type: ignore[return-value]
    if fmt == "excel":
        return _excel_batches(path)  # type: ignore[return-value]
    return _csv_batches(path, fmt, as_text)  # type: ignore[return-value]


def read_table(path: Path, name: str) -> pa.Table:
    """The whole file as one table (tests and small files only)."""
    schema, batches = open_batches(path, name)
    return pa.Table.from_batches(list(batches), schema=schema)


