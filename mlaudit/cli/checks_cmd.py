"""``mlaudit checks``: the check results alone."""

from __future__ import annotations

import json

import click

from mlaudit.audit import audit
from mlaudit.cli.base import audit_options, cli, with_progress
from mlaudit.cli.output import print_checks
from mlaudit.core.progress import Progress


@cli.command(short_help="Run every check and print the verdicts.")
@audit_options
@click.option("--rev", default=None, help="Judge this commit, tag or branch instead of the working tree.")
@with_progress
def checks(path: str, db: str | None, as_json: bool, rev: str | None, progress: Progress) -> None:
    """Run every check (after an incremental scan) and print the results.

    \b
    Example:
        mlaudit checks ~/src/churn-model --rev v1.0 --json
    """
    result = audit(path, db, rev=rev, progress=progress)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in result.results], indent=2, default=str))
    else:
        print_checks(result.results)
