"""``mlaudit leakage``: leakage findings in the data and in the code."""

from __future__ import annotations

import json

import click

from mlaudit.audit.leakage import leakage as run_leakage
from mlaudit.checks.leakage.findings import LeakFinding
from mlaudit.cli.base import audit_options, cli, with_progress
from mlaudit.cli.output import print_checks
from mlaudit.core.progress import Progress


def _print_finding(f: LeakFinding) -> None:
    """One finding: check, severity and place, its message, then the evidence the message does not already say."""
    where = f.path or ""
    if f.cell is not None:
        where += f" cell {f.cell}"
    if f.line is not None:
        where += f" line {f.line}"
    click.echo(f"{click.style(f.check_id, bold=True)} [{f.severity}] {where}")
    click.echo(f"    {f.message}")
    for ev in f.evidence:
        if ev.get("detail") != f.message and not f.message.endswith(ev.get("detail", "")):
            at = "".join(f" {k} {ev[k]}" for k in ("cell", "line") if ev.get(k) is not None)
            click.echo(f"    - {ev['detail']}" + (f"  ({ev.get('path')}{at})" if ev.get("path") and at else ""))


@cli.command(short_help="Find train/test leakage in data and code.")
@audit_options
@click.option("--rev", default=None, help="Judge this commit, tag or branch instead of the working tree.")
@with_progress
def leakage(path: str, db: str | None, as_json: bool, rev: str | None, progress: Progress) -> None:
    """Find train/test leakage: overlap, shared entities, temporal order and target proxies in the data;
    preprocessing or resampling before the split, test-set reuse and test statistics in the code.

    \b
    Example:
        mlaudit leakage ~/src/churn-model --json > leakage.json
    """
    report = run_leakage(path, db, rev=rev, progress=progress)
    if as_json:
        click.echo(json.dumps({"repo": str(report.repo.root), "rev": report.rev,
                               "findings": [f.to_dict() for f in report.findings],
                               "checks": [{"id": r.check_id, "status": str(r.status), "value": r.value} for r in report.results],
                               "unreadable": report.unreadable}, indent=2, default=str))
        return
    print_checks(report.results, header=f"{report.repo.root} @ {report.rev or 'working tree'}")
    if report.findings:
        click.echo("")
    for f in report.findings:
        _print_finding(f)
    for u in report.unreadable:
        click.echo(f"unreadable: {u['path']}: {u['reason']}")
