"""``mlaudit report``: scan (incremental), then write the report as HTML, PDF, Markdown, JSON, SARIF or CycloneDX."""

from __future__ import annotations

from pathlib import Path

import click

from mlaudit.audit import audit
from mlaudit.audit.history import DEFAULT_POINTS, maturity_history
from mlaudit.cli.base import cli, db_option, repo_argument, with_progress
from mlaudit.core.config import load_config
from mlaudit.core.progress import Progress
from mlaudit.core.project_config import merge_config
from mlaudit.core.repo import open_repo
from mlaudit.report import FORMATS, build_report, render, write_report
from mlaudit.report.gate import GATES, check_gate, normalise_gate
from mlaudit.report.waivers import load_repo_config, worktree_reader

EXIT_GATE_FAILED = 1
SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md", ".markdown": "md", ".json": "json",
            ".sarif": "sarif"}


def format_of(output: Path | None) -> str:
    """The format a file name asks for (``x.sarif``, ``x.sarif.json`` ...); md when it names none."""
    if output is None:
        return "md"
    name = output.name.lower()
    for suffix, fmt in COMPOUND_SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    return SUFFIXES.get(output.suffix.lower(), "md")


COMPOUND_SUFFIXES = {".sarif.json": "sarif", ".cdx.json": "cyclonedx", ".bom.json": "cyclonedx"}


@cli.command(short_help="Write the audit as HTML, PDF, Markdown, JSON, SARIF, CycloneDX.")
@repo_argument
@db_option
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default=None,
              help="Report format; default: from the -o file name, else md.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; default: stdout.")
@click.option("--fail-on", "fail_on", metavar="STAGE|SEVERITY", default=None,
              help=f"Exit 1 when the gate fails: {', '.join(GATES)}. A stage fails when its needs are not all met "
                   "(operating = the stage the project operates at); a severity fails on any warn/fail finding that severe "
                   "or worse and not waived; inconclusive fails when any model or needed file could not be fully analysed. "
                   "An expired waiver fails every gate.")
@click.option("--history/--no-history", default=False, help=f"Also judge up to {DEFAULT_POINTS} tags/commits and chart maturity over history.")
@with_progress
def report(path: str, db: str | None, fmt: str | None, output: Path | None, fail_on: str | None, history: bool,
           progress: Progress) -> None:
    """Write the audit report of a repository (scans first; only new content is read).

    Exit codes: 0 report written and gate passed, 1 report written but the --fail-on gate failed,
    2 user error (bad path, store, option, invalid repo config), 130 cancelled.

    The audited repo may configure mlaudit in .mlaudit.toml or [tool.mlaudit] in pyproject.toml (select, ignore,
    thresholds, path-rules, waivers); its thresholds override the user settings. Inline waivers in code:
    `# mlaudit: ignore[CHECK-ID] reason` on the finding's line or the line above.

    \b
    Example:
        mlaudit report ~/src/churn-model -o audit.pdf
        mlaudit report . --format md --fail-on critical > audit.md
        mlaudit report . -o mlaudit.sarif --fail-on inconclusive
        mlaudit report . -o ml-bom.cdx.json
    """
    if fail_on is not None:
        fail_on = normalise_gate(fail_on)
    if fmt is None:
        fmt = format_of(output)
    root = open_repo(path).root
    user = load_config()
    project = load_repo_config(root, worktree_reader(root))  # a bad repo config stops here, before any scan
    config = merge_config(user, project).config
    if history:
        maturity_history(path, db, progress=progress, config=config)
    result = audit(path, db, progress=progress, config=config)
    built = build_report(result.store_path, result.repo.root, config=user, project=project)
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

