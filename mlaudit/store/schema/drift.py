"""Drift tables: comparisons of two stored data contents, cached by (content A, content B, test settings)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("mlaudit.drift")


@MIGRATIONS()
def m001_drift_cache(db: Database) -> None:
    # One row per ordered pair of contents: a comparison under other settings or older code replaces it,
    # so the table never holds more rows than pairs ever compared.
    db.executescript(
        """
        CREATE TABLE drift_cache (
            ref_key TEXT, cur_key TEXT, settings TEXT, report TEXT,
            PRIMARY KEY (ref_key, cur_key)
        );
        """
    )
