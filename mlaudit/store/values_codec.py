"""Sorted column values in the store, losslessly compressed (the drift statistics read exactly what was profiled).

A column's sorted non-missing values are stored as their distinct values and how often each occurs. The
distinct values are written as integers: ``value * 10**scale`` when every one of them is exactly such a
decimal (prices, rounded measurements, counts: ``scale`` 0 to 9), else the order-preserving integer image
of their float64 bits. The integers are delta-coded, byte-shuffled and compressed with zstd, as are the
counts. Decoding gives back the same float64 values (a ``-0.0`` may come back as ``0.0``, which compares
equal), so KS, Wasserstein and PSI computed from the store are those of the profiled sample.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

RAW = None  # codec of rows written before this module: float64 bytes as they are
CODEC = "uniq-counts-zstd-1"
MAX_SCALE = 9
_EXACT_INT = float(2 ** 53)  # integers below this are exact in float64
_SIGN = np.uint64(1 << 63)
_HEAD = struct.Struct("<qqqq")  # distinct values, scale (-1: float bits), compressed length of values, of counts


def _codec() -> Any:  # pyarrow is already a dependency; imported lazily (start-up time)
    import pyarrow as pa

    return pa.Codec("zstd", compression_level=3)


def _shuffle(values: np.ndarray) -> bytes:
    """Byte planes of a uint64 array: all lowest bytes, then the next, ... (small numbers compress well)."""
    return np.ascontiguousarray(values, dtype=np.uint64).view(np.uint8).reshape(-1, 8).T.tobytes()


def _unshuffle(raw: bytes, n: int) -> np.ndarray:
    return np.frombuffer(raw, dtype=np.uint8).reshape(8, n).T.copy().view(np.uint64).reshape(-1)


def _deltas(keys: np.ndarray) -> np.ndarray:
    out = np.empty_like(keys)
    out[:1] = keys[:1]
    with np.errstate(over="ignore"):
        np.subtract(keys[1:], keys[:-1], out=out[1:])
    return out


def _decimal_scale(uniq: np.ndarray) -> int | None:
    """The smallest ``scale`` for which every value is exactly ``integer / 10**scale``, or None."""
    if not len(uniq) or not np.isfinite(uniq).all():
        return None
    for scale in range(MAX_SCALE + 1):
        factor = 10.0 ** scale
        scaled = np.round(uniq * factor)
        if np.abs(scaled).max() >= _EXACT_INT:
            return None
        if np.array_equal(scaled / factor, uniq):
            return scale
    return None


def _float_keys(uniq: np.ndarray) -> np.ndarray:
    """Order-preserving uint64 images of float64 values (negative: all bits flipped; else the sign bit set)."""
    bits = np.ascontiguousarray(uniq, dtype=np.float64).view(np.uint64)
    return np.where(bits & _SIGN, ~bits, bits | _SIGN)


def _from_float_keys(keys: np.ndarray) -> np.ndarray:
    bits = np.where(keys & _SIGN, keys & ~_SIGN, ~keys)
    return bits.view(np.float64)


def encode(sorted_values: np.ndarray) -> bytes:
    """The compressed form of a sorted float64 array without NaN."""
    values = np.ascontiguousarray(sorted_values, dtype=np.float64)
    if not len(values):
        return _HEAD.pack(0, 0, 0, 0)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    uniq = values[starts]
    counts = np.diff(np.append(starts, len(values))).astype(np.uint64)
    scale = _decimal_scale(uniq)
    keys = _float_keys(uniq) if scale is None else np.round(uniq * 10.0 ** scale).astype(np.int64).view(np.uint64)
    codec = _codec()
    packed_keys = bytes(codec.compress(_shuffle(_deltas(keys)), asbytes=True))
    packed_counts = bytes(codec.compress(_shuffle(counts - np.uint64(1)), asbytes=True))
    head = _HEAD.pack(len(uniq), -1 if scale is None else scale, len(packed_keys), len(packed_counts))
    return head + packed_keys + packed_counts


def decode(blob: bytes) -> np.ndarray:
    """The sorted float64 values ``encode`` was given."""
    n, scale, len_keys, len_counts = _HEAD.unpack_from(blob)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    codec = _codec()
    start = _HEAD.size
    deltas = _unshuffle(codec.decompress(blob[start:start + len_keys], decompressed_size=8 * n, asbytes=True), n)
    counts = _unshuffle(codec.decompress(blob[start + len_keys:start + len_keys + len_counts], decompressed_size=8 * n,
                                         asbytes=True), n) + np.uint64(1)
    with np.errstate(over="ignore"):
        keys = np.cumsum(deltas, dtype=np.uint64)
    uniq = _from_float_keys(keys) if scale < 0 else keys.view(np.int64) / 10.0 ** scale
    return np.repeat(uniq, counts.astype(np.int64))


def decode_stored(codec: str | None, blob: bytes) -> np.ndarray:
    """Values of a ``data_sorted`` row whatever its codec (raw float64 bytes for rows of older stores)."""
    if codec is RAW:
        return np.frombuffer(blob, dtype=np.float64)
    if codec == CODEC:
        return decode(blob)
    raise ValueError(f"sorted values stored with an unknown codec {codec!r} (written by a newer mlaudit)")
