"""One report model, built from the store only; every renderer (HTML, PDF, Markdown, JSON) reads it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mlaudit import __version__
from mlaudit.checks.base import AREAS, CheckResult, Evidence, Status, result_from_row
from mlaudit.checks.scoring import Scorecard, score
from mlaudit.core.config import AuditConfig, load_config
from mlaudit.core.errors import StoreError
from mlaudit.core.project_config import ProjectConfig, merge_config
from mlaudit.report.drift import DriftSummary, drift_summary
from mlaudit.report.timeline import HistoryPoint, deployment_signals, stored_history
from mlaudit.report.waivers import (
    SourceReader,
    WaiverIndex,
    WaiverState,
    build_index,
    commit_reader,
    load_repo_config,
    site_line,
    worktree_reader,
)
from mlaudit.scanners.models.report import VERDICTS
from mlaudit.store import data_queries, model_queries
from mlaudit.store.db import Store, open_store

SCHEMA_VERSION = "1.3"  # 1.3: per-check coverage, per-area measured/unknown, need states
TABLE_ROWS = 40
WORKTREE = "WORKTREE"

# Areas whose evidence comes from a scan phase; when the phase never ran, the area is "not scanned".
AREA_PHASES = {"data": "data", "drift": "data", "models": "models", "leakage": "leakage"}
# Path roles counted in each area's inventory line.
AREA_ROLES = {
    "repro": ("deps", "config-params"), "data": ("data",), "drift": ("data",), "leakage": ("data",),
    "models": ("model",), "infra": ("ci", "container", "test", "tracking"), "mon": ("code",),
}


@dataclass(slots=True)
class Provenance:
    """Where the report's facts come from."""

    repo: str
    head: str | None
    branch: str | None
    dirty: bool | None
    scanned_at: str
    scan_id: int
    mlaudit_version: str
    rev: str
    store: str
    thresholds: dict[str, float]
    threshold_sources: dict[str, str] = field(default_factory=dict)  # name -> "default", "user settings", "pyproject.toml:12"
    config_file: str | None = None  # the repo config read (.mlaudit.toml or pyproject.toml), if any

    def to_dict(self) -> dict[str, Any]:
        return {"repo": self.repo, "head": self.head, "branch": self.branch, "dirty": self.dirty,
                "scanned_at": self.scanned_at, "scan_id": self.scan_id, "mlaudit_version": self.mlaudit_version,
                "rev": self.rev, "store": self.store, "thresholds": dict(self.thresholds),
                "threshold_sources": dict(self.threshold_sources), "config_file": self.config_file}


@dataclass(slots=True)
class Section:
    """One area: its score, its checks, whether it was scanned, and a few inventory figures."""

    area: str
    name: str
    score: float | None
    results: list[CheckResult]
    scanned: bool
    note: str = ""
    inventory: dict[str, int] = field(default_factory=dict)
    table_title: str = ""
    table_headers: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)  # aggregated, at most TABLE_ROWS rows
    table_more: int = 0  # rows left out


@dataclass(slots=True)
class Report:
    """Everything a renderer needs, aggregated (no raw data rows)."""

    provenance: Provenance
    results: list[CheckResult]
    scorecard: Scorecard
    sections: list[Section]
    inventory: dict[str, int]
    history: list[HistoryPoint]
    scan_errors: list[dict[str, Any]]
    generated_at: str
    drift: DriftSummary | None = None  # None: the data phase did not run
    waivers: WaiverIndex | None = None  # repo config and inline waivers; None: none were looked for
    inconclusive: list[str] = field(default_factory=list)  # files not fully analysed (models, unread files), one line each

    def waiver_state(self, result: CheckResult) -> WaiverState | None:
        """How waivers bear on a finding (None: no waiver does)."""
        return self.waivers.state(result) if self.waivers is not None else None

    def waiver_for(self, result: CheckResult, path: str | None, line: int | None, cell: int | None = None) -> Any:
        """The waiver in force covering one finding site, or None."""
        if self.waivers is None:
            return None
        key = site_line(Evidence("", path=path, line=line, cell=cell)) if line is not None else None
        return self.waivers.for_site(result.check_id, path, key)

    @property
    def title(self) -> str:
        return f"ML audit of {Path(self.provenance.repo).name}"

    def by_status(self) -> dict[str, int]:
        return {str(s): sum(r.status == s for r in self.results) for s in Status}


def _scan_of(store: Store, rev: str) -> tuple[dict[str, Any], list[CheckResult]]:
    """The newest scan holding check results for ``rev``, and those results in report order."""
    row = store.db.execute("SELECT MAX(scan_id) FROM check_results WHERE rev = ?", [rev]).fetchone()
    scans = store.db.execute_returning_dicts("SELECT * FROM scans WHERE id = ?", [row[0]]) if row and row[0] is not None else []
    if not scans:
        what = "no finished audit" if rev == WORKTREE else f"no check results for {rev}"
        raise StoreError(f"the store {store.path} holds {what}; run `mlaudit scan PATH` (or `mlaudit report`, which scans first)")
    rows = store.db.execute_returning_dicts("SELECT * FROM check_results WHERE scan_id = ? AND rev = ?", [row[0], rev])
    # all_checks() order (area, then id) from the rows alone: loading every check module costs 0.5-1.5 s (pandas, scipy)
    area_order = list(AREAS)
    results = [result_from_row(r) for r in rows]
    results.sort(key=lambda r: (area_order.index(r.area) if r.area in area_order else 99, r.check_id))
    return scans[0], results


def _signals_at(store: Store, sha: str) -> dict[str, list[str]]:
    row = store.db.execute("SELECT committer_time FROM commits WHERE sha = ?", [sha]).fetchone()
    return deployment_signals(store, row[0] if row else None, sha)


def _live_paths_by_role(store: Store) -> dict[str, list[str]]:
    """Paths per role whose newest change is not a deletion."""
    sql = """SELECT pr.role, pr.path FROM path_roles pr
             LEFT JOIN (SELECT path, status FROM file_changes WHERE rowid IN (SELECT MAX(rowid) FROM file_changes GROUP BY path)) last
               ON last.path = pr.path
             WHERE COALESCE(last.status, 'A') != 'D' ORDER BY pr.path"""
    out: dict[str, list[str]] = {}
    for role, path in store.db.execute(sql):
        out.setdefault(role, []).append(path)
    return out


def _sections(store: Store, scan_id: int, results: list[CheckResult], card: Scorecard,
              roles: dict[str, list[str]]) -> list[Section]:
    phases = {r[0] for r in store.db.execute("SELECT phase FROM scan_phases WHERE scan_id = ? AND status = 'done'", [scan_id])}
    sections = []
    for area, name in AREAS.items():
        mine = [r for r in results if r.area == area]
        phase = AREA_PHASES.get(area)
        scanned = phase is None or phase in phases
        note = ""
        if not scanned:
            note = f"not scanned: this mlaudit has no {phase} scan phase yet, so the {name.lower()} checks cannot read stored {phase}"
        elif not mine:
            note = "no check of this area ran"
        inventory = {f"{role} files": len(roles.get(role, [])) for role in AREA_ROLES.get(area, ())}
        section = Section(area, name, card.areas[area].score, mine, scanned, note, inventory)
        if area == "models":
            _model_table(store, section)
        elif area == "data" and scanned:
            _data_table(store, section)
        sections.append(section)
    return sections


def _data_table(store: Store, section: Section) -> None:
    """The data inventory: one row per data path with its versions and the shape of its newest content."""
    files = data_queries.list_data_files(store)
    if not files:
        return
    section.table_title = "Data files (newest version of each)"
    section.table_headers = ["path", "versions", "sources", "format", "rows", "columns"]
    for f in files[:TABLE_ROWS]:
        prof = data_queries.profile(store, f.latest_key)
        shape = ["", "", ""] if prof is None else [prof.format or "", "" if prof.rows is None else f"{prof.rows:,}", str(len(prof.columns))]
        if prof is not None and prof.error:
            shape = [prof.format or "", "unreadable", prof.error[:60]]
        section.table_rows.append([f.path, str(f.versions), ", ".join(f.sources), *shape])
    section.table_more = max(0, len(files) - TABLE_ROWS)
    section.inventory = {"data files": len(files), "data versions": sum(f.versions for f in files)}


def _model_table(store: Store, section: Section) -> None:
    """The model inventory: one row per current model file with its format, verdict and version count."""
    versions: dict[str, int] = {}
    for v in model_queries.all_versions(store):
        versions[v.path] = versions.get(v.path, 0) + 1
    models = model_queries.list_models(store)
    if not models:
        return
    section.table_title = "Model files (current version of each)"
    section.table_headers = ["path", "format", "security verdict", "estimator", "versions"]
    for m in models[:TABLE_ROWS]:
        section.table_rows.append([m.path, m.format, _verdict_cell(m), m.estimator or "", str(versions.get(m.path, 1))])
    section.table_more = max(0, len(models) - TABLE_ROWS)
    section.inventory = {"model files": len(models), "model versions": sum(versions.values()),
                         **{f"{verdict} model files": sum(m.verdict == verdict for m in models) for verdict in VERDICTS}}


def _verdict_cell(m: model_queries.ModelVersion) -> str:
    """dangerous (the globals) | inconclusive: the first reason | safe."""
    if m.verdict == "dangerous":
        return f"dangerous ({', '.join(m.dangerous[:3])})" if m.dangerous else "dangerous"
    if m.verdict == "inconclusive":
        reason = m.reasons[0] if m.reasons else "not fully analysed"
        return f"inconclusive: {reason[:120]}"
    return m.verdict


CONCLUSIVE_VERDICTS = ("safe", "dangerous", "not-pickle")  # not-pickle: a format that carries no pickle code


def _inconclusive(store: Store, scan_id: int, results: list[CheckResult]) -> list[str]:
    """What could not be fully analysed, one line per file: current model files without a conclusive verdict,
    current data files that could not be read or are not available locally (their stored state, so an incremental
    rescan that reads nothing new still reports them), files this scan or a check could not read."""
    found: dict[str, str] = {}
    for m in model_queries.list_models(store):
        if m.verdict not in CONCLUSIVE_VERDICTS:
            found.setdefault(m.path, f"model {m.path}: verdict {m.verdict}")
    for f in data_queries.list_data_files(store):
        latest = data_queries.data_versions(store, f.path)[-1]
        prof = data_queries.profile(store, f.latest_key)
        if latest.status == "D":
            continue
        if prof is not None and prof.error:
            found.setdefault(f.path, f"data {f.path}: {prof.error}")
        elif not latest.available:
            found.setdefault(f.path, f"data {f.path}: {latest.availability} ({latest.source})")
    for phase, where, reason in store.db.execute(
            "SELECT phase, path, reason FROM scan_errors WHERE scan_id = ? ORDER BY phase, path", [scan_id]):
        found.setdefault(where or f"?{phase}", f"{phase}: {where or '?'}: {reason}")
    for r in results:
        for ev in r.evidence:
            if ev.detail.startswith("not analysed:"):
                found.setdefault(ev.path or f"?{r.check_id}", f"{r.check_id}: {ev.path or '?'}: {ev.detail}")
    return list(found.values())


def _excluded(results: list[CheckResult], project: ProjectConfig) -> list[CheckResult]:
    """Checks the repo config leaves out become "not applicable" with the reason (never a pass)."""
    out = []
    for r in results:
        why = project.exclusion_reason(r.check_id)
        if why is not None:
            r = CheckResult(r.check_id, Status.NOT_APPLICABLE, 0.0, message=f"not judged: {why}", severity=r.severity,
                            title=r.title, area=r.area)
        out.append(r)
    return out


def build_report(store_path: str | os.PathLike[str], repo_path: str | os.PathLike[str] | None = None, *,
                 rev: str = WORKTREE, config: AuditConfig | None = None, generated_at: str | None = None,
                 project: ProjectConfig | None = None) -> Report:
    """Build the report of the newest audit in the store (``rev``: a commit sha with stored results, or WORKTREE).

    ``config``: the user's settings; ``project``: the repo config (read from ``repo_path`` at ``rev`` when not given).
    Repo thresholds override the user's (see mlaudit.core.project_config for the precedence).
    """
    user = config or load_config()
    path = Path(store_path)
    if not path.exists():
        raise StoreError(f"no store at {path}; run `mlaudit scan PATH` first")
    root = Path(repo_path) if repo_path is not None else None
    read: SourceReader | None = None
    close: Callable[[], None] = lambda: None
    if root is not None:
        read, close = (worktree_reader(root), close) if rev == WORKTREE else commit_reader(root, rev)
    try:
        if project is None:
            project = load_repo_config(root, read) if root is not None and read is not None else ProjectConfig()
        merged = merge_config(user, project)
        return _build(path, repo_path, rev, merged.config, merged.sources, project, read, generated_at)
    finally:
        close()


def _build(path: Path, repo_path: str | os.PathLike[str] | None, rev: str, config: AuditConfig, sources: dict[str, str],
           project: ProjectConfig, read: Any, generated_at: str | None) -> Report:
    with open_store(path, repo_root=Path(repo_path) if repo_path else None) as store:
        scan, results = _scan_of(store, rev)
        results = _excluded(results, project)
        waivers = build_index(project, results, read)
        roles = _live_paths_by_role(store)
        signals = deployment_signals(store, None, f"WORKTREE@{scan['id']}") if rev == WORKTREE else _signals_at(store, rev)
        card = score(results, extra_signals=signals)
        inventory = {
            "commits": store.db.execute("SELECT COUNT(*) FROM commits").fetchone()[0],
            "tags": store.db.execute("SELECT COUNT(*) FROM refs WHERE kind = 'tag'").fetchone()[0],
            "files": sum(len(v) for v in roles.values()),
            **{f"{role} files": len(v) for role, v in sorted(roles.items())},
        }
        errors = store.db.execute_returning_dicts(
            "SELECT phase, path, blob, reason FROM scan_errors WHERE scan_id = ? ORDER BY phase, path LIMIT 200", [scan["id"]]
        )
        provenance = Provenance(
            repo=str(scan["repo"]), head=scan["head"], branch=scan["branch"],
            dirty=None if scan["dirty"] is None else bool(scan["dirty"]), scanned_at=scan["finished_at"] or scan["started_at"],
            scan_id=int(scan["id"]), mlaudit_version=scan["mlaudit_version"] or __version__, rev=rev, store=str(path),
            thresholds=config.effective_thresholds(), threshold_sources=sources, config_file=project.source,
        )
        data_scanned = store.db.execute("SELECT 1 FROM scan_phases WHERE scan_id = ? AND phase = 'data' AND status = 'done'",
                                        [scan["id"]]).fetchone() is not None
        drift = drift_summary(store, None if rev == WORKTREE else rev, config) if data_scanned else None
        return Report(
            provenance, results, card, _sections(store, int(scan["id"]), results, card, roles), inventory,
            stored_history(store), errors, generated_at or datetime.now(UTC).isoformat(timespec="seconds"), drift, waivers,
            _inconclusive(store, int(scan["id"]), results),
        )
