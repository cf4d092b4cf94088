"""Maturity over history: run the checks at every tag (and evenly spaced commits) through CommitTreeSource."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from mlaudit.audit.run import scan
from mlaudit.checks.base import all_checks, result_row, run_checks
from mlaudit.checks.context import CheckContext, analysis_key
from mlaudit.core.config import AuditConfig, load_config
from mlaudit.core.gitcmd import run_git
from mlaudit.core.objects import GitObjects
from mlaudit.core.progress import Progress
from mlaudit.core.repo import RepoInfo
from mlaudit.core.tree import CommitTreeSource
from mlaudit.report.timeline import HistoryPoint, stored_history
from mlaudit.store.db import Store, open_store

DEFAULT_POINTS = 10


@dataclass(slots=True)
class HistoryResult:
    """The timeline, and how many revisions were judged now versus read back from the store."""

    repo: RepoInfo
    points: list[HistoryPoint]
    computed: int
    reused: int
    revisions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        changes = [{"sha": p.sha, "label": p.label, "stage": p.stage} for p in self.points if p.stage_changed]
        return {"repo": str(self.repo.root), "head": self.repo.head, "computed": self.computed, "reused": self.reused,
                "points": [p.to_dict() for p in self.points], "stage_changes": changes}


def evenly_spaced(items: list[str], count: int) -> list[str]:
    """``count`` items spread over ``items`` (first and last included), order kept."""
    if count >= len(items):
        return list(items)
    if count <= 1:
        return items[-1:]
    step = (len(items) - 1) / (count - 1)
    return list(dict.fromkeys(items[round(i * step)] for i in range(count)))


def select_revisions(repo: RepoInfo, store: Store, points: int = DEFAULT_POINTS) -> list[str]:
    """Tagged commits (``points`` of them, evenly spaced), topped up with evenly spaced first-parent commits of HEAD."""
    if not repo.is_git or repo.head is None:
        return []
    times = dict(store.db.execute("SELECT sha, committer_time FROM commits").fetchall())
    tagged = sorted({t for (t,) in store.db.execute("SELECT target FROM refs WHERE kind = 'tag'") if t in times},
                    key=lambda s: (times[s], s))
    chosen = evenly_spaced(tagged, points)
    if len(chosen) < points:
        chain = run_git(repo.root, ["rev-list", "--first-parent", "--reverse", repo.head]).decode().split()
        fill = [c for c in evenly_spaced(chain, points) if c not in chosen]
        chosen += fill[: points - len(chosen)]
    if repo.head not in chosen:
        chosen.append(repo.head)
    return sorted(set(chosen), key=lambda s: (times.get(s, 0), s))


def _has_current_results(store: Store, sha: str, ids: set[str], key: str) -> bool:
    """A commit's tree is immutable, so its results are reused — only when computed under the same analysis key
    (mlaudit version, thresholds, path rules) and when mlaudit gained no check since."""
    row = store.db.execute("SELECT MAX(scan_id) FROM check_results WHERE rev = ? AND analysis_key = ?", [sha, key]).fetchone()
    if not row or row[0] is None:
        return False
    stored = {r[0] for r in store.db.execute("SELECT check_id FROM check_results WHERE rev = ? AND scan_id = ? AND analysis_key = ?",
                                             [sha, row[0], key])}
    return ids <= stored


def maturity_history(repo_path: str | os.PathLike[str], db: str | os.PathLike[str] | None = None, *,
                     points: int = DEFAULT_POINTS, progress: Progress | None = None,
                     config: AuditConfig | None = None) -> HistoryResult:
    """Scan (incremental), judge each selected revision not judged before, and return the scored timeline."""
    config = config or load_config()
    progress = progress or Progress()
    summary = scan(repo_path, db, progress=progress, config=config)
    repo = summary.repo
    with open_store(summary.store_path, repo_root=repo.root) as store:
        revisions = select_revisions(repo, store, points)
        ids = set(all_checks())
        key = analysis_key(config)
        todo = [sha for sha in revisions if not _has_current_results(store, sha, ids, key)]
        objects = GitObjects(repo.root) if todo else None
        try:
            for done, sha in enumerate(todo):
                progress.update("history", done, len(todo), f"judging {sha[:10]}")
                tree = CommitTreeSource(repo, sha, objects)
                results = run_checks(CheckContext(repo, store, tree, config, summary.scan_id))
                with store.db.atomic():
                    store.db["check_results"].insert_all([result_row(summary.scan_id, sha, r, key) for r in results], replace=True)
        finally:
            if objects is not None:
                objects.close()
        timeline = stored_history(store, revisions)
    return HistoryResult(repo, timeline, len(todo), len(revisions) - len(todo), revisions)
