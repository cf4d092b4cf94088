"""Open, migrate and lock the per-repo SQLite store.

sqlite_utils is imported only when something needs more than plain SQL (its table helpers, a migration), and
then without pandas and numpy (see ``sqlite_utils_lazy``): those imports cost 0.15-0.45 s, more than a whole
no-op rescan.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from mlaudit.core.config import data_dir
from mlaudit.core.errors import StoreBusyError, StoreError
from mlaudit.store.schema import SCHEMA_VERSION, migration_sets, schema_fingerprint
from mlaudit.store.sqlite_utils_lazy import load_sqlite_utils

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

FINGERPRINT_KEY = "schema_fingerprint"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite_utils' Migrations.migrations_table (a test checks they agree)


def default_store_path(repo_root: Path) -> Path:
    """The store of a repo in the user data directory: ``<name>-<hash of the absolute path>.sqlite``."""
    root = Path(repo_root).resolve()
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:12]
    return data_dir() / "stores" / f"{root.name or 'root'}-{digest}.sqlite"


class StoreDatabase:
    """The part of ``sqlite_utils.Database`` the store's readers use, on the raw connection (same semantics);
    anything else (``db["table"].insert_all``, ...) goes to a sqlite_utils Database built on first use."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._full: Database | None = None

    @property
    def full(self) -> Database:
        """The sqlite_utils Database on the same connection (imports sqlite_utils the first time)."""
        if self._full is None:
            self._full = load_sqlite_utils().Database(self.conn)
        return self._full

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def executescript(self, script: str) -> sqlite3.Cursor:
        return self.conn.executescript(script)

    def execute_returning_dicts(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        cur = self.execute(sql, parameters)
        names = [d[0] for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    @property
    def journal_mode(self) -> str:
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0])

    def enable_wal(self) -> None:
        if self.journal_mode != "wal":
            self.conn.execute("PRAGMA journal_mode = wal")

    @contextmanager
    def atomic(self) -> Iterator[StoreDatabase]:
        """A transaction, or a savepoint inside one already open (as sqlite_utils' ``atomic``)."""
        if self.conn.in_transaction:
            name = f"mlaudit_{secrets.token_hex(8)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __getitem__(self, name: str) -> Any:
        return self.full[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.full, name)


@dataclass(slots=True)
class Store:
    """An open store: its database (use from one thread) and its path."""

    db: StoreDatabase
    path: Path

    def close(self) -> None:
        self.db.close()

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [key, value])

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_not_newer(db: StoreDatabase, path: Path, sets: list[Migrations]) -> None:
    Migrations = load_sqlite_utils().Migrations

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
        db = StoreDatabase(conn)
        db.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
        fingerprint = schema_fingerprint()
        if fingerprint is None or not _stamp_matches(db, fingerprint):  # else: migrated by this very code
            sets = migration_sets()
            _check_not_newer(db, path, sets)
            if not readonly:
                for mset in sets:
                    mset.apply(db.full)
                db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
                if fingerprint is not None:
                    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [FINGERPRINT_KEY, _stamp(db, fingerprint)])
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"cannot open or write the store {path}: {exc}; check that its folder is writable and the disk has space, "
            "or pass --db with another location"
        ) from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"the store {path} is not a usable SQLite database ({exc}); delete it to rescan from scratch, or pass --db with another file"
        ) from exc
    return Store(db=db, path=path)


def _stamp(db: StoreDatabase, fingerprint: str) -> str | None:
    """What a store migrated by this code records: the schema fingerprint, the schema version and how many
    migrations it holds (a newer mlaudit changes one of them). None before the first migration."""
    try:
        row = db.execute(f"SELECT COUNT(*) FROM {MIGRATIONS_TABLE}").fetchone()
    except sqlite3.OperationalError:  # a new store
        return None
    return f"{fingerprint}:{SCHEMA_VERSION}:{row[0]}"


def _stamp_matches(db: StoreDatabase, fingerprint: str) -> bool:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", [FINGERPRINT_KEY]).fetchone()
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet
        return False
    return bool(row and version and version[0] == str(SCHEMA_VERSION) and row[0] == _stamp(db, fingerprint))


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
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder of the lock file {lock_path} ({exc.strerror}); the store folder must be "
                         "writable — pass --db with a writable location") from exc
    from filelock import FileLock, Timeout  # only a scan takes the lock (a no-op rescan never loads filelock)

    lock = FileLock(lock_path, thread_local=False)
    try:
        lock.acquire(timeout=max(wait_seconds, 0.0), poll_interval=0.1)
    except Timeout:
        raise StoreBusyError(f"another mlaudit scan is writing to {store_path}; wait for it to finish and try again") from None
    except OSError as exc:
        raise StoreError(f"cannot create the lock file {lock_path} ({exc.strerror}); the store folder must be writable — "
                         "pass --db with a writable location") from exc
    try:
        yield
    finally:
        lock.release()
