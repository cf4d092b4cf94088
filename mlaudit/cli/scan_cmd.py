"""``mlaudit scan`` and ``mlaudit checks``."""

from __future__ import annotations

import json

import click

from mlaudit.audit import audit
from mlaudit.cli.base import audit_options, cli, with_progress
from mlaudit.cli.output import print_checks, scan_summary_json
from mlaudit.core.progress import Progress


@cli.command(short_help="Scan a repository into its store.")
@audit_options
@with_progress
def scan(path: str, db: str | None, as_json: bool, progress: Progress) -> None:
    """Scan a repository into its store (incremental) and run every check.

    \b
    Example:
        mlaudit scan ~/src/churn-model --json > scan.json
    """
    result = audit(path, db, progress=progress)
    if as_json:
        click.echo(json.dumps(scan_summary_json(result), indent=2, default=str))
    else:
        print_checks(result.results, header=f"{result.repo.root}  (store: {result.store_path})")
