"""Open, migrate and lock the per-repo SQLite store."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from sqlite_utils import Database, Migrations

from mlaudit.core.config import data_dir
from mlaudit.core.errors import StoreBusyError, StoreError
from mlaudit.store.schema import SCHEMA_VERSION, migration_sets


def default_store_path(repo_root: Path) -> Path:
    """The store of a repo in the user data directory: ``<name>-<hash of the absolute path>.sqlite``."""
    root = Path(repo_root).resolve()
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:12]
    return data_dir() / "stores" / f"{root.name or 'root'}-{digest}.sqlite"


@dataclass(slots=True)
class Store:
    """An open store: the sqlite-utils Database (use from one thread) and its path."""

    db: Database
    path: Path

    def close(self) -> None:
        self.db.close()

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [key, value])

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_not_newer(db: Database, path: Path, sets: list[Migrations]) -> None:
    if "meta" in db.table_names():
        row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row and int(row[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"the store {path} was written by a newer mlaudit (schema {row[0]}, this one reads up to "
                f"{SCHEMA_VERSION}); upgrade mlaudit, or pass --db with another file"
            )
    if Migrations.migrations_table in db.table_names():
        known = {(m.name, mig.name) for m in sets for mig in m._migrations}
        applied = {(r[0], r[1]) for r in db.execute(f"SELECT migration_set, name FROM {Migrations.migrations_table}")}
        ours = {s.name for s in sets}
        unknown = sorted(f"{s}:{n}" for s, n in applied - known if s in ours or s.startswith("mlaudit."))
        if unknown:
            raise StoreError(
                f"the store {path} has changes from a newer mlaudit ({', '.join(unknown[:3])}); "
                "upgrade mlaudit, or pass --db with another file"
            )


def open_store(path: Path, *, repo_root: Path | None = None, readonly: bool = False) -> Store:
    """Open (creating and migrating) the store at ``path``; raise StoreError with advice on any problem."""
    path = Path(path).expanduser().absolute()
    if repo_root is not None:
        root = Path(repo_root).resolve()
        if path.resolve() == root or root in path.resolve().parents:
            raise StoreError(f"the store {path} would be inside the audited repo {root}; mlaudit never writes there — pass --db outside it")
    if readonly and not path.exists():
        raise StoreError(f"no store at {path}; scan the repository first (mlaudit scan PATH)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the store {path}: {exc.strerror}; pass --db with a writable location") from exc
    try:
        conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        sets = migration_sets()
        _check_not_newer(db, path, sets)
        if not readonly:
            if db.journal_mode != "wal":
                db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
            for mset in sets:
                mset.apply(db)
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"the store {path} is not a usable SQLite database ({exc}); delete it to rescan from scratch, or pass --db with another file"
        ) from exc
    return Store(db=db, path=path)


@contextmanager
def write_transaction(store: Store) -> Iterator[Store]:
    """A transaction that takes SQLite's write lock up front (BEGIN IMMEDIATE, waiting up to busy_timeout).

    A deferred transaction that reads and then writes fails at once with "database is locked" when another
    process committed in between (WAL snapshot upgrade); taking the lock first makes it wait instead.
    Nested ``store.db.atomic()`` blocks inside become savepoints.
    """
    conn = store.db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield store
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def scan_lock(store_path: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the store's writer lock for a whole scan; raise StoreBusyError when another scan holds it.

    The lock is an OS file lock (flock on POSIX, LockFileEx on Windows, chosen at run time by filelock) on
    ``<store>.lock``, so it is released when the process dies.
    """
    lock_path = Path(str(store_path) + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path, thread_local=False)
    try:
        lock.acquire(timeout=max(wait_seconds, 0.0), poll_interval=0.1)
    except Timeout:
        raise StoreBusyError(f"another mlaudit scan is writing to {store_path}; wait for it to finish and try again") from None
    try:
        yield
    finally:
        lock.release()
