"""The store's cache of drift comparisons: a report of (content A, content B) under the same test settings and
the same comparison code is read back instead of recomputed (the report, the GUI and the checks all compare the
same consecutive versions, on every open).

Settings = every drift threshold in force plus a fingerprint (path, size, mtime) of the code that computes a
comparison (these statistics, the profile readers and writers), so a changed test or threshold recomputes.
Writes never wait: with the store busy (a scan writing) the result is simply not cached this time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from mlaudit.core.config import AuditConfig
from mlaudit.store.db import Store

_ROOT = Path(__file__).resolve().parents[2]  # the mlaudit package
_CODE = ("checks/stats", "store/data_queries.py", "store/data_columns.py", "store/data_content.py", "store/values_codec.py",
         "scanners/data")
_code_print: str | None = None


def _code_fingerprint() -> str:
    global _code_print
    if _code_print is None:
        digest = hashlib.sha256()
        for rel in _CODE:
            base = _ROOT / rel
            files = [base] if base.is_file() else sorted(base.rglob("*.py"))
            for f in files:
                st = os.stat(f)
                digest.update(f"{f.relative_to(_ROOT)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        _code_print = digest.hexdigest()[:16]
    return _code_print


def drift_thresholds(config: AuditConfig) -> dict[str, float]:
    """The thresholds a comparison reads (``drift.*``, all declared by ``mlaudit.checks.stats``), with their values.

    Not every threshold in force: which others are declared depends on which modules a process happened to
    load (a scan loads every check, a report from the store does not), and the key must be the same in both."""
    from mlaudit.checks.stats import STATISTICS
    from mlaudit.checks.stats.chooser import SMALL_ROWS
    from mlaudit.checks.stats.compare import SHARE
    from mlaudit.checks.stats.psi import MODERATE

    names = {stat.threshold_name for stat in STATISTICS.values()} | {SHARE, SMALL_ROWS, MODERATE, "drift.psi"}
    return {name: config.threshold(name) for name in sorted(names)}


def settings_key(config: AuditConfig) -> str:
    """What a comparison's result depends on besides the two contents."""
    thresholds = json.dumps(drift_thresholds(config), sort_keys=True)
    return hashlib.sha256(f"{thresholds}|{_code_fingerprint()}".encode()).hexdigest()[:24]


def load(store: Store, ref_key: str, cur_key: str, settings: str) -> dict[str, Any] | None:
    """The cached report (as stored by ``save``), or None."""
    try:
        row = store.db.execute("SELECT settings, report FROM drift_cache WHERE ref_key = ? AND cur_key = ?",
                               [ref_key, cur_key]).fetchone()
    except sqlite3.OperationalError:  # a store not migrated yet (opened read-only by an older reader)
        return None
    if row is None or row[0] != settings:
        return None
    try:
        value = json.loads(row[1])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def save(store: Store, ref_key: str, cur_key: str, settings: str, report: dict[str, Any]) -> None:
    """Cache a report; skipped (not an error) when the store cannot take the write right now."""
    conn = store.db.conn
    sql = "INSERT OR REPLACE INTO drift_cache(ref_key, cur_key, settings, report) VALUES (?, ?, ?, ?)"
    params = [ref_key, cur_key, settings, json.dumps(report)]
    try:
        if conn.in_transaction:
            conn.execute(sql, params)
            return
        timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute(sql, params)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    except sqlite3.OperationalError:  # locked by a scan, read-only file, or no table yet: compute next time
        pass
