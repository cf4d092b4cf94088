"""Scan phases: each brings one part of the store up to date, inside its own transaction.

A phase is a module ``mlaudit/audit/phase_<name>.py`` defining ``PHASE = Phase(name, order, run)``;
modules are discovered automatically, so areas add phases without touching the orchestrator.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from mlaudit.core.config import AuditConfig
from mlaudit.core.objects import GitObjects
from mlaudit.core.progress import Progress
from mlaudit.core.records import ScanIssue
from mlaudit.core.repo import RepoInfo
from mlaudit.store.db import Store


@dataclass
class ScanContext:
    """What a phase gets: repo, store, progress + cancel, config, a git object reader."""

    repo: RepoInfo
    store: Store
    progress: Progress
    config: AuditConfig
    scan_id: int
    objects: GitObjects | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def record_issue(self, issue: ScanIssue) -> None:
        """Store a file that could not be read (it becomes a finding; the scan goes on)."""
        self.store.db.execute(
            "INSERT INTO scan_errors(scan_id, phase, path, blob, reason) VALUES (?, ?, ?, ?, ?)",
            [self.scan_id, issue.phase, issue.path, issue.blob, issue.reason],
        )


@dataclass(frozen=True)
class Phase:
    name: str
    order: int  # lower runs first: git 10, roles 20, practices 30, data 40, models 50, leakage 60
    run: Callable[[ScanContext], None]
    help: str = ""


def all_phases() -> list[Phase]:
    import mlaudit.audit as pkg

    phases = []
    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name.startswith("phase_"):
            phases.append(importlib.import_module(f"{pkg.__name__}.{mod.name}").PHASE)
    return sorted(phases, key=lambda p: (p.order, p.name))
