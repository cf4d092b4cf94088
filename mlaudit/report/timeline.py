"""Maturity over history: score every revision whose check results are in the store."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from mlaudit.checks.base import CheckResult, result_from_row
from mlaudit.checks.scoring import score
from mlaudit.report.signals import stored_release_signals
from mlaudit.store.db import Store


@dataclass(slots=True)
class HistoryPoint:
    """The scores of one revision: when, which tag, what stage and levels."""

    sha: str
    label: str  # tag names, or the short sha
    time: int  # committer time (unix seconds)
    stage: str
    meets: str
    ml_test_score: float
    band: str
    areas: dict[str, float | None]
    google: int
    microsoft: int
    stage_changed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"sha": self.sha, "label": self.label, "time": self.time, "stage": self.stage, "meets": self.meets,
                "ml_test_score": self.ml_test_score, "band": self.band, "areas": dict(self.areas),
                "google": self.google, "microsoft": self.microsoft, "stage_changed": self.stage_changed}


def stored_revision_results(store: Store) -> dict[str, list[CheckResult]]:
    """The newest stored check results of every commit that has some (the working tree is left out)."""
    rows = store.db.execute_returning_dicts(
        """SELECT cr.* FROM check_results cr
           JOIN (SELECT rev, MAX(scan_id) AS scan_id FROM check_results WHERE rev != 'WORKTREE' GROUP BY rev) last
             ON last.rev = cr.rev AND last.scan_id = cr.scan_id"""
    )
    out: dict[str, list[CheckResult]] = defaultdict(list)
    for row in rows:
        out[row["rev"]].append(result_from_row(row))
    return dict(out)


def tag_names(store: Store) -> dict[str, list[str]]:
    """Commit sha -> tag names (short form) pointing at it."""
    names: dict[str, list[str]] = defaultdict(list)
    for name, target in store.db.execute("SELECT name, target FROM refs WHERE kind = 'tag' ORDER BY name"):
        names[target].append(name.removeprefix("refs/tags/"))
    return dict(names)


def deployment_signals(store: Store, at_time: int | None = None, tree_key: str | None = None) -> dict[str, list[str]]:
    """Stage evidence the checks do not carry, at ``at_time`` (by commit date; None = now): container definitions
    present, and a released model (facts of ``tree_key``, registered versions, release tags)."""
    sql = """SELECT fc.path, fc.status FROM file_changes fc
             JOIN commits c ON c.sha = fc.commit_sha JOIN path_roles pr ON pr.path = fc.path
             WHERE pr.role = 'container' AND c.committer_time <= ? ORDER BY c.committer_time, fc.rowid"""
    last: dict[str, str] = dict(store.db.execute(sql, [at_time if at_time is not None else 2**62]))  # the newest status wins
    containers = [f"container definition {p}" for p, st in sorted(last.items()) if st != "D"]
    return {"small user base": containers + stored_release_signals(store, tree_key, at_time)}


def point_for(sha: str, time: int, label: str, results: list[CheckResult], signals: dict[str, list[str]] | None = None) -> HistoryPoint:
    """Score one revision's results into a timeline point."""
    card = score(results, extra_signals=signals)
    return HistoryPoint(
        sha, label, time, card.decision.operating, card.decision.meets, card.ml_test_score.final,
        card.ml_test_score.band, {k: v.score for k, v in card.areas.items()}, int(card.google.value),
        int(card.microsoft.value),
    )


def stored_history(store: Store, revs: list[str] | None = None) -> list[HistoryPoint]:
    """Timeline points, oldest first, for ``revs`` (default: every commit with stored results)."""
    by_rev = stored_revision_results(store)
    tags = tag_names(store)
    wanted = [r for r in (revs if revs is not None else list(by_rev)) if r in by_rev]
    times = {}
    if wanted:
        marks = ",".join("?" * len(wanted))
        times = dict(store.db.execute(f"SELECT sha, committer_time FROM commits WHERE sha IN ({marks})", wanted).fetchall())
    points = []
    for sha in wanted:
        when = int(times.get(sha, 0))
        points.append(point_for(sha, when, ", ".join(tags.get(sha, [])) or sha[:8], by_rev[sha], deployment_signals(store, when, sha)))
    points.sort(key=lambda p: (p.time, p.sha))
    for before, after in itertools.pairwise(points):
        after.stage_changed = after.stage != before.stage
    return points
