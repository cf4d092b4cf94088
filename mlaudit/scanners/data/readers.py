"""Readers: CSV/TSV (delimiter, encoding and compression sniffed), Parquet, JSON lines, Feather/Arrow, Excel.

Every reader yields ``pyarrow.RecordBatch`` chunks, so memory stays bounded whatever the file size.
A file that cannot be read raises ``DataReadError`` with the reason in words.

Sources: a ``FileSource`` (a regular file, opened with ``O_NOFOLLOW``/``O_NONBLOCK``) or a ``StreamSource``
(a git blob streamed from the batch process); only Parquet, Arrow, zip and Excel, which need random
access, are copied (bounded) into the private temp folder. Decompression is bounded in bytes and ratio
(``ReadBounds``); JSON lines are checked for nesting depth before pyarrow's native parser sees them.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq
from pyarrow import ipc

from mlaudit.core.safefs import open_regular
from mlaudit.core.tempdir import temp_file

BLOCK_SIZE = 8 << 20
BATCH_ROWS = 131072
MAX_COLUMNS = 10000
HEAD_BYTES = 1 << 16
LINE_BYTES = 1 << 20  # a first line longer than this is not a table

COMPRESSED = (".gz", ".bz2", ".xz", ".zip")
MAX_JSON_DEPTH = 64  # deeper JSON lines are refused before pyarrow sees them (its parser recurses natively)
MAX_JSON_LINE = 16 << 20


class DataReadError(Exception):
    """A data file could not be read; the message says why."""


@dataclass(slots=True)
class ReadBounds:
    """Per-file bounds: decompressed bytes, decompression ratio (checked past the first MiB), rows, seconds."""

    max_decompressed: int = 1 << 30
    max_ratio: float = 200.0
    max_rows: int = 5_000_000
    seconds: float = 60.0


class Source:
    """Where a data file's bytes come from: ``open()`` gives a fresh stream, ``local()`` a seekable file path."""

    size: int | None = None
    declared_rows: int | None = None  # rows the file's own metadata declares (Parquet footer), once read

    def open(self) -> AbstractContextManager[BinaryIO]:
        raise NotImplementedError

    def local(self) -> AbstractContextManager[Path]:
        raise NotImplementedError


class FileSource(Source):
    """A regular file on disk (already checked to be inside the repo or its caches)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.size = self.path.stat().st_size
        except OSError:
            self.size = None

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        with open_regular(self.path, follow=True) as fh:
            yield fh

    @contextmanager
    def local(self) -> Iterator[Path]:
        yield self.path


class StreamSource(Source):
    """Bytes that can only be streamed (a git blob): ``local()`` copies them into the private temp folder, bounded."""

    def __init__(self, opener: Callable[[], AbstractContextManager[BinaryIO]], size: int | None, name: str,
                 max_copy: int = 4 << 30) -> None:
        self._opener, self.size, self.name, self.max_copy = opener, size, name, max_copy

    def open(self) -> AbstractContextManager[BinaryIO]:
        return self._opener()

    @contextmanager
    def local(self) -> Iterator[Path]:
        if self.size is not None and self.size > self.max_copy:
            raise DataReadError(f"{self.size} bytes is over the {self.max_copy}-byte limit for a seekable copy")
        tmp = temp_file("-" + self.name.rsplit("/", 1)[-1])
        try:
            with open(tmp, "wb") as out, self._opener() as src:
                copied = 0
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    copied += len(chunk)
                    if copied > self.max_copy:
                        raise DataReadError(f"grew past the {self.max_copy}-byte limit while copying")
                    out.write(chunk)
            yield tmp
        finally:
            tmp.unlink(missing_ok=True)


def as_source(path: Path | Source) -> Source:
    return path if isinstance(path, Source) else FileSource(Path(path))


def data_format(name: str) -> str | None:
    """The format implied by a file name (compression suffixes stripped), or None."""
    low = name.lower()
    for suffix in COMPRESSED:
        low = low.removesuffix(suffix)
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


class _Counting(io.RawIOBase):
    """Counts the compressed bytes a decompressor pulls from the raw stream."""

    def __init__(self, raw: BinaryIO, head: bytes = b"") -> None:
        self._raw, self._head, self.count = raw, head, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        if self._head:
            n = min(len(buf), len(self._head))
            buf[:n], self._head = self._head[:n], self._head[n:]
        else:
            data = self._raw.read(len(buf))
            n = len(data)
            buf[:n] = data
        self.count += n
        return n


class _Bounded(io.RawIOBase):
    """Decompressed bytes, stopped with a DataReadError past the byte cap or the ratio cap."""

    def __init__(self, inner: IO[bytes], raw: _Counting, kind: str, bounds: ReadBounds) -> None:
        self._inner, self._raw, self._kind, self._bounds, self.out = inner, raw, kind, bounds, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        try:
            data = self._inner.read(len(buf))
        except (EOFError, OSError, lzma.LZMAError, zlib.error, zipfile.BadZipFile) as exc:
            raise DataReadError(f"broken {self._kind} stream: {_first_line(exc)}") from exc
        n = len(data)
        buf[:n] = data
        self.out += n
        b = self._bounds
        if self.out > b.max_decompressed:
            raise DataReadError(f"{self._kind} content expands past {b.max_decompressed} bytes (data.max_decompressed); "
                                "a decompression bomb or a file too large to profile")
        if self.out > 1 << 20 and self.out > b.max_ratio * max(self._raw.count, 1):
            raise DataReadError(f"{self._kind} content expands more than {b.max_ratio:g}x (data.max_ratio): "
                                "a decompression bomb; not profiled")
        return n


@contextmanager
def _decompressed(source: Source, bounds: ReadBounds) -> Iterator[BinaryIO]:
    """The file's bytes, decompressed (gzip, bz2, xz, single-member zip) as a bounded stream; a truncated or
    corrupt compressed stream, or one past the byte/ratio caps, becomes a DataReadError wherever the reader hits it."""
    with source.open() as raw:
        head = raw.read(8)
        kind = _sniff_compression(head)
        if kind is None:
            yield io.BufferedReader(_Counting(raw, head), 1 << 20)
            return
        if kind != "zip":
            counting = _Counting(raw, head)
            buffered = io.BufferedReader(counting, 1 << 16)
            try:
                fh: BinaryIO
                if kind == "gzip":
                    fh = gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[assignment]
                elif kind == "bz2":
                    fh = bz2.BZ2File(buffered)  # type: ignore[assignment]
                else:
                    fh = lzma.LZMAFile(buffered)  # type: ignore[assignment]  # noqa: SIM115 - closed by the `with fh` below
                with fh:
                    yield io.BufferedReader(_Bounded(fh, counting, kind, bounds), 1 << 20)
            except (EOFError, OSError, lzma.LZMAError, zlib.error) as exc:
                raise DataReadError(f"broken {kind} stream: {_first_line(exc)}") from exc
            return
    with source.local() as path:  # zip needs random access to its central directory
        try:
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise DataReadError(f"zip archive holds {len(members)} files; expected exactly one data file")
                member = members[0]
                if member.file_size > bounds.max_decompressed:
                    raise DataReadError(f"zip member declares {member.file_size} bytes, past {bounds.max_decompressed} "
                                        "(data.max_decompressed); not inflated")
                counting = _Counting(io.BytesIO(b""))
                counting.count = max(member.compress_size, 1)
                with zf.open(member) as member_fh:
                    yield io.BufferedReader(_Bounded(member_fh, counting, kind, bounds), 1 << 20)
        except (zipfile.BadZipFile, EOFError, OSError, lzma.LZMAError, zlib.error, NotImplementedError) as exc:
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


_LINE_END = re.compile(rb"\r\n|\n|\r")


def _csv_batches(source: Source, fmt: str, as_text: bool, bounds: ReadBounds) -> Iterator[pa.RecordBatch]:
    with _decompressed(source, bounds) as fh:
        head = fh.read(LINE_BYTES)
        if not head.strip():
            raise DataReadError("empty file")
        if b"\n" not in head and b"\r" not in head and len(head) == LINE_BYTES:
            raise DataReadError(f"a single line longer than {LINE_BYTES // (1 << 20)} MiB: not a delimited table")
        encoding, delimiter = _sniff_text(head[:HEAD_BYTES], fmt)
        first = _LINE_END.split(head, 1)[0]  # old Mac files end lines with a bare CR (Arrow reads them too)
        if first.count(delimiter.encode()) + 1 > MAX_COLUMNS:
            raise DataReadError(f"header has more than {MAX_COLUMNS} columns; not profiled")
        stream = io.BufferedReader(_Counting(fh, head), 1 << 20)
        try:
            reader = pacsv.open_csv(
                stream, read_options=pacsv.ReadOptions(block_size=max(BLOCK_SIZE, 4 * len(first)), encoding=encoding),
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


def _parquet_batches(source: Source, bounds: ReadBounds) -> Iterator[pa.RecordBatch]:
    with source.local() as path:
        try:
            pf = pq.ParquetFile(path)
            if pf.metadata.num_columns > MAX_COLUMNS:
                raise DataReadError(f"{pf.metadata.num_columns} columns; more than {MAX_COLUMNS} are not profiled")
            source.declared_rows = int(pf.metadata.num_rows)
            yield pf.schema_arrow
            yield from pf.iter_batches(batch_size=min(BATCH_ROWS, max(bounds.max_rows, 1)))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
            raise DataReadError(f"not a readable Parquet file: {_first_line(exc)}") from exc


def declared_rows(source: Source, name: str) -> int | None:
    """The row count a Parquet footer declares (None for other formats or when unreadable)."""
    if source.declared_rows is not None:
        return source.declared_rows
    fmt = data_format(name)
    if fmt != "parquet":
        return None
    try:
        with source.local() as path:
            return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # noqa: BLE001 - only a coverage note depends on it
        return None


def _arrow_batches(source: Source) -> Iterator[pa.RecordBatch]:
    with source.local() as path:
        try:
            with pa.memory_map(str(path)) as mm:
                try:
                    reader = ipc.open_file(mm)
                    yield reader.schema
                    for i in range(reader.num_record_batches):
                        yield reader.get_batch(i)
                except pa.ArrowInvalid:
                    mm.seek(0)
                    stream = ipc.open_stream(mm)
                    yield stream.schema
                    yield from stream
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
            raise DataReadError(f"not a readable Feather/Arrow file: {_first_line(exc)}") from exc


_JSON_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"')
_OPEN = np.zeros(256, dtype=np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1


def json_depth(block: bytes) -> int:
    """The deepest bracket nesting of any line of ``block`` (string contents ignored); fast (regex + numpy)."""
    stripped = _JSON_STRING.sub(b'""', block)
    if not stripped:
        return 0
    steps = _OPEN[np.frombuffer(stripped, dtype=np.uint8)]
    depth = np.cumsum(steps, dtype=np.int32)
    starts = np.flatnonzero(np.frombuffer(stripped, dtype=np.uint8) == 10) + 1
    starts = np.concatenate(([0], starts[starts < len(depth)]))
    base = np.where(starts > 0, depth[np.maximum(starts - 1, 0)], 0)  # depth carried in from the line before
    return max(0, int((np.maximum.reduceat(depth, starts) - base).max()))


def max_depth_over(block: bytes, limit: int) -> int:
    """The nesting depth of the deepest line of ``block`` when some line may exceed ``limit``, else 0.

    Fast path: a line's depth is at most its count of opening brackets, so only lines with more than
    ``limit`` of them (rare in real data) get the exact, string-aware ``json_depth``.
    """
    if block.count(b"[") + block.count(b"{") <= limit:
        return 0
    arr = np.frombuffer(block, dtype=np.uint8)
    running = np.cumsum((arr == 91) | (arr == 123), dtype=np.int32)  # opening brackets so far
    starts = np.flatnonzero(arr == 10) + 1
    starts = np.concatenate(([0], starts[starts < len(arr)]))
    bounds = np.append(starts, len(arr))
    per_line = np.diff(np.concatenate(([0], running[bounds[1:] - 1])))
    deepest = 0
    for i in np.flatnonzero(per_line > limit):
        deepest = max(deepest, json_depth(block[bounds[i]:bounds[i + 1]]))
    return deepest


class _DepthChecked(io.RawIOBase):
    """JSON lines passed through whole lines at a time, refused when a line nests deeper than ``limit``.

    pyarrow's JSON parser recurses in native code: a deeply nested line crashes the whole process, so no
    line reaches it unchecked.
    """

    def __init__(self, inner: BinaryIO, limit: int) -> None:
        self._inner, self._limit, self._pending, self._ready = inner, limit, b"", b""

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        while not self._ready:
            chunk = self._inner.read(1 << 20)
            if not chunk:
                self._ready, self._pending = self._pending, b""
                if self._ready:
                    self._check(self._ready)
                break
            data = self._pending + chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > MAX_JSON_LINE:
                    raise DataReadError(f"a JSON line longer than {MAX_JSON_LINE >> 20} MiB; not profiled")
                self._pending = data
                continue
            self._ready, self._pending = data[:cut], data[cut:]
            self._check(self._ready)
        n = min(len(buf), len(self._ready))
        buf[:n], self._ready = self._ready[:n], self._ready[n:]
        return n

    def _check(self, block: bytes) -> None:
        depth = max_depth_over(block, self._limit)
        if depth > self._limit:
            raise DataReadError(f"JSON nested {depth} levels deep, past the {self._limit}-level limit; not profiled")


def _jsonl_batches(source: Source, bounds: ReadBounds) -> Iterator[pa.RecordBatch]:
    with _decompressed(source, bounds) as fh:
        head = fh.read(HEAD_BYTES)
        if not head.strip():
            raise DataReadError("empty file")
        if b"\x00" in head[:8192]:
            raise DataReadError("binary content, not JSON lines")
        checked = io.BufferedReader(_DepthChecked(io.BufferedReader(_Counting(fh, head)), MAX_JSON_DEPTH), 1 << 20)
        try:
            reader = pajson.open_json(checked, read_options=pajson.ReadOptions(block_size=BLOCK_SIZE))
            yield reader.schema
            yield from reader
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, StopIteration) as exc:
            raise DataReadError(f"not valid JSON lines: {_first_line(exc)}") from exc


def _excel_batches(source: Source) -> Iterator[pa.RecordBatch]:
    try:
        import openpyxl  # noqa: F401
    except ImportError as exc:
        raise DataReadError("Excel file: install openpyxl to profile it") from exc
    import pandas as pd

    with source.local() as path:
        try:
            frame = pd.read_excel(path, sheet_name=0)
        except Exception as exc:  # openpyxl raises many kinds on broken workbooks
            raise DataReadError(f"not a readable Excel workbook: {_first_line(exc)}") from exc
    table = pa.Table.from_pandas(frame.astype({c: str for c in frame.columns if frame[c].dtype == object}),
                                 preserve_index=False)
    yield table.schema
    yield from table.to_batches(BATCH_ROWS)


def open_batches(path: Path | Source, name: str, as_text: bool = False,
                 bounds: ReadBounds | None = None) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """Schema and record batches of a data file (a path or a Source) whose repo name is ``name`` (the name picks the format).

    ``as_text`` reads every CSV column as text (used again when a column's type changes after the first block).
    Close the returned iterator (or exhaust it) to release the file.
    """
    gen = _batches(as_source(path), name, as_text, bounds or ReadBounds())
    try:
        schema = next(gen)
    except StopIteration:
        raise DataReadError("no header and no rows") from None
    return schema, gen


def _batches(source: Source, name: str, as_text: bool, bounds: ReadBounds) -> Iterator[pa.RecordBatch | pa.Schema]:
    fmt = data_format(name)
    if fmt is None:
        with source.open() as fh:
            head = fh.read(8)
        fmt = "parquet" if head.startswith(b"PAR1") else "arrow" if head.startswith(b"ARROW1") else "csv"
    if fmt == "parquet":
        return _parquet_batches(source, bounds)
    if fmt == "arrow":
        return _arrow_batches(source)
    if fmt == "jsonl":
        return _jsonl_batches(source, bounds)
    if fmt == "excel":
        return _excel_batches(source)
    return _csv_batches(source, fmt, as_text, bounds)


def read_table(path: Path | Source, name: str) -> pa.Table:
    """The whole file as one table (tests and small files only)."""
    schema, batches = open_batches(path, name)
    return pa.Table.from_batches(list(batches), schema=schema)
