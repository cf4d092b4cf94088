"""leakage(): bring the store up to date, then run the leakage checks on the working tree or a commit."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from mlaudit.audit.run import scan
from mlaudit.checks.base import CheckResult, all_checks, run_checks
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.findings import LeakFinding, leak_findings
from mlaudit.core.config import AuditConfig, load_config
from mlaudit.core.progress import Progress
from mlaudit.core.repo import RepoInfo
from mlaudit.core.tree import open_tree
from mlaudit.store.db import open_store


@dataclass
class LeakageReport:
    """Leakage check results, their findings, and the sources that could not be analysed."""

    repo: RepoInfo
    rev: str | None
    results: list[CheckResult]
    findings: list[LeakFinding]
    unreadable: list[dict[str, str]] = field(default_factory=list)

def leakage(repo_path: str | os.PathLike[str], db: str | os.PathLike[str] | None = None, *, rev: str | None = None,
            progress: Progress | None = None, config: AuditConfig | None = None) -> LeakageReport:
    """Incremental scan, then every LEAK-* check on ``rev`` (default: the working tree)."""
    config = config or load_config()
    summary = scan(repo_path, db, progress=progress, config=config)
    ids = [cid for cid, cls in all_checks().items() if cls.area == "leakage"]
    with open_store(summary.store_path, repo_root=summary.repo.root) as store:
        tree = open_tree(summary.repo, rev)
        try:
            ctx = CheckContext(summary.repo, store, tree, config, summary.scan_id, progress)
            results = run_checks(ctx, ids)
        finally:
            tree.close()
        rows = store.db.execute(
            "SELECT path, reason FROM scan_errors WHERE scan_id = ? AND phase = 'leakage' ORDER BY path", [summary.scan_id])
        unreadable = [{"path": p, "reason": why} for p, why in rows] if rev is None else []
    return LeakageReport(summary.repo, tree.rev, results, leak_findings(results), unreadable)
