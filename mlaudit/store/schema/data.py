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
- ``data_samples``: the deterministic bounded row sample as Parquet bytes (exact copy below the cap); since
  m003 a sample may be stored as the change from the sample of ``base`` (``parquet`` then holds only the new
  rows, ``rows_from`` where each of the ``n`` rows comes from; ``depth`` counts the deltas to a whole copy).
- ``data_sorted``: per numeric column of the sample, its non-missing values sorted; ``codec`` NULL: float64
  bytes (stores before m003), else ``mlaudit.store.values_codec`` (lossless). The drift engine reads these,
  so a comparison never sorts or rereads the files.
- ``data_row_hash_deltas``: row hashes stored as the change from the hashes of ``base`` (sorted removed and
  added hashes, each one compressed chunk); a content has chunks or a delta per column, never both.
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


@MIGRATIONS()
def m003_compact_content(db: Database) -> None:
    """Sorted values compressed losslessly (``codec``); samples and row hashes may be stored as the change from
    a base content (``mlaudit.store.data_content``). Old rows stay readable; their sorted values are converted."""
    db.executescript(
        """
        ALTER TABLE data_sorted ADD COLUMN codec TEXT;
        ALTER TABLE data_samples ADD COLUMN base TEXT;
        ALTER TABLE data_samples ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE data_samples ADD COLUMN rows_from BLOB;
        ALTER TABLE data_samples ADD COLUMN n INTEGER;
        CREATE INDEX data_samples_base ON data_samples(base);
        CREATE TABLE data_row_hash_deltas (
            key TEXT, column TEXT, base TEXT, depth INTEGER, n_removed INTEGER, removed BLOB, n_added INTEGER, added BLOB,
            PRIMARY KEY (key, column)
        );
        CREATE INDEX data_row_hash_deltas_base ON data_row_hash_deltas(base);
        """
    )
    if db.execute("SELECT 1 FROM data_sorted LIMIT 1").fetchone() is None:
        return  # a new store stays light to create (no numpy)
    import numpy as np

    from mlaudit.store import values_codec

    todo = db.execute('SELECT rowid FROM data_sorted WHERE codec IS NULL').fetchall()
    for (rowid,) in todo:  # one row in memory at a time
        (blob,) = db.execute('SELECT "values" FROM data_sorted WHERE rowid = ?', [rowid]).fetchone()
        packed = values_codec.encode(np.frombuffer(blob or b"", dtype=np.float64))
        db.execute('UPDATE data_sorted SET "values" = ?, codec = ? WHERE rowid = ?', [packed, values_codec.CODEC, rowid])
