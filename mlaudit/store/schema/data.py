"""Data tables: every version of every data file, and one profile per distinct content.

Content key (``key``): the git blob id for content read from git objects or the working tree;
``md5:<hex>`` for DVC-tracked content (the DVC cache hash); ``sha256:<oid>`` for Git LFS objects.

- ``data_versions``: where a content appears: (path, key, source, commit_sha). ``source`` is git | dvc |
  lfs | worktree; ``commit_sha`` is '' for the working tree. ``availability`` is 'available' or
  'not available locally' (DVC cache missing, LFS pointer only); ``status`` is the git change status.
- ``data_profiles``: one row per content key: format, rows, n_columns, ``columns`` (JSON list of
  {name, type, arrow_type}), ``stats`` (JSON {column: {missing, distinct, min, max, mean, std, quantiles,
  histogram, top}}), ``sampled`` (1 when distribution statistics come from the row sample),
  ``sample_rows``, ``error`` (why the content could not be read; NULL when profiled), ``profiler``.
- ``data_samples``: the deterministic bounded row sample as Parquet bytes (exact copy below the cap).
- ``data_sorted``: per numeric column of the sample, its non-missing values sorted, float64 bytes;
  the drift engine reads these, so a comparison never sorts or rereads the files.
- ``data_row_hash_chunks``: sorted uint64 row hashes in compressed chunks (``mlaudit.store.rowhash_codec``):
  ``column`` '' for the whole row, else the name of an identifier-like column (hash of its values); ``chunk``
  orders the chunks, ``n`` counts the hashes in each. (Replaces ``data_row_hashes``, one raw BLOB per
  column, which overflowed SQLite's BLOB limit on big files; migration m002 converts it.)
- ``data_profiles.coverage``: 'complete', or what part of the file the profile covers and which bound stopped it.
- ``data_worktree_keys``: cache of the blob id of each working-tree data file by (size, mtime).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("mlaudit.data")


@MIGRATIONS()
def m001_data(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE data_versions (
            path TEXT, key TEXT, source TEXT, commit_sha TEXT, committer_time INTEGER, status TEXT,
            availability TEXT, size INTEGER, PRIMARY KEY (path, key, source, commit_sha)
        );
        CREATE INDEX data_versions_key ON data_versions(key);
        CREATE INDEX data_versions_commit ON data_versions(commit_sha);
        CREATE TABLE data_profiles (
            key TEXT PRIMARY KEY, format TEXT, rows INTEGER, n_columns INTEGER, columns TEXT, stats TEXT,
            sampled INTEGER, sample_rows INTEGER, error TEXT, profiler INTEGER, seconds REAL
        );
        CREATE TABLE data_samples (key TEXT PRIMARY KEY, parquet BLOB);
        CREATE TABLE data_sorted (key TEXT, column TEXT, n INTEGER, "values" BLOB, PRIMARY KEY (key, column));
        CREATE TABLE data_row_hashes (key TEXT, column TEXT, n INTEGER, hashes BLOB, PRIMARY KEY (key, column));
        CREATE TABLE data_worktree_keys (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, key TEXT);
        """
    )


@MIGRATIONS()
def m002_row_hash_chunks_and_coverage(db: Database) -> None:
    """Row hashes move to compressed chunks; profiles record their coverage."""
    db.executescript(
        """
        CREATE TABLE data_row_hash_chunks (key TEXT, column TEXT, chunk INTEGER, n INTEGER, hashes BLOB,
                                           PRIMARY KEY (key, column, chunk));
        ALTER TABLE data_profiles ADD COLUMN coverage TEXT;
        """
    )
    old = db.execute("SELECT key, column, hashes FROM data_row_hashes").fetchall()
    if old:  # a store written before the chunks: convert (numpy only then; a new store stays light to create)
        import numpy as np

        from mlaudit.store.rowhash_codec import encode_chunks
    for key, column, blob in old:
        values = np.frombuffer(blob or b"", dtype=np.uint64)
        db.conn.executemany("INSERT INTO data_row_hash_chunks VALUES (?, ?, ?, ?, ?)",
                            [(key, column, i, n, data) for i, n, data in encode_chunks(values)])
    db.execute("DROP TABLE data_row_hashes")
