"""No-op rescans: when nothing the audit reads has changed, answer with the stored verdicts.

The audit key hashes everything a verdict depends on: the refs and the HEAD commit (which names its tree), the working tree's
uncommitted state (``git status`` with every untracked file, plus the size and mtime of each listed path), the
revision asked for, the configuration, and the analyser (a fingerprint of mlaudit's installed sources, which
any upgrade or edit changes).
A rescan whose key matches the last audit's reads only that much (a few git processes, no file contents), writes
nothing, and imports none of pandas, scipy, pyarrow or Qt. Only git repositories take this path: a plain
folder has no cheap summary of its state, so it is always rescanned.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlaudit.core.config import AuditConfig
from mlaudit.core.repo import RepoInfo
from mlaudit.scanners.git_history import list_refs, worktree_state
from mlaudit.store.db import Store

META_KEY = "last_audit"
_PACKAGE = Path(__file__).resolve().parents[1]
_analyser: str | None = None


def analyser_version() -> str:
    """A fingerprint (path, size, mtime) of mlaudit's installed sources: an upgrade changes it, and so does a
    changed check where the version number stays the same (an editable install)."""
    global _analyser
    if _analyser is None:
        digest = hashlib.sha256()
        for dirpath, dirnames, filenames in os.walk(_PACKAGE):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(dirpath, name))
                    digest.update(f"{os.path.relpath(os.path.join(dirpath, name), _PACKAGE)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        _analyser = digest.hexdigest()[:16]
    return _analyser


def config_hash(config: AuditConfig) -> str:
    """A stable hash of the settings in force."""
    return hashlib.sha256(json.dumps(config.to_json(), sort_keys=True).encode()).hexdigest()[:16]


def audit_key(repo: RepoInfo, rev: str | None, config: AuditConfig) -> str | None:
    """The key of what an audit of ``repo`` at ``rev`` would read now, or None when it cannot be summarised
    cheaply (not a git repository)."""
    if not repo.is_git:
        return None
    refs = sorted((r.name, r.target) for r in list_refs(repo.root, repo.head))
    parts = {"refs": refs, "head": repo.head, "worktree": worktree_state(repo.root, repo.dirty), "rev": rev,
             "config": config_hash(config), "analyser": analyser_version()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredAudit:
    """Where the last audit's verdicts are: its scan, the tree label it judged, the rev it resolved to."""

    key: str
    scan_id: int
    label: str
    rev: str | None
    counts: dict[str, int]


def stored_audit(store: Store, key: str) -> StoredAudit | None:
    """The last audit if it had this key and its verdicts are still stored."""
    raw = store.meta(META_KEY)
    if not raw:
        return None
    try:
        data: dict[str, Any] = json.loads(raw)
        found = StoredAudit(str(data["key"]), int(data["scan_id"]), str(data["label"]), data.get("rev"), dict(data.get("counts") or {}))
    except (ValueError, KeyError, TypeError):
        return None
    if found.key != key:
        return None
    row = store.db.execute("SELECT COUNT(*) FROM check_results WHERE scan_id = ? AND rev = ?", [found.scan_id, found.label]).fetchone()
    return found if row and row[0] else None


def remember_audit(store: Store, audit: StoredAudit) -> None:
    """Record the audit just stored, so the next rescan with the same key can reuse it."""
    store.set_meta(META_KEY, json.dumps({"key": audit.key, "scan_id": audit.scan_id, "label": audit.label,
                                         "rev": audit.rev, "counts": audit.counts}))
