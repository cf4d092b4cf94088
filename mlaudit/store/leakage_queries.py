"""Read and write cached leakage analyses (one JSON result per source content and analyzer version)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from mlaudit.store.db import Store


def cached_results(store: Store, blobs: Iterable[str], analyzer: str) -> dict[str, dict[str, Any]]:
    """Stored results by blob id for the given analyzer version."""
    blobs = list(dict.fromkeys(blobs))
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(blobs), 500):
        chunk = blobs[i:i + 500]
        sql = f"SELECT blob, result FROM leak_code WHERE analyzer = ? AND blob IN ({','.join('?' * len(chunk))})"
        for blob, result in store.db.execute(sql, [analyzer, *chunk]):
            out[blob] = json.loads(result)
    return out


def save_results(store: Store, rows: Iterable[tuple[str, str, dict[str, Any]]], analyzer: str) -> int:
    """Insert (blob, kind, result) rows; call inside the phase's transaction."""
    data = [(blob, analyzer, kind, json.dumps(result)) for blob, kind, result in rows]
    store.db.conn.executemany("INSERT OR REPLACE INTO leak_code(blob, analyzer, kind, result) VALUES (?, ?, ?, ?)", data)
    return len(data)


def commits_changing(store: Store, paths: list[str], limit: int, before: int | None = None) -> list[tuple[str, int]]:
    """Newest first: (sha, committer time) of commits that changed any of ``paths`` (at or before ``before``)."""
    marks = ",".join("?" * len(paths))
    sql = (f"SELECT DISTINCT c.sha, c.committer_time FROM file_changes fc JOIN commits c ON c.sha = fc.commit_sha "
           f"WHERE fc.path IN ({marks}) AND fc.status != 'D' AND (? IS NULL OR c.committer_time <= ?) "
           "ORDER BY c.committer_time DESC, c.sha LIMIT ?")
    return [(r[0], int(r[1])) for r in store.db.execute(sql, [*paths, before, before, limit])]
