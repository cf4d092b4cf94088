"""One profile per content: exact streaming counts, a deterministic bounded row sample, row hashes.

Distribution statistics (distinct, quantiles, histogram, value counts, sorted values) are computed on
the row sample. Below the sample cap the sample is the whole file, so they are exact; above it
``sampled`` is True. The sample is chosen by content, not position: each row's priority is a mix of its
row hash and its index, and the ``cap`` smallest priorities are kept (in file order), so the same content
always gives the same sample.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from mlaudit.scanners.data.readers import (
    DataReadError,
    ReadBounds,
    Source,
    as_source,
    data_format,
    declared_rows,
    open_batches,
)

PROFILER_VERSION = 2  # 2: bare-CR line endings read as rows (profiles stored by 1 are redone)
DEFAULT_SAMPLE_ROWS = 200_000
MAX_CATEGORIES = 1000
TOP_K = 20
HIST_BINS = 20
QUANTILES = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0)
ID_NAME = re.compile(r"(^|_)(id|ids|uuid|guid|key)$|^(user|customer|client|patient|account|session|device|order)"
                     r"(_?(id|no|number|code|key))?$", re.IGNORECASE)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MUL = np.uint64(0xBF58476D1CE4E5B9)

TYPES = ("numeric", "categorical", "boolean", "datetime", "text", "identifier")


@dataclass(slots=True)
class DataProfile:
    """The profile of one content: shape, per-column types and stats, sample, sorted values, row hashes."""

    format: str
    rows: int
    columns: list[dict[str, Any]]  # {name, type, arrow_type}
    stats: dict[str, dict[str, Any]]
    sampled: bool
    sample: pa.Table
    sorted_values: dict[str, np.ndarray] = field(default_factory=dict)
    row_hashes: dict[str, np.ndarray] = field(default_factory=dict)  # '' = whole row
    warnings: list[str] = field(default_factory=list)  # readable, but worth a finding (invalid UTF-8, ...)
    coverage: str = "complete"  # or why only part of the file was profiled ("first N rows of M (bounded by ...)")

    @property
    def bounded(self) -> bool:
        return self.coverage != "complete"

    @property
    def sample_rows(self) -> int:
        return self.sample.num_rows

    def sample_parquet(self) -> bytes:
        sink = io.BytesIO()
        pq.write_table(self.sample, sink, compression="zstd")
        return sink.getvalue()


def _priority(hashes: np.ndarray, start: int) -> np.ndarray:
    idx = np.arange(start, start + len(hashes), dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = (hashes ^ (idx * _MIX)) * _MUL
        return x ^ (x >> np.uint64(31))


def _is_numeric(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)


def _is_temporal(t: pa.DataType) -> bool:
    return pa.types.is_timestamp(t) or pa.types.is_date(t)


class _Running:
    """Exact per-column counters over every row (missing, min, max, sum, sum of squares)."""

    def __init__(self, schema: pa.Schema) -> None:
        self.missing = {n: 0 for n in schema.names}
        self.moments: dict[str, list[float]] = {n: [0.0, 0.0, 0.0, np.inf, -np.inf] for n, t in
                                                 zip(schema.names, schema.types, strict=True) if _is_numeric(t)}

    def add(self, batch: pa.RecordBatch) -> None:
        for name, col in zip(batch.schema.names, batch.columns, strict=True):
            missing = col.null_count
            if name in self.moments:
                arr = np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
                nan = np.isnan(arr)
                missing = int(nan.sum())
                ok = arr[~nan] if missing else arr
                if len(ok):
                    m = self.moments[name]
                    m[0] += len(ok)
                    m[1] += float(ok.sum())
                    m[2] += float(np.square(ok).sum())  # not np.dot: BLAS threads stall on a busy machine
                    m[3] = min(m[3], float(ok.min()))
                    m[4] = max(m[4], float(ok.max()))
            self.missing[name] = self.missing.get(name, 0) + missing


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (vectorised, wrapping)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


_NULL_HASH = np.uint64(0x6A09E667F3BCC908)


def hash_column(col: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """64-bit hash of each value: numbers by their float64 value (1 == 1.0), text by its UTF-8, nulls alike."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    t = col.type
    if pa.types.is_dictionary(t):
        col, t = col.cast(t.value_type), t.value_type
    if _is_numeric(t) or pa.types.is_boolean(t) or _is_temporal(t):
        values = _float_values(pa.chunked_array([col]))
        values = np.where(values == 0, 0.0, values)  # -0.0 == 0.0
        out = _mix(values.view(np.uint64))
        out[np.isnan(values)] = _NULL_HASH
        return out
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        col = col.cast(pa.string()) if not pa.types.is_binary(t) else col
    enc = pc.dictionary_encode(col)
    uniq = pd.util.hash_array(np.asarray(enc.dictionary.to_pylist(), dtype=object), categorize=False)
    idx = enc.indices.to_numpy(zero_copy_only=False)
    out = np.full(len(col), _NULL_HASH, dtype=np.uint64)
    valid = ~np.asarray(enc.indices.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    out[valid] = uniq[idx[valid].astype(np.int64)]
    return out


def hash_rows(batch: pa.RecordBatch | pa.Table) -> np.ndarray:
    """64-bit hash of each row's values in column order (see ``hash_column``)."""
    h = np.full(batch.num_rows, np.uint64(0x243F6A8885A308D3), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in batch.columns:
            h = h * np.uint64(0x100000001B3) + hash_column(col)  # column hashes are already mixed
    return _mix(h)


def id_like_names(schema: pa.Schema) -> list[str]:
    """Columns whose name marks an identifier and whose type can hold one (integers or text)."""
    return [n for n, t in zip(schema.names, schema.types, strict=True)
            if ID_NAME.search(n) and (pa.types.is_integer(t) or pa.types.is_string(t) or pa.types.is_large_string(t))]


def _semantic(name: str, t: pa.DataType, col: pa.ChunkedArray, id_names: list[str]) -> str:
    nonnull = len(col) - col.null_count
    if pa.types.is_boolean(t):
        return "boolean"
    if _is_temporal(t):
        return "datetime"
    if name in id_names:
        return "identifier"
    if _is_numeric(t):
        return "numeric"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        distinct = pc.count_distinct(col).as_py() if nonnull else 0
        if nonnull >= 20 and distinct == nonnull:
            return "identifier" if (pc.mean(pc.utf8_length(col.cast(pa.string()))).as_py() or 0) <= 40 else "text"
        if distinct > MAX_CATEGORIES or (nonnull >= 50 and distinct > 0.5 * nonnull):
            return "text"
        return "categorical"
    return "text"


def _float_values(col: pa.ChunkedArray) -> np.ndarray:
    t = col.type
    if _is_temporal(t):
        col = pc.cast(col, pa.timestamp("us")) if pa.types.is_date(t) else col
        ints = pc.cast(pc.cast(col, pa.timestamp("us")), pa.int64()).to_numpy(zero_copy_only=False)
        values = ints.astype(np.float64) / 1e6
        mask = col.is_null().to_numpy(zero_copy_only=False)
        values[mask] = np.nan
        return values
    return np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _top_strings(vc: pa.StructArray) -> tuple[int, list[tuple[str, int]]]:
    """Distinct non-null strings and the TOP_K most frequent (ties by value), ordered by Arrow: an identifier
    column has as many values as rows, and sorting them as Python tuples cost 150-400 ms per file."""
    values, counts = vc.field("values"), vc.field("counts")
    valid = pc.is_valid(values)
    values, counts = pc.filter(values, valid), pc.filter(counts, valid)
    keys = [("c", "descending"), ("v", "ascending")]  # a total order: values are distinct
    order = pc.select_k_unstable(pa.table({"c": counts, "v": values}), k=min(TOP_K, len(values)), sort_keys=keys)
    top = list(zip(pc.take(values, order).to_pylist(), (int(c) for c in pc.take(counts, order).to_pylist()), strict=True))
    return len(values), top


def _column_stats(sample: pa.Table, name: str, kind: str, running: _Running) -> tuple[dict[str, Any], np.ndarray | None]:
    col = sample.column(name)
    st: dict[str, Any] = {"missing": running.missing.get(name, 0)}
    sorted_values = None
    if kind in ("numeric", "datetime"):
        values = _float_values(col)
        sorted_values = np.sort(values[~np.isnan(values)])
        st["distinct"] = 1 + int(np.count_nonzero(np.diff(sorted_values))) if len(sorted_values) else 0
        if name in running.moments and running.moments[name][0]:
            n, s1, s2, lo, hi = running.moments[name]
            mean = s1 / n
            st.update(mean=mean, std=float(np.sqrt(max(s2 / n - mean * mean, 0.0))), min=lo, max=hi)
        elif len(sorted_values):
            st.update(mean=float(sorted_values.mean()), std=float(sorted_values.std()),
                      min=float(sorted_values[0]), max=float(sorted_values[-1]))
        if len(sorted_values):
            st["quantiles"] = [float(q) for q in np.quantile(sorted_values, QUANTILES)]
            counts, edges = np.histogram(sorted_values, bins=HIST_BINS)
            st["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
            if st["distinct"] <= 5:
                uniq, cnt = np.unique(sorted_values, return_counts=True)
                st["counts"] = {repr(float(u)): int(c) for u, c in zip(uniq, cnt, strict=True)}
    else:
        vc = pc.value_counts(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col)
        if kind not in ("categorical", "boolean") and pa.types.is_string(vc.field("values").type):
            st["distinct"], st["top"] = _top_strings(vc)
        else:
            values = vc.field("values").to_pylist()
            counts = vc.field("counts").to_pylist()
            pairs = sorted(((str(v), int(c)) for v, c in zip(values, counts, strict=True) if v is not None), key=lambda p: (-p[1], p[0]))
            st["distinct"] = len(pairs)
            st["top"] = pairs[:TOP_K]
            if kind in ("categorical", "boolean"):
                st["counts"] = dict(pairs)
        lengths = pc.utf8_length(col) if pa.types.is_string(col.type) or pa.types.is_large_string(col.type) else None
        if lengths is not None and len(col) - col.null_count:
            st["mean_length"] = float(pc.mean(lengths).as_py() or 0.0)
    return st, sorted_values


def profile_file(path: Path | Source, name: str, sample_rows: int = DEFAULT_SAMPLE_ROWS,
                 bounds: ReadBounds | None = None) -> DataProfile:
    """Profile a data file in one streaming pass; raise DataReadError when it cannot be read.

    ``bounds`` caps decompressed bytes and ratio, rows and seconds: past the row or time cap the profile
    covers the rows read so far and ``coverage`` says so. A CSV whose column changes type after the first
    block (a number column with text further down) is read again with every column as text, and says so in ``warnings``.
    """
    source, bounds = as_source(path), bounds or ReadBounds()
    try:
        return _profile(source, name, sample_rows, False, bounds)
    except DataReadError as exc:
        if "conversion error" not in str(exc).lower():
            raise
        prof = _profile(source, name, sample_rows, True, bounds)
        prof.warnings.append(f"column types change further down the file ({exc}); every column read as text")
        return prof


def _profile(source: Source, name: str, sample_rows: int, as_text: bool, bounds: ReadBounds) -> DataProfile:
    deadline = time.monotonic() + bounds.seconds
    schema, batches = open_batches(source, name, as_text, bounds)
    try:
        return _profile_batches(source, name, sample_rows, schema, batches, bounds, deadline)
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()


def _profile_batches(source: Source, name: str, sample_rows: int, schema: pa.Schema, batches: Any, bounds: ReadBounds,
                     deadline: float) -> DataProfile:
    try:
        names = schema.names
    except UnicodeDecodeError as exc:  # pyarrow decodes the header lazily
        raise DataReadError(f"the column names are not valid UTF-8 ({exc.reason}); save the file as UTF-8") from None
    if len(set(names)) != len(names):
        dupes = sorted({n for n in schema.names if schema.names.count(n) > 1})
        raise DataReadError(f"duplicate column names: {', '.join(dupes[:5])}")
    nested = [i for i, t in enumerate(schema.types) if pa.types.is_nested(t)]
    if nested:  # struct/list/map values (JSON lines) are profiled as their JSON text
        schema = pa.schema([pa.field(f.name, pa.string()) if i in nested else f for i, f in enumerate(schema)])
        batches = (_nested_as_text(b, nested) for b in batches)
    encoded = [i for i, t in enumerate(schema.types) if pa.types.is_dictionary(t)]
    if encoded:  # dictionary-encoded columns (Parquet, Arrow) are profiled as their plain values
        schema = pa.schema([pa.field(f.name, f.type.value_type) if i in encoded else f for i, f in enumerate(schema)])
        batches = (pa.RecordBatch.from_arrays([c.cast(schema.types[i]) if i in encoded else c for i, c in enumerate(b.columns)],
                                              schema=schema) for b in batches)
    running = _Running(schema)
    id_names = id_like_names(schema)
    whole: list[np.ndarray] = []
    per_id: dict[str, list[np.ndarray]] = {n: [] for n in id_names}
    kept: list[pa.Table] = []
    prios: list[np.ndarray] = []
    n_kept = rows = 0
    cut: np.uint64 | None = None
    stopped: str | None = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        if rows + batch.num_rows > bounds.max_rows:
            batch = batch.slice(0, bounds.max_rows - rows)
            stopped = f"data.max_rows = {bounds.max_rows}"
            if batch.num_rows == 0:
                break
        running.add(batch)
        hashes = hash_rows(batch)
        whole.append(hashes)
        for n in id_names:
            per_id[n].append(hash_column(batch.column(n)))
        prio = _priority(hashes, rows)
        rows += batch.num_rows
        if cut is not None:  # rows above the current k-th smallest priority can never enter the sample
            keep = prio < cut
            batch, prio = batch.filter(pa.array(keep)), prio[keep]
        kept.append(pa.Table.from_batches([batch]))
        prios.append(prio)
        n_kept += batch.num_rows
        if n_kept > 2 * sample_rows:
            table, prio = _bottom(kept, prios, sample_rows)
            kept, prios, n_kept, cut = [table], [prio], table.num_rows, prio.max()
        if stopped:
            break
        if time.monotonic() > deadline:
            stopped = f"limits.file_seconds = {bounds.seconds:g} s"
            break
    sampled = rows > sample_rows
    if kept:
        table = _bottom(kept, prios, sample_rows)[0] if sampled else pa.concat_tables(kept)
    else:
        table = schema.empty_table()
    table = table.cast(schema) if table.schema != schema else table
    columns, stats, sorted_values = [], {}, {}
    for n, t in zip(schema.names, schema.types, strict=True):
        col = table.column(n)
        kind = _semantic(n, t, col, id_names)
        columns.append({"name": n, "type": kind, "arrow_type": str(t)})
        stats[n], sv = _column_stats(table, n, kind, running)
        if sv is not None:
            sorted_values[n] = sv
    row_hashes = {"": np.sort(np.concatenate(whole)) if whole else np.zeros(0, np.uint64)}
    for n in id_names:
        row_hashes[n] = np.sort(np.concatenate(per_id[n])) if per_id[n] else np.zeros(0, np.uint64)
    warnings = [f"column {n} holds invalid UTF-8; read as bytes" for n, t in zip(schema.names, schema.types, strict=True)
                if pa.types.is_binary(t) or pa.types.is_large_binary(t)]
    coverage = "complete"
    if stopped:
        total = declared_rows(source, name)
        of = f" of {total}" if total is not None else ""
        coverage = f"profiled the first {rows} rows{of} (bounded by {stopped}); the rest was not read"
    return DataProfile(data_format(name) or "csv", rows, columns, stats, sampled, table, sorted_values, row_hashes, warnings, coverage)


def _nested_as_text(batch: pa.RecordBatch, nested: list[int]) -> pa.RecordBatch:
    """The batch with its nested columns replaced by each value's JSON text (nulls stay null)."""
    import json

    cols = list(batch.columns)
    for i in nested:
        cols[i] = pa.array([None if v is None else json.dumps(v, sort_keys=True, default=str) for v in cols[i].to_pylist()],
                           pa.string())
    return pa.RecordBatch.from_arrays(cols, names=batch.schema.names)


def _bottom(tables: list[pa.Table], prios: list[np.ndarray], k: int) -> tuple[pa.Table, np.ndarray]:
    """The ``k`` rows with the smallest priority, kept in their original order."""
    table = pa.concat_tables(tables)
    prio = np.concatenate(prios)
    if len(prio) <= k:
        return table, prio
    idx = np.sort(np.argpartition(prio, k - 1)[:k])
    return table.take(pa.array(idx)), prio[idx]
