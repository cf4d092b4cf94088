"""What a check sees: the repo, its store, the tree being judged, the config, and cached practice facts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from mlaudit import __version__

from mlaudit.core.config import AuditConfig
from mlaudit.core.progress import Progress
from mlaudit.core.repo import RepoInfo
from mlaudit.core.tree import TreeSource
from mlaudit.scanners.facts import get_provider
from mlaudit.store.db import Store


# Bump when a fact provider's output or a check's rule changes without a release: cached facts and stored
# verdicts made by older code are then recomputed instead of coming back.
ANALYSIS_VERSION = "16.1"


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

    @property
    def rev(self) -> str | None:
        """The commit being judged, or None for the working tree."""
        return self.tree.rev

    def tree_key(self) -> str:
        """Cache key for facts: the commit sha (or the working tree of this scan) and the analysis key, so facts
        cached by another mlaudit version or under other thresholds are never reused."""
        return f"{self.tree.rev or f'WORKTREE@{self.scan_id}'}#{self.analysis_key()}"

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
        self._facts[kind] = value
        return value

    def threshold(self, name: str) -> float:
        return self.config.threshold(name)
