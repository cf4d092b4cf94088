"""Cache tables: drift comparisons of two stored contents, and facts about one stored content.

Both are keyed by content (git blob ids / content keys), never by scan, so a rescan reads them back.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("mlaudit.caches")


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


@MIGRATIONS()
def m002_content_facts(db: Database) -> None:
    # kind names the fact and its version (a new version is a new kind; the old rows stay small and few)
    db.executescript(
        """
        CREATE TABLE content_facts (
            content_key TEXT, kind TEXT, payload TEXT,
            PRIMARY KEY (content_key, kind)
        );
        """
    )
