"""The stored bulk of a profiled content: its row sample, sorted numeric values and row hashes.

Sorted values are compressed losslessly (``values_codec``). The sample and the row hashes of a content may be
stored as the change from a *base* content (the previous version of the same file): ``sample_delta`` and
``rowhash_codec.multiset_delta``. A chain of bases is at most ``MAX_DEPTH`` long, so reading any content
rebuilds from a whole copy in at most ``MAX_DEPTH`` steps. Before a content is rewritten, every content
stored against it is first rebuilt and stored whole (``detach_dependents``), so no delta ever points at
changed bytes (the depths below it then overstate their chains, which only brings the next whole copy
sooner). Everything read here is exactly what the profiler produced.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from mlaudit.store import rowhash_codec, values_codec
from mlaudit.store.db import Store

if TYPE_CHECKING:
    import pyarrow as pa

MAX_DEPTH = 6  # deltas in a chain before a whole copy is stored again
MAX_CHANGE_SHARE = 0.5  # a row-hash delta larger than this share of the hashes is stored whole
_CHAIN_GUARD = 64  # a longer chain (written by other code, or a cycle) is refused


_RECENT_SIZE = 8
_recent: dict[tuple[int, str, str], object] = {}  # (connection, kind:column, key) -> what was just written, rebuilt


def _remember(store: Store, kind: str, key: str, value: object) -> None:
    """Keep what was just written for ``key`` (the next version is stored against it): saves rebuilding its chain."""
    _recent[(id(store.db.conn), kind, key)] = value
    while len(_recent) > _RECENT_SIZE:
        del _recent[next(iter(_recent))]


def _recalled(store: Store, kind: str, key: str) -> object | None:
    return _recent.get((id(store.db.conn), kind, key))


def _forget(store: Store, key: str) -> None:
    for entry in [e for e in _recent if e[0] == id(store.db.conn) and e[2] == key]:
        del _recent[entry]


class BrokenChain(ValueError):
    """A stored delta whose base is missing or that loops: the content must be profiled again."""


def _sample_row(store: Store, key: str) -> tuple[bytes, str | None, int, bytes | None, int | None] | None:
    row = store.db.execute("SELECT parquet, base, depth, rows_from, n FROM data_samples WHERE key = ?", [key]).fetchone()
    return None if row is None else (row[0], row[1], int(row[2] or 0), row[3], row[4])


def sample_table(store: Store, key: str) -> pa.Table | None:
    """The stored row sample of ``key`` as an Arrow table (None when it has none)."""
    import pyarrow.parquet as pq

    from mlaudit.store.sample_delta import SampleDelta, apply

    chain: list[tuple[bytes, bytes | None, int | None]] = []
    current: str | None = key
    while current is not None:
        row = _sample_row(store, current)
        if row is None:
            if current == key:
                return None
            raise BrokenChain(f"the sample of {key[:12]} is stored against {current[:12]}, which has none")
        chain.append((row[0], row[3], row[4]))
        current = row[1]
        if len(chain) > _CHAIN_GUARD:
            raise BrokenChain(f"the sample of {key[:12]} is stored in a chain longer than {_CHAIN_GUARD}")
    table = pq.read_table(io.BytesIO(chain[-1][0]))
    for parquet, rows_from, n in reversed(chain[:-1]):
        table = apply(table, SampleDelta(parquet, rows_from or b"", int(n or 0)))
    return table


def sample_depth(store: Store, key: str) -> int | None:
    """How many deltas rebuild the sample of ``key`` (0: stored whole), or None when it has none."""
    row = store.db.execute("SELECT depth FROM data_samples WHERE key = ?", [key]).fetchone()
    return None if row is None else int(row[0] or 0)


def sorted_values(store: Store, key: str, column: str) -> np.ndarray:
    """Non-missing sample values of a numeric or datetime column, sorted (float64)."""
    row = store.db.execute('SELECT "values", codec FROM data_sorted WHERE key = ? AND column = ?', [key, column]).fetchone()
    return values_codec.decode_stored(row[1], bytes(row[0])) if row else np.zeros(0)


def row_hashes(store: Store, key: str, column: str = "") -> np.ndarray:
    """Sorted 64-bit hashes of every row (``column`` '') or of one identifier-like column's values."""
    deltas: list[tuple[np.ndarray, np.ndarray]] = []
    current = key
    while True:
        rows = store.db.execute("SELECT n, hashes FROM data_row_hash_chunks WHERE key = ? AND column = ? ORDER BY chunk",
                                [current, column]).fetchall()
        if rows:
            break
        delta = store.db.execute("SELECT base, n_removed, removed, n_added, added FROM data_row_hash_deltas "
                                 "WHERE key = ? AND column = ?", [current, column]).fetchone()
        if delta is None:
            if current == key:
                return np.zeros(0, dtype=np.uint64)
            raise BrokenChain(f"the row hashes of {key[:12]} are stored against {current[:12]}, which has none")
        deltas.append((rowhash_codec.decode_chunk(int(delta[1]), bytes(delta[2])),
                       rowhash_codec.decode_chunk(int(delta[3]), bytes(delta[4]))))
        current = delta[0]
        if len(deltas) > _CHAIN_GUARD:
            raise BrokenChain(f"the row hashes of {key[:12]} are stored in a chain longer than {_CHAIN_GUARD}")
    hashes = rowhash_codec.decode_all([(int(n), bytes(b)) for n, b in rows])
    for removed, added in reversed(deltas):
        hashes = rowhash_codec.apply_delta(hashes, removed, added)
    return hashes


def hashed_columns(store: Store, key: str) -> list[str]:
    """Identifier-like columns that have per-column row hashes."""
    rows = store.db.execute("SELECT column FROM data_row_hash_chunks WHERE key = ? AND column != '' UNION "
                            "SELECT column FROM data_row_hash_deltas WHERE key = ? AND column != '' ORDER BY 1", [key, key])
    return [r[0] for r in rows]


def _hash_depth(store: Store, key: str, column: str) -> int | None:
    if store.db.execute("SELECT 1 FROM data_row_hash_chunks WHERE key = ? AND column = ? LIMIT 1", [key, column]).fetchone():
        return 0
    row = store.db.execute("SELECT depth FROM data_row_hash_deltas WHERE key = ? AND column = ?", [key, column]).fetchone()
    return None if row is None else int(row[0])


def _one_chunk(values: np.ndarray) -> tuple[int, bytes]:
    ((_, n, blob),) = rowhash_codec.encode_chunks(values, chunk=max(len(values), 1))
    return n, blob


def _write_hashes(store: Store, key: str, column: str, hashes: np.ndarray, base: str | None) -> None:
    db = store.db.conn
    depth = _hash_depth(store, base, column) if base is not None else None
    if base is not None and depth is not None and depth < MAX_DEPTH:
        try:
            recalled = _recalled(store, f"hashes:{column}", base)
            base_hashes = recalled if isinstance(recalled, np.ndarray) else row_hashes(store, base, column)
            removed, added = rowhash_codec.multiset_delta(base_hashes, hashes)
        except Exception:  # noqa: BLE001 - a base that cannot be rebuilt only costs space: store these hashes whole
            removed = added = hashes
        if len(removed) + len(added) <= MAX_CHANGE_SHARE * len(hashes):
            (n_removed, removed_blob), (n_added, added_blob) = _one_chunk(removed), _one_chunk(added)
            db.execute("INSERT INTO data_row_hash_deltas VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [key, column, base, depth + 1, n_removed, removed_blob, n_added, added_blob])
            _remember(store, f"hashes:{column}", key, hashes)
            return
    db.executemany("INSERT INTO data_row_hash_chunks VALUES (?, ?, ?, ?, ?)",  # streamed: no BLOB past SQLite's limit
                   ((key, column, i, n, blob) for i, n, blob in rowhash_codec.encode_chunks(hashes)))
    _remember(store, f"hashes:{column}", key, hashes)


def _write_sample(store: Store, key: str, sample: pa.Table, whole: bytes, base: str | None) -> None:
    from mlaudit.store import sample_delta

    db = store.db.conn
    depth = sample_depth(store, base) if base is not None else None
    if base is not None and depth is not None and depth < MAX_DEPTH:
        try:
            recalled = _recalled(store, "sample", base)
            base_table = recalled if recalled is not None else sample_table(store, base)
            delta = sample_delta.encode(base_table, sample) if base_table is not None else None
        except Exception:  # noqa: BLE001 - a base that cannot be rebuilt only costs space: store this sample whole
            delta = None
        if delta is not None and len(delta.new_rows) + len(delta.sources) < len(whole):
            db.execute("INSERT INTO data_samples (key, parquet, base, depth, rows_from, n) VALUES (?, ?, ?, ?, ?, ?)",
                       [key, delta.new_rows, base, depth + 1, delta.sources, delta.n])
            _remember(store, "sample", key, sample)  # encode checked that the delta rebuilds exactly this table
            return
    db.execute("INSERT INTO data_samples (key, parquet, base, depth) VALUES (?, ?, NULL, 0)", [key, whole])
    import pyarrow.parquet as pq

    _remember(store, "sample", key, pq.read_table(io.BytesIO(whole)))  # as a reader will see it


def delete_content(store: Store, key: str) -> None:
    """Remove the sample, sorted values and row hashes of ``key`` (contents stored against it are kept whole first)."""
    detach_dependents(store, key)
    _forget(store, key)
    for table in ("data_samples", "data_sorted", "data_row_hash_chunks", "data_row_hash_deltas"):
        store.db.execute(f"DELETE FROM {table} WHERE key = ?", [key])


def detach_dependents(store: Store, key: str) -> None:
    """Store whole every sample and row-hash set kept as a delta against ``key`` (before ``key`` changes)."""
    import pyarrow.parquet as pq

    db = store.db.conn
    for (dependent,) in db.execute("SELECT key FROM data_samples WHERE base = ?", [key]).fetchall():
        table = sample_table(store, dependent)
        assert table is not None
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="zstd")
        db.execute("UPDATE data_samples SET parquet = ?, base = NULL, depth = 0, rows_from = NULL, n = NULL WHERE key = ?",
                   [sink.getvalue(), dependent])
    for dependent, column in db.execute("SELECT key, column FROM data_row_hash_deltas WHERE base = ?", [key]).fetchall():
        hashes = row_hashes(store, dependent, column)
        db.execute("DELETE FROM data_row_hash_deltas WHERE key = ? AND column = ?", [dependent, column])
        db.executemany("INSERT INTO data_row_hash_chunks VALUES (?, ?, ?, ?, ?)",
                       ((dependent, column, i, n, blob) for i, n, blob in rowhash_codec.encode_chunks(hashes)))


def write_content(store: Store, key: str, sample: pa.Table, sample_parquet: bytes, sorted_by_column: dict[str, np.ndarray],
                  hashes_by_column: dict[str, np.ndarray], base: str | None) -> None:
    """Store the bulk of a fresh profile of ``key``, against ``base`` (another stored content) where that is smaller."""
    delete_content(store, key)
    if base == key:
        base = None
    store.db.conn.executemany('INSERT INTO data_sorted (key, column, n, "values", codec) VALUES (?, ?, ?, ?, ?)',
                              [(key, c, len(v), values_codec.encode(v), values_codec.CODEC) for c, v in sorted_by_column.items()])
    _write_sample(store, key, sample, sample_parquet, base)
    for column, hashes in hashes_by_column.items():
        _write_hashes(store, key, column, hashes, base)
