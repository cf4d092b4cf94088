"""Leakage tables: the static analysis result of each Python source, keyed by content (git blob id)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("mlaudit.leakage")


@MIGRATIONS()
def m001_leak_code(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE leak_code (
            blob TEXT, analyzer TEXT, kind TEXT, result TEXT,
            PRIMARY KEY (blob, analyzer)
        );
        """
    )
