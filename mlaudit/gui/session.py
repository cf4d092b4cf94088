"""One open audit: the repo, its store, and the work that runs for it in the pool (no Qt widgets here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlaudit.core.config import AuditConfig, load_config
from mlaudit.core.progress import Progress
from mlaudit.core.repo import RepoInfo, open_repo

if TYPE_CHECKING:
    from mlaudit.store.db import Store

# The store, audit and report layers are imported inside the functions that need them, on first use,
# so the window appears before pandas, sqlite-utils and the checks are loaded.


@dataclass(slots=True)
class Loaded:
    """What a worker hands back after opening or scanning: the repo state and the report model (or why not)."""

    repo: RepoInfo
    store_path: Path
    report: Any = None  # mlaudit.report.Report when it could be built
    report_error: str | None = None
    stale: bool = False  # the stored audit does not match the repo's current HEAD / dirty state
    figures: dict[str, Any] = field(default_factory=dict)  # the views' charts, drawn in the worker
    scanned: bool = False  # this task ran a scan
    counts: dict[str, int] = field(default_factory=dict)


def _stored_scan(store_path: Path, repo_root: Path) -> dict[str, Any] | None:
    from mlaudit.store.db import open_store

    if not store_path.exists():
        return None
    from mlaudit.store.session_queries import last_checked_scan

    with open_store(store_path, repo_root=repo_root, readonly=True) as store:
        return last_checked_scan(store)


def _has_every_phase(store_path: Path, repo_root: Path, scan_id: int) -> bool:
    """False when this mlaudit has scan phases the stored audit never ran (it was written by an older one)."""
    from mlaudit.audit.phases import all_phases
    from mlaudit.store.db import open_store
    from mlaudit.store.session_queries import phases_done

    with open_store(store_path, repo_root=repo_root, readonly=True) as store:
        done = phases_done(store, scan_id)
    return {p.name for p in all_phases()} <= done


def _report(store_path: Path, repo_root: Path, config: AuditConfig) -> tuple[Any, str | None, dict[str, Any]]:
    """Build the report model and draw its charts; a failure becomes a readable message (other views still work)."""
    try:
        from mlaudit.gui.charts import report_charts
        from mlaudit.report import build_report

        report = build_report(store_path, repo_root, config=config)
        return report, None, report_charts(report)
    except Exception as exc:  # noqa: BLE001 - the report layer may be mid-change; show why instead of dying
        return None, f"The overview could not be built: {type(exc).__name__}: {exc}", {}


def load_stored(repo_path: str | Path, db: str | Path | None, progress: Progress) -> Loaded:
    """Open an audit from its store only (no scan); ``stale`` says whether the repo moved on since."""
    from mlaudit.audit import store_for

    progress.update("open", 0, 0, f"opening {repo_path}")
    repo, store_path = store_for(repo_path, db)
    scan = _stored_scan(store_path, repo.root)
    if scan is None:
        return Loaded(repo, store_path, stale=True)
    progress.check()
    report, error, figures = _report(store_path, repo.root, load_config())
    stale = (scan["head"] != repo.head or (repo.dirty is not None and bool(scan["dirty"]) != repo.dirty)
             or not _has_every_phase(store_path, repo.root, int(scan["id"])))
    return Loaded(repo, store_path, report, error, stale=stale, figures=figures)


def run_audit(repo_path: str | Path, db: str | Path | None, progress: Progress,
              config: AuditConfig | None = None) -> Loaded:
    """Scan incrementally, run every check, then build the report model."""
    from mlaudit.audit import audit

    config = config or load_config()
    result = audit(repo_path, db, progress=progress, config=config)
    progress.update("report", 0, 0, "building the overview")
    report, error, figures = _report(result.store_path, result.repo.root, config)
    return Loaded(open_repo(result.repo.root), result.store_path, report, error, scanned=True, counts=result.counts,
                  figures=figures)


class Session:
    """The audit shown in the window; the GUI thread reads its store through ``store()`` only."""

    def __init__(self, repo_path: str | Path, db: str | Path | None = None) -> None:
        self.repo_path = Path(repo_path)
        self.db = Path(db) if db else None
        self.repo: RepoInfo | None = None
        self.store_path: Path | None = None
        self.report: Any = None
        self.report_error: str | None = None
        self.figures: dict[str, Any] = {}
        self.history_judged = False  # maturity over history was scored (or tried) in this session
        self.generation = 0  # bumped whenever the store changed (views reload when their copy is older)
        self._store: Store | None = None

    @property
    def root(self) -> Path:
        return self.repo.root if self.repo is not None else self.repo_path

    @property
    def name(self) -> str:
        return self.root.name or str(self.root)

    def apply(self, loaded: Loaded) -> None:
        """Take a worker's result (GUI thread)."""
        self.repo, self.store_path = loaded.repo, loaded.store_path
        self.report, self.report_error, self.figures = loaded.report, loaded.report_error, loaded.figures
        self.generation += 1

    def store(self) -> Store | None:
        """A read connection for the GUI thread, or None before the first scan wrote the store."""
        if self._store is None and self.store_path is not None and self.store_path.exists():
            from mlaudit.store.db import open_store

            self._store = open_store(self.store_path, repo_root=self.root, readonly=True)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
