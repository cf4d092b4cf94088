"""Readable and JSON output shared by commands."""

from __future__ import annotations

from typing import Any

import click

from mlaudit.audit import AuditResult
from mlaudit.checks.base import CheckResult, Status
from mlaudit.store.db import open_store

STATUS_COLORS = {
    Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "red", Status.UNKNOWN: "blue",
    Status.NOT_APPLICABLE: "white", Status.ERROR: "magenta",
}


def print_checks(results: list[CheckResult], header: str | None = None) -> None:
    if header:
        click.echo(header)
    width = max((len(r.check_id) for r in results), default=10)
    for r in results:
        status = click.style(f"{r.status!s:<14}", fg=STATUS_COLORS.get(r.status))
        click.echo(f"{r.check_id:<{width}}  {status} {r.points:>3g}  {r.message or r.title}")


def scan_summary_json(result: AuditResult) -> dict[str, Any]:
    """The ``scan --json`` object: counts of what the store holds, plus every check result."""
    with open_store(result.store_path, repo_root=result.repo.root) as store:
        q = lambda sql: store.db.execute(sql).fetchone()[0]
        tables = set(store.db.table_names())
        data_files = q("SELECT COUNT(*) FROM path_roles WHERE role = 'data'")
        model_files = q("SELECT COUNT(*) FROM path_roles WHERE role = 'model'")
        if "model_versions" in tables:  # model files found by content too (a pickle named .bin)
            model_files = max(model_files, q("SELECT COUNT(DISTINCT path) FROM model_versions WHERE status IS NULL OR status != 'D'"))
        return {
            "repo": str(result.repo.root),
            "store": str(result.store_path),
            "head": result.repo.head,
            "dirty": result.repo.dirty,
            "commits": q("SELECT COUNT(*) FROM commits"),
            "refs": q("SELECT COUNT(*) FROM refs"),
            "files": q("SELECT COUNT(*) FROM path_roles"),
            "data_files": data_files,
            "model_files": model_files,
            "new_commits": result.counts.get("new_commits", 0),
            "checks": [
                {"id": r.check_id, "status": str(r.status), "points": r.points, "value": r.value,
                 "evidence": [e.to_dict() for e in r.evidence]}
                for r in result.results
            ],
        }
