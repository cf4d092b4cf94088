"""Open a SQLite file of the audited repo (an MLflow backend) strictly read-only, with bounded queries.

The file name is never spliced into a URI: it is quoted with ``pathname2url`` so ``%``, ``?`` and ``#`` in
a committed name stay part of the name (an unquoted ``?mode=rwc`` would make SQLite create files).
``immutable=1`` means no lock, journal or WAL file is ever created. Every query runs under a value-length
limit (a generated column that builds a huge blob fails instead of eating memory), in-memory temp storage,
no ATTACH, and a progress-handler deadline; callers add ``LIMIT`` to every statement.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from urllib.request import pathname2url

from mlaudit.core.safefs import UnsafePath, is_regular

MAX_VALUE_BYTES = 16 * 1024 * 1024
DEFAULT_SECONDS = 10.0


class QueryTimeout(sqlite3.OperationalError):
    """A query on an audited database ran past its deadline."""


def readonly_uri(path: Path) -> str:
    """The ``file:`` URI of ``path`` (made absolute), quoted so nothing in the name is read as a URI parameter."""
    return "file:" + pathname2url(os.path.abspath(path)) + "?mode=ro&immutable=1"


def connect_readonly(path: Path, seconds: float = DEFAULT_SECONDS, max_value_bytes: int = MAX_VALUE_BYTES) -> sqlite3.Connection:
    """A read-only, immutable connection with bounded value sizes and a deadline of ``seconds`` for all its queries.

    Raise UnsafePath when ``path`` is not a regular file (a FIFO would block the open; a symlink is not followed).
    """
    if not is_regular(path):
        raise UnsafePath(f"{path} is not a regular file; not opened")
    con = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None)
    try:
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max_value_bytes)
        con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        con.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
        deadline = time.monotonic() + seconds
        con.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 20_000)
        for pragma in ("query_only = ON", "trusted_schema = OFF", "temp_store = MEMORY", "mmap_size = 0",
                       "cache_size = -16384", "cell_size_check = ON"):
            con.execute(f"PRAGMA {pragma}")
    except BaseException:
        con.close()
        raise
    return con
