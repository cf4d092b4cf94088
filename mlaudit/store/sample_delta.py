"""A row sample stored as the change from another content's sample (the previous version of the same file).

Two versions of a data file share most rows, and the sample is chosen by content, so their samples share
most rows too. The delta keeps the rows the base sample lacks (as Parquet) and, for every row of the new
sample in order, where it comes from: a row of the base sample, or the next new row. ``encode`` checks that
the delta rebuilds the new sample exactly (``Table.equals``) and returns None when it does not, or when the
delta would not be much smaller than the sample itself; the caller then stores the whole sample.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from mlaudit.scanners.data.profile import hash_rows
from mlaudit.store.rowhash_codec import decode_chunk, encode_chunks

MAX_NEW_SHARE = 0.5  # past this share of new rows the whole sample is stored


@dataclass(slots=True)
class SampleDelta:
    """New rows (Parquet bytes) and the source of each row of the rebuilt sample (``n`` rows, compressed)."""

    new_rows: bytes
    sources: bytes
    n: int


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _pack_sources(src: np.ndarray) -> bytes:
    """Row sources (base row index, or -1 for the next new row) as one delta-coded zstd chunk."""
    shifted = (src + 1).astype(np.uint64)
    return b"".join(blob for _, _, blob in encode_chunks(shifted, chunk=max(len(shifted), 1)))


def _unpack_sources(blob: bytes, n: int) -> np.ndarray:
    return decode_chunk(n, blob).astype(np.int64) - 1


def apply(base: pa.Table, delta: SampleDelta) -> pa.Table:
    """The sample ``delta`` was computed for, from the same ``base``."""
    new_rows = pq.read_table(io.BytesIO(delta.new_rows))
    src = _unpack_sources(delta.sources, delta.n)
    fresh = src < 0
    if int(fresh.sum()) != new_rows.num_rows or (len(src) and int(src.max()) >= base.num_rows):
        raise ValueError("a stored sample delta does not fit its base sample (the store was changed by other code)")
    idx = src.copy()
    idx[fresh] = base.num_rows + np.arange(new_rows.num_rows)
    combined = pa.concat_tables([base, new_rows.cast(base.schema)])
    return combined.take(pa.array(idx))


def encode(base: pa.Table, new: pa.Table) -> SampleDelta | None:
    """The delta from ``base`` to ``new``, or None when the schemas differ, most rows are new, or the rebuilt
    sample would not equal ``new``."""
    if base.schema != new.schema or new.num_rows == 0:
        return None
    base_hashes, new_hashes = hash_rows(base), hash_rows(new)
    order = np.argsort(base_hashes, kind="stable")
    ordered = base_hashes[order]
    pos = np.minimum(np.searchsorted(ordered, new_hashes), max(len(ordered) - 1, 0))
    found = (ordered[pos] == new_hashes) if len(ordered) else np.zeros(len(new_hashes), dtype=bool)
    if (~found).mean() > MAX_NEW_SHARE:
        return None
    src = np.where(found, order[pos] if len(ordered) else -1, -1).astype(np.int64)
    delta = SampleDelta(_parquet(new.filter(pa.array(~found))), _pack_sources(src), len(src))
    try:
        rebuilt = apply(base, delta)
    except (ValueError, pa.ArrowException):
        return None
    return delta if rebuilt.equals(new) else None
