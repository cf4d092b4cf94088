"""``mlaudit gui``: the desktop app, optionally opened straight into an audit."""

from __future__ import annotations

import os
import sys

import click

from mlaudit.cli.base import cli, db_option
from mlaudit.core.errors import MlauditError


def _check_display(screenshots: bool) -> None:
    """Render offscreen for --screenshots without a display; otherwise say clearly that a desktop is needed."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    if screenshots:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    raise MlauditError("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); run it in a desktop "
                       "session, or use --screenshots DIR, or the CLI commands (mlaudit report ...)")


@cli.command(short_help="Open the desktop app.")
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
    _check_display(screenshots is not None)
    from mlaudit.gui.app import run

    raise SystemExit(run(path, db, screenshots))
