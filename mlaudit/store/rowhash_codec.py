"""Row hashes in the store: sorted 64-bit integers in compressed chunks (never one BLOB past SQLite's limit).

A chunk holds up to ``CHUNK`` sorted hashes: the first value, then the differences, byte-shuffled (all
low bytes, then the next bytes, ...) and compressed with zstd. Sorted hashes have small differences, so
their high bytes are mostly zero and compress well; the transform is exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

CHUNK = 1 << 20  # hashes per chunk: 8 MiB before compression
CODEC = "delta-shuffle-zstd"


def _codec() -> Any:  # pyarrow is already a dependency; imported lazily (start-up time)
    import pyarrow as pa

    return pa.Codec("zstd", compression_level=3)


def encode_chunks(sorted_hashes: np.ndarray, chunk: int = CHUNK) -> Iterator[tuple[int, int, bytes]]:
    """(chunk index, count, compressed bytes) for each chunk of a sorted uint64 array."""
    codec = _codec()
    values = np.ascontiguousarray(sorted_hashes, dtype=np.uint64)
    if len(values) == 0:
        yield 0, 0, b""  # an empty column still has its (empty) row
        return
    for i, start in enumerate(range(0, len(values), chunk)):
        part = values[start:start + chunk]
        deltas = np.empty_like(part)
        deltas[:1] = part[:1]
        with np.errstate(over="ignore"):
            np.subtract(part[1:], part[:-1], out=deltas[1:])
        shuffled = deltas.view(np.uint8).reshape(-1, 8).T.copy()
        yield i, len(part), codec.compress(shuffled.tobytes(), asbytes=True)


def decode_chunk(n: int, blob: bytes) -> np.ndarray:
    """The sorted uint64 hashes of one chunk."""
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    codec = _codec()
    raw = codec.decompress(blob, decompressed_size=8 * n, asbytes=True)
    deltas = np.frombuffer(raw, dtype=np.uint8).reshape(8, n).T.copy().view(np.uint64).reshape(-1)
    with np.errstate(over="ignore"):
        return np.cumsum(deltas, dtype=np.uint64)


def decode_all(rows: list[tuple[int, bytes]]) -> np.ndarray:
    """Concatenate decoded chunks (``rows`` of (count, blob) in chunk order)."""
    if not rows:
        return np.zeros(0, dtype=np.uint64)
    return np.concatenate([decode_chunk(n, b) for n, b in rows])


def _occurrence(values: np.ndarray) -> np.ndarray:
    """For each element of a sorted array, how many equal elements come before it (0 for the first of a run)."""
    return np.arange(len(values)) - np.searchsorted(values, values, side="left")


def _count_in(values: np.ndarray, other: np.ndarray) -> np.ndarray:
    """How many times each element of ``values`` occurs in the sorted array ``other``."""
    return np.searchsorted(other, values, side="right") - np.searchsorted(other, values, side="left")


def multiset_delta(base: np.ndarray, new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(removed, added): the sorted elements to take out of the sorted ``base`` and to put in to get ``new``
    (multisets: a hash occurring twice in ``new`` and once in ``base`` is added once)."""
    removed = base[_occurrence(base) >= _count_in(base, new)]
    added = new[_occurrence(new) >= _count_in(new, base)]
    return removed, added


def apply_delta(base: np.ndarray, removed: np.ndarray, added: np.ndarray) -> np.ndarray:
    """The sorted array ``multiset_delta(base, new)`` was computed for: ``new``."""
    keep = np.ones(len(base), dtype=bool)
    if len(removed):
        keep[np.searchsorted(base, removed, side="left") + _occurrence(removed)] = False
    kept = base[keep]
    if not len(added):
        return kept
    return np.insert(kept, np.searchsorted(kept, added, side="left"), added)
