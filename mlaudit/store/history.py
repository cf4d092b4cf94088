"""Write and read the git history tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from mlaudit.core.records import CommitRecord, FileChange, RefRecord
from mlaudit.store.db import Store

_COMMIT_COLS = (
    "sha", "tree", "parents", "n_parents", "author_name", "author_email", "author_time",
    "committer_name", "committer_email", "committer_time", "message",
)
_CHANGE_COLS = ("commit_sha", "path", "old_path", "status", "added", "deleted", "blob", "old_blob", "mode", "binary")


def scanned_tips(store: Store) -> set[str]:
    return {r[0] for r in store.db.execute("SELECT sha FROM scanned_tips")}


def save_history(store: Store, history: Iterable[tuple[CommitRecord, list[FileChange]]], batch: int = 2000) -> int:
    """Insert commits and their file changes in batches (call inside one transaction); return how many were new."""
    conn = store.db.conn
    commit_sql = f"INSERT OR IGNORE INTO commits ({', '.join(_COMMIT_COLS)}) VALUES ({', '.join('?' * len(_COMMIT_COLS))})"
    change_sql = f"INSERT INTO file_changes ({', '.join(_CHANGE_COLS)}) VALUES ({', '.join('?' * len(_CHANGE_COLS))})"
    commits: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    stored = [0]

    def flush() -> None:
        # A commit already stored (reached again from another tip) keeps its one set of changes.
        fresh = {row[0] for row in commits}
        if commits:
            known = {
                r[0] for r in conn.execute(
                    f"SELECT sha FROM commits WHERE sha IN ({','.join('?' * len(fresh))})", list(fresh)
                )
            }
            fresh -= known
            stored[0] += len(fresh)
            conn.executemany(commit_sql, [c for c in commits if c[0] in fresh])
            conn.executemany(change_sql, [c for c in changes if c[0] in fresh])
        commits.clear()
        changes.clear()

    for commit, file_changes in history:
        commits.append((
            commit.sha, commit.tree, " ".join(commit.parents), len(commit.parents), commit.author_name,
            commit.author_email, commit.author_time, commit.committer_name, commit.committer_email,
            commit.committer_time, commit.message,
        ))
        for fc in file_changes:
            changes.append((fc.commit_sha, fc.path, fc.old_path, fc.status, fc.added, fc.deleted, fc.blob, fc.old_blob, fc.mode,
                            None if fc.binary is None else int(fc.binary)))
        if len(commits) >= batch:
            flush()
    flush()
    return stored[0]


def save_refs(store: Store, refs: Iterable[RefRecord]) -> None:
    """Replace the stored refs with the current ones and remember their tips as scanned."""
    refs = list(refs)
    store.db.execute("DELETE FROM refs")
    store.db.conn.executemany("INSERT OR REPLACE INTO refs(name, kind, target) VALUES (?, ?, ?)", [(r.name, r.kind, r.target) for r in refs])
    store.db.conn.executemany("INSERT OR IGNORE INTO scanned_tips(sha) VALUES (?)", [(r.target,) for r in refs])


def save_path_roles(store: Store, roles: Iterable[tuple[str, str, str]]) -> None:
    store.db.conn.executemany("INSERT OR REPLACE INTO path_roles(path, role, reason) VALUES (?, ?, ?)", list(roles))


def known_paths(store: Store) -> set[str]:
    return {r[0] for r in store.db.execute("SELECT path FROM path_roles")}


def all_changed_paths(store: Store, after_rowid: int = 0) -> Iterator[tuple[str, str | None]]:
    """Each path changed in a file_changes row past ``after_rowid``, with its newest blob id (a deleted
    path keeps the blob it last had)."""
    sql = """
        SELECT path, blob FROM (
            SELECT fc.path AS path, fc.blob AS blob, ROW_NUMBER() OVER (
                PARTITION BY fc.path ORDER BY fc.blob IS NULL, c.committer_time DESC, fc.rowid DESC) AS rn
            FROM file_changes fc JOIN commits c ON c.sha = fc.commit_sha
            WHERE fc.path IN (SELECT path FROM file_changes WHERE rowid > ?)
        ) WHERE rn = 1
    """
    yield from store.db.execute(sql, [after_rowid])


def last_change_rowid(store: Store) -> int:
    return int(store.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM file_changes").fetchone()[0])


def commit_count(store: Store) -> int:
    return int(store.db.execute("SELECT COUNT(*) FROM commits").fetchone()[0])


def commits_touching(store: Store, role: str) -> list[str]:
    """Commits that changed at least one path of ``role`` (newest first)."""
    sql = """SELECT cr.commit_sha FROM commit_roles cr JOIN commits c ON c.sha = cr.commit_sha
             WHERE cr.role = ? ORDER BY c.committer_time DESC"""
    return [r[0] for r in store.db.execute(sql, [role])]
