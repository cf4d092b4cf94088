"""What a check sees: the repo, its store, the tree being judged, the config, and cached practice facts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mlaudit.core.config import AuditConfig
from mlaudit.core.progress import Progress
from mlaudit.core.repo import RepoInfo
from mlaudit.core.tree import TreeSource
from mlaudit.scanners.facts import get_provider
from mlaudit.store.db import Store


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

    @property
    def rev(self) -> str | None:
        """The commit being judged, or None for the working tree."""
        return self.tree.rev

    def tree_key(self) -> str:
        """Cache key for facts: the commit sha, or the working tree of this scan."""
        return self.tree.rev or f"WORKTREE@{self.scan_id}"

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
        self._facts[kind] = value
        return value

    def threshold(self, name: str) -> float:
        return self.config.threshold(name)
