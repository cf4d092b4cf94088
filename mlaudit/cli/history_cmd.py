"""``mlaudit history``: maturity at every tag (or evenly spaced commits), from the store where possible."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from mlaudit.audit.history import DEFAULT_POINTS, maturity_history
from mlaudit.cli.base import audit_options, cli, with_progress
from mlaudit.core.progress import Progress


@cli.command(short_help="Score the repository at every tag.")
@audit_options
@click.option("--points", type=click.IntRange(1, 200), default=DEFAULT_POINTS, show_default=True,
              help="Revisions to judge: the tags (evenly spaced when there are more), topped up with evenly spaced commits of HEAD's first-parent history.")
@with_progress
def history(path: str, db: str | None, as_json: bool, points: int, progress: Progress) -> None:
    """Score the repository at every tag (or evenly spaced commits): stage, ML Test Score and levels over time.

    Each revision is judged from git objects (no checkout); a revision judged before is read from the store.

    \b
    Example:
        mlaudit history ~/src/churn-model --points 20 --json > maturity.json
    """
    result = maturity_history(path, db, points=points, progress=progress)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, default=str))
        return
    if not result.points:
        click.echo(f"{result.repo.root}: no commit to judge (not a git repository, or no commit yet)")
        return
    click.echo(f"{'revision':<16} {'date':<10}  {'stage':<16} {'meets':<16} {'MLTS':>4}  google  microsoft")
    for p in result.points:
        date = datetime.fromtimestamp(p.time, UTC).strftime("%Y-%m-%d") if p.time else ""
        mark = "  <- stage changed" if p.stage_changed else ""
        click.echo(f"{p.label[:16]:<16} {date:<10}  {p.stage:<16} {p.meets:<16} {p.ml_test_score:>4g}  {p.google:>6}  {p.microsoft:>9}{mark}")
    click.echo(f"({result.computed} revisions judged now, {result.reused} read from the store)", err=True)
