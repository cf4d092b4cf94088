"""The report's drift section: per split pair and per data file's history, aggregated drift verdicts from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlaudit.checks.stats.compare import ColumnDrift, DriftReport, VersionStep, compare, version_steps
from mlaudit.core.config import AuditConfig
from mlaudit.core.errors import MlauditError
from mlaudit.store import data_queries as dq
from mlaudit.store.db import Store

MAX_SPLITS = 8  # split pairs compared
MAX_FILES = 8  # data files whose history is compared
MAX_STEPS = 4  # newest changes of one file kept in the report (the timeline still counts every step)
MAX_COLUMNS = 40  # columns listed per comparison in JSON, drifted and largest effect first
SHOWN_COLUMNS = 20  # columns listed per comparison in HTML and PDF


def threshold_text(col: ColumnDrift) -> str:
    """The deciding test's threshold: "p ≤ 0.05" for a p-value test, "≥ 0.1" for a distance."""
    from mlaudit.checks.stats import STATISTICS

    stat = STATISTICS.get(col.test)
    return f"p ≤ {col.threshold:.3g}" if stat is not None and stat.kind == "p_value" else f"≥ {col.threshold:.3g}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _where(v: dq.DataVersion) -> str:
    return f"{v.path}@{v.commit[:8] if v.commit else 'working tree'}"


@dataclass(slots=True)
class DriftComparison:
    """One comparison (a split pair, or one change of a data file): its verdict and per-column statistics."""

    kind: str  # split kind (test, valid, holdout, serving) or "change"
    reference: dq.DataVersion
    current: dq.DataVersion
    drift: DriftReport | None = None
    error: str = ""  # why it could not be compared

    @property
    def label(self) -> str:
        if self.kind == "change":
            return f"{self.current.path}: {_short(self.reference)} → {_short(self.current)}"
        return f"{self.reference.path} vs {self.current.path} ({self.kind})"

    @property
    def step_label(self) -> str:
        """The label within its file's section: "change a1b2c3d4 → e5f6a7b8" (or the split label)."""
        return f"change {_short(self.reference)} → {_short(self.current)}" if self.kind == "change" else self.label

    @property
    def columns(self) -> list[ColumnDrift]:
        return self.top_columns(MAX_COLUMNS)

    def top_columns(self, limit: int = SHOWN_COLUMNS) -> list[ColumnDrift]:
        """Drifted columns first, then by effect size."""
        cols = self.drift.columns if self.drift else []
        return sorted(cols, key=lambda c: (not c.drifted, -c.effect_size, c.name))[:limit]

    @property
    def verdict(self) -> str:
        if self.drift is None:
            return "not compared"
        d = self.drift
        text = f"{len(d.drifted_columns)} of {plural(len(d.columns), 'column')} drift ({d.share_drifted:.0%})"
        return text + (" — dataset drift" if d.dataset_drift else "") + (" · sampled" if d.sampled else "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind, "label": self.label,
            "reference": {"path": self.reference.path, "commit": self.reference.commit or None, "hash": self.reference.key},
            "current": {"path": self.current.path, "commit": self.current.commit or None, "hash": self.current.key},
            "compared": self.drift is not None, "error": self.error,
        }
        if self.drift is not None:
            d = self.drift.to_dict()
            d["columns_total"] = len(self.drift.columns)
            d["columns"] = [c for c in d["columns"] if c["name"] in {x.name for x in self.columns}]
            for key in ("reference", "current"):
                d.pop(key)
            out.update(d)
        return out


def _short(v: dq.DataVersion) -> str:
    return v.commit[:8] if v.commit else "working tree"


@dataclass(slots=True)
class FileDrift:
    """The drift history of one data file: every change's share of drifted columns, the newest changes in detail."""

    path: str
    steps: list[VersionStep]  # every compared change, oldest first (for the timeline)
    shown: list[DriftComparison]  # the newest MAX_STEPS changes, newest first

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "changes": len(self.steps),
            "timeline": [{"commit": s.after.commit, "time": s.after.committer_time, "share_drifted": s.report.share_drifted,
                          "dataset_drift": s.report.dataset_drift, "sampled": s.report.sampled} for s in self.steps],
            "steps": [c.to_dict() for c in self.shown],
        }


@dataclass(slots=True)
class DriftSummary:
    """Split pairs and data-file histories, with what was left out."""

    share_threshold: float
    splits: list[DriftComparison] = field(default_factory=list)
    files: list[FileDrift] = field(default_factory=list)
    splits_more: int = 0
    files_more: int = 0
    unavailable: dict[str, str] = field(default_factory=dict)  # data path -> why its history was not compared

    @property
    def empty(self) -> bool:
        return not self.splits and not self.files

    def to_dict(self) -> dict[str, Any]:
        return {"share_threshold": self.share_threshold, "splits": [c.to_dict() for c in self.splits],
                "splits_more": self.splits_more, "files": [f.to_dict() for f in self.files], "files_more": self.files_more,
                "not_compared": dict(self.unavailable)}


def _compare(store: Store, kind: str, ref: dq.DataVersion, cur: dq.DataVersion, config: AuditConfig) -> DriftComparison:
    item = DriftComparison(kind, ref, cur)
    for v in (ref, cur):
        if not v.available:
            item.error = f"{_where(v)} is {v.availability}"
            return item
    try:
        item.drift = compare(store, ref.key, cur.key, config)
    except MlauditError as exc:
        item.error = str(exc)
    return item


def _as_comparison(step: VersionStep) -> DriftComparison:
    return DriftComparison("change", step.before, step.after, step.report)


def drift_summary(store: Store, rev: str | None, config: AuditConfig) -> DriftSummary:
    """Drift of every split pair at ``rev`` (None = working tree) and of each data file's consecutive versions."""
    from mlaudit.checks.stats.compare import SHARE

    summary = DriftSummary(config.threshold(SHARE))
    pairs = dq.split_pairs(store, rev)
    summary.splits = [_compare(store, p.kind, p.reference, p.current, config) for p in pairs[:MAX_SPLITS]]
    summary.splits_more = max(0, len(pairs) - MAX_SPLITS)
    commits = dq.commit_ancestors(store, rev) if rev else None
    histories = []
    for f in dq.list_data_files(store):
        if f.versions < 2:
            continue
        try:
            steps = version_steps(store, f.path, config, commits)
        except MlauditError as exc:  # a version without a readable profile: its history cannot be compared
            summary.unavailable[f.path] = str(exc)
            continue
        committed = [v for v in dq.data_versions(store, f.path) if v.commit]
        if not steps and len(committed) >= 2 and not any(v.available for v in committed):
            summary.unavailable[f.path] = f"its {len(committed)} committed versions are {committed[-1].availability}"
        if steps:
            histories.append(FileDrift(f.path, steps, [_as_comparison(s) for s in reversed(steps[-MAX_STEPS:])]))
    histories.sort(key=lambda h: (-max(s.report.share_drifted for s in h.steps), h.path))
    summary.files = histories[:MAX_FILES]
    summary.files_more = max(0, len(histories) - MAX_FILES)
    return summary
