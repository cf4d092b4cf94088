"""``mlaudit report``: scan (incremental), then write the report as HTML, PDF, Markdown or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from mlaudit.audit import audit
from mlaudit.audit.history import DEFAULT_POINTS, maturity_history
from mlaudit.cli.base import cli, db_option, repo_argument, with_progress
from mlaudit.core.progress import Progress
from mlaudit.report import FORMATS, build_report, render, write_report
from mlaudit.report.gate import GATES, check_gate, normalise_gate

EXIT_GATE_FAILED = 1
SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md", ".markdown": "md", ".json": "json"}


@cli.command(short_help="Write the audit as HTML, PDF, Markdown, JSON.")
@repo_argument
@db_option
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default=None,
              help="Report format; default: from the -o file name, else md.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; default: stdout.")
@click.option("--fail-on", "fail_on", metavar="STAGE|SEVERITY", default=None,
              help=f"Exit 1 when the gate fails: {', '.join(GATES)}. A stage fails when its needs are not all met "
                   "(operating = the stage the project operates at); a severity fails on any warn/fail finding that severe or worse.")
@click.option("--history/--no-history", default=False, help=f"Also judge up to {DEFAULT_POINTS} tags/commits and chart maturity over history.")
@with_progress
def report(path: str, db: str | None, fmt: str | None, output: Path | None, fail_on: str | None, history: bool,
           progress: Progress) -> None:
    """Write the audit report of a repository (scans first; only new content is read).

    Exit codes: 0 report written and gate passed, 1 report written but the --fail-on gate failed,
    2 user error (bad path, store, option), 130 cancelled.

    \b
    Example:
        mlaudit report ~/src/churn-model -o audit.pdf
        mlaudit report . --format md --fail-on critical > audit.md
    """
    if fail_on is not None:
        fail_on = normalise_gate(fail_on)
    if fmt is None:
        fmt = SUFFIXES.get(output.suffix.lower(), "md") if output is not None else "md"
    if history:
        maturity_history(path, db, progress=progress)
    result = audit(path, db, progress=progress)
    built = build_report(result.store_path, result.repo.root)
    gate = check_gate(built, fail_on) if fail_on else None
    if output is None:
        click.echo(render(built, fmt), nl=False)  # bytes go to the binary stdout
    else:
        write_report(built, fmt, output)
        click.echo(f"wrote {fmt} report to {output}", err=True)
    if gate is not None:
        click.echo(f"mlaudit: gate {'FAILED' if gate.failed else 'passed'}: {gate.reason}", err=True)
        if gate.failed:
            raise SystemExit(EXIT_GATE_FAILED)

