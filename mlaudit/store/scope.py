"""What "the project now" is, from the store: HEAD, or the default branch when HEAD is detached or absent.

Current-state verdicts judge this commit (and the files on disk); other refs and older commits feed
history, lineage and security only (DESIGN.md principle 6).
"""

from __future__ import annotations

from mlaudit.store.db import Store

_DEFAULT_BRANCHES = ("refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master",
                     "refs/remotes/origin/main", "refs/remotes/origin/master")


def default_branch(store: Store) -> str | None:
    """The commit of the default branch: origin/HEAD, else main/master, else the only local branch."""
    if "refs" not in store.db.table_names():
        return None
    refs = dict(store.db.execute("SELECT name, target FROM refs").fetchall())
    for name in _DEFAULT_BRANCHES:
        if refs.get(name):
            return str(refs[name])
    local = [t for n, t in refs.items() if n.startswith("refs/heads/")]
    return str(local[0]) if len(local) == 1 else None


def current_commit(store: Store) -> str | None:
    """The commit that is the project now: HEAD on a branch; the default branch when HEAD is detached or absent."""
    if "scans" not in store.db.table_names():
        return None
    row = store.db.execute("SELECT head, branch FROM scans WHERE is_git = 1 ORDER BY id DESC LIMIT 1").fetchone()
    head, branch = (row[0], row[1]) if row else (None, None)
    if head and branch:
        return str(head)
    return default_branch(store) or head
