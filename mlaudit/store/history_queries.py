"""Read API over the commit timeline: the events of each commit and the details of one (store only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlaudit.store.db import Store

# per commit, the distinct data / model paths the scan recorded a version of (MLmodel descriptors are not models)
VERSION_EVENTS = {
    "data": "SELECT v.commit_sha, COUNT(DISTINCT v.path) FROM data_versions v JOIN commits c ON c.sha = v.commit_sha "
            "WHERE c.committer_time >= ? GROUP BY v.commit_sha",
    "model": "SELECT v.commit_sha, COUNT(DISTINCT v.path) FROM model_versions v JOIN commits c ON c.sha = v.commit_sha "
             "JOIN model_blobs b ON b.key = v.key WHERE c.committer_time >= ? AND b.format NOT IN ('mlmodel', 'unknown') "
             "GROUP BY v.commit_sha",
}

NEEDS = {"data": {"data_versions"}, "model": {"model_versions", "model_blobs"}}


def table_names(store: Store) -> set[str]:
    """The store's tables and views, from sqlite_master (no sqlite_utils import: these queries run on the GUI thread)."""
    return {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


_tables = table_names


def tags_by_commit(store: Store) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for name, target in store.db.execute("SELECT name, target FROM refs WHERE kind = 'tag' ORDER BY name"):
        tags.setdefault(target, []).append(name.removeprefix("refs/tags/"))
    return tags


def commit_events(store: Store, limit: int = 2000) -> list[dict[str, Any]]:
    """Newest commits first, each with the roles of the files it changed. Data and model counts come from the
    scanned versions when those know more: DVC-tracked files whose hash changed, models committed under
    MLflow's mlruns/ (whose path role is tracking)."""
    rows = store.db.execute(
        "SELECT sha, committer_time, author_name, message FROM commits ORDER BY committer_time DESC, sha LIMIT ?",
        [limit]).fetchall()
    roles: dict[str, dict[str, int]] = {}
    tables = _tables(store)
    if rows:
        newest = rows[-1][1]
        for sha, role, files in store.db.execute(
                "SELECT cr.commit_sha, cr.role, cr.files FROM commit_roles cr JOIN commits c ON c.sha = cr.commit_sha "
                "WHERE c.committer_time >= ?", [newest]):
            roles.setdefault(sha, {})[role] = files
        for role, sql in VERSION_EVENTS.items():  # the scanned versions know more than path roles
            if not NEEDS[role] <= tables:  # the phase that writes them never ran on this store
                continue
            for sha, files in store.db.execute(sql, [newest]):
                events = roles.setdefault(sha, {})
                events[role] = max(events.get(role, 0), files)
    tags = tags_by_commit(store)
    return [{"sha": sha, "time": t, "author": author, "message": (msg or "").splitlines()[0] if msg else "",
             "roles": roles.get(sha, {}), "tags": tags.get(sha, [])} for sha, t, author, msg in rows]


@dataclass(slots=True)
class VerdictChange:
    """A check whose status at this commit differs from the previous scored revision."""

    check_id: str
    title: str
    before: str
    after: str
    before_rev: str


@dataclass(slots=True)
class CommitDetail:
    """One commit: who, when, the whole message, the files it changed with their roles, the data and model
    versions it recorded, and (when it was scored) the checks whose verdict changed."""

    sha: str
    author: str
    email: str
    time: int | None
    message: str
    parents: list[str]
    tags: list[str]
    files: list[dict[str, Any]] = field(default_factory=list)
    data_versions: list[dict[str, Any]] = field(default_factory=list)
    model_versions: list[dict[str, Any]] = field(default_factory=list)
    scored: bool = False
    verdict_changes: list[VerdictChange] = field(default_factory=list)


def _verdicts(store: Store, rev: str) -> dict[str, tuple[str, str]]:
    """check id -> (status, title) of the newest scan that scored ``rev``."""
    row = store.db.execute("SELECT max(scan_id) FROM check_results WHERE rev = ?", [rev]).fetchone()
    if row is None or row[0] is None:
        return {}
    return {cid: (status, title) for cid, status, title in store.db.execute(
        "SELECT check_id, status, title FROM check_results WHERE scan_id = ? AND rev = ?", [row[0], rev])}


def commit_detail(store: Store, sha: str) -> CommitDetail | None:
    """The details of commit ``sha`` (a full id), or None when the store does not hold it."""
    row = store.db.execute("SELECT sha, author_name, author_email, committer_time, message, parents FROM commits "
                           "WHERE sha = ?", [sha]).fetchone()
    if row is None:
        return None
    parents = [p for p in (row[5] or "").split() if p]
    detail = CommitDetail(row[0], row[1] or "", row[2] or "", row[3], row[4] or "", parents,
                          tags_by_commit(store).get(sha, []))
    detail.files = [{"path": p, "old path": o or "", "status": s, "role": r or "other"} for p, o, s, r in store.db.execute(
        "SELECT fc.path, fc.old_path, fc.status, pr.role FROM file_changes fc LEFT JOIN path_roles pr ON pr.path = fc.path "
        "WHERE fc.commit_sha = ? ORDER BY fc.path", [sha])]
    tables = _tables(store)
    if "data_versions" in tables:
        detail.data_versions = [{"path": p, "hash": k, "availability": a} for p, k, a in store.db.execute(
            "SELECT path, key, availability FROM data_versions WHERE commit_sha = ? ORDER BY path", [sha])]
    if {"model_versions", "model_blobs"} <= tables:
        detail.model_versions = [{"path": p, "format": f or "", "verdict": v or ""} for p, f, v in store.db.execute(
            "SELECT v.path, b.format, b.verdict FROM model_versions v LEFT JOIN model_blobs b ON b.key = v.key "
            "WHERE v.commit_sha = ? AND COALESCE(b.format, '') NOT IN ('mlmodel', 'unknown') ORDER BY v.path", [sha])]
    after = _verdicts(store, sha)
    detail.scored = bool(after)
    if after:
        previous = store.db.execute(
            "SELECT cr.rev FROM check_results cr JOIN commits c ON c.sha = cr.rev WHERE c.committer_time < ? "
            "GROUP BY cr.rev ORDER BY max(c.committer_time) DESC LIMIT 1", [detail.time or 0]).fetchone()
        if previous is not None:
            before = _verdicts(store, previous[0])
            detail.verdict_changes = [VerdictChange(cid, title, before[cid][0], status, previous[0])
                                      for cid, (status, title) in sorted(after.items())
                                      if cid in before and before[cid][0] != status]
    return detail
