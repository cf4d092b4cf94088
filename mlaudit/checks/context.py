"""What a check sees: the repo, its store, the tree being judged, the config, and cached practice facts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mlaudit import __version__
from mlaudit.core.config import AuditConfig
from mlaudit.core.progress import Progress
from mlaudit.core.repo import RepoInfo
from mlaudit.core.tree import TreeSource
from mlaudit.scanners.facts import get_provider
from mlaudit.scanners.git_history import worktree_state
from mlaudit.store.db import Store

WORKTREE_PREFIX = "WT:"  # tree_facts keys of working-tree states
ALIAS_KIND = "@alias"  # a tree_facts row naming the content key of ``WORKTREE@<scan>``


def worktree_key(repo: RepoInfo) -> str | None:
    """The content key of a git working tree: HEAD and a hash of its uncommitted state (None outside git)."""
    if not repo.is_git:
        return None
    digest = hashlib.sha256(f"{repo.head}|{worktree_state(repo.root, repo.dirty)}".encode()).hexdigest()[:32]
    return f"{WORKTREE_PREFIX}{digest}"


# Bump when a fact provider's output or a check's rule changes without a release: cached facts and stored
# verdicts made by older code are then recomputed instead of coming back.
ANALYSIS_VERSION = "16.2"


def analysis_key(config: AuditConfig) -> str:
    """What cached facts and verdicts depend on besides the tree: mlaudit and analysis versions, thresholds in
    force and path rules (a short hash)."""
    payload = json.dumps({"mlaudit": __version__, "analysis": ANALYSIS_VERSION, "thresholds": config.effective_thresholds(),
                          "path_rules": [list(r) for r in config.path_rules]}, sort_keys=True, default=str)
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


@dataclass
class CheckContext:
    """Everything a check may read. Checks never write; they return a CheckResult."""

    repo: RepoInfo
    store: Store
    tree: TreeSource
    config: AuditConfig = field(default_factory=AuditConfig)
    scan_id: int = 0
    progress: Progress | None = None
    _facts: dict[str, Any] = field(default_factory=dict)
    _tree_key: str | None = None

    @property
    def rev(self) -> str | None:
        """The commit being judged, or None for the working tree."""
        return self.tree.rev

    def tree_key(self) -> str:
        """Cache key for facts, by content and analysis: the commit sha, or for a git working tree its HEAD plus a
        hash of its uncommitted state (see ``worktree_key``; a plain folder's working tree is keyed by its scan),
        then the analysis key, so facts cached by another mlaudit version or under other thresholds are never reused."""
        if self._tree_key is None:
            tree = self.tree.rev or worktree_key(self.repo) or f"WORKTREE@{self.scan_id}"
            self._tree_key = f"{tree}#{self.analysis_key()}"
        return self._tree_key

    def analysis_key(self) -> str:
        """The analyser version and config hash this context's facts and verdicts are keyed by."""
        if "_analysis" not in self._facts:
            self._facts["_analysis"] = analysis_key(self.config)
        return str(self._facts["_analysis"])

    def facts(self, kind: str) -> Any:
        """Practice facts of ``kind`` for this tree: computed once, cached in memory and in the store."""
        if kind in self._facts:
            return self._facts[kind]
        key = self.tree_key()
        row = self.store.db.execute("SELECT payload FROM tree_facts WHERE tree_key = ? AND kind = ?", [key, kind]).fetchone()
        if row is not None:
            value = json.loads(row[0])
        else:
            value = get_provider(kind)(self.tree)
            with self.store.db.atomic():
                self.store.db.execute(
                    "INSERT OR REPLACE INTO tree_facts(tree_key, kind, payload) VALUES (?, ?, ?)",
                    [key, kind, json.dumps(value, default=str)],
                )
        if key.startswith(WORKTREE_PREFIX) and set(self._facts) <= {"_analysis"}:  # the first fact of this context
            self._alias_worktree(key)
        self._facts[kind] = value
        return value

    def _alias_worktree(self, key: str) -> None:
        """Readers look facts up as ``WORKTREE@<scan>``: point that name at the content key, and drop the working
        tree facts of other states and scans (only the newest scan's are read; they would pile up)."""
        label = f"WORKTREE@{self.scan_id}"
        with self.store.db.atomic():
            self.store.db.execute("DELETE FROM tree_facts WHERE (tree_key LIKE 'WORKTREE@%' AND tree_key != ?) "
                                  "OR (tree_key LIKE ? AND tree_key != ?)", [label, WORKTREE_PREFIX + "%", key])
            self.store.db.execute("INSERT OR REPLACE INTO tree_facts(tree_key, kind, payload) VALUES (?, ?, ?)",
                                  [label, ALIAS_KIND, json.dumps(key)])

    def content_fact(self, kind: str, content_key: str, compute: Callable[[], Any]) -> Any:
        """A fact about one stored content (a data file version, ...) that depends on nothing else: computed
        once, then read back from the store on every later scan. ``kind`` names the fact and its version."""
        row = self.store.db.execute("SELECT payload FROM content_facts WHERE content_key = ? AND kind = ?",
                                    [content_key, kind]).fetchone()
        if row is not None:
            return json.loads(row[0])
        value = compute()
        with self.store.db.atomic():
            self.store.db.execute("INSERT OR REPLACE INTO content_facts(content_key, kind, payload) VALUES (?, ?, ?)",
                                  [content_key, kind, json.dumps(value, default=str)])
        return value

    def threshold(self, name: str) -> float:
        return self.config.threshold(name)
