"""``mlaudit gui``: the desktop app, optionally opened straight into an audit."""

from __future__ import annotations

import click

from mlaudit.cli.base import cli, db_option


@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, exists=True, path_type=str))
@db_option
@click.option("--screenshots", "screenshots", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Render every view of the audit to DIR/<view>.png and exit (for docs and visual checks).")
def gui(path: str | None, db: str | None, screenshots: str | None) -> None:
    """Open the desktop app: start page, or the audit of PATH (stored results at once, then an incremental scan).

    \b
    Example:
        mlaudit gui ~/src/churn-model
        QT_QPA_PLATFORM=offscreen mlaudit gui ~/src/churn-model --screenshots docs/img
    """
    from mlaudit.gui.app import run

    raise SystemExit(run(path, db, screenshots))
