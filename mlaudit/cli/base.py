"""The click group, shared options and error handling (a user error is one line on stderr, exit 2)."""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

import click

from mlaudit.core.errors import Cancelled, MlauditError
from mlaudit.core.progress import Progress, ProgressEvent

EXIT_USER_ERROR = 2


class AuditGroup(click.Group):
    """A group whose commands turn MlauditError into one clear line and exit code 2, and whose commands are
    imported on first use from ``lazy_commands`` (name -> (module, short help))."""

    lazy_commands: Mapping[str, tuple[str, str]] = {}  # set on the group instance (mlaudit.cli), read only

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            importlib.import_module(self.lazy_commands[cmd_name][0])  # registers itself with @cli.command()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the static short help (no command module imported)."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                cmd = self.commands[name]
                if cmd.hidden:
                    continue
                rows.append((name, cmd.get_short_help_str(formatter.width - 6 - max(len(n) for n in self.list_commands(ctx)))))
            else:
                rows.append((name, self.lazy_commands[name][1]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MlauditError as exc:
            click.echo(f"mlaudit: error: {exc}", err=True)
            ctx.exit(EXIT_USER_ERROR)
        except (Cancelled, KeyboardInterrupt):
            click.echo("mlaudit: cancelled; the scan was recorded as cancelled and the next scan resumes it", err=True)
            ctx.exit(130)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the installed package version (looked up only when asked)."""
    if not value or ctx.resilient_parsing:
        return
    from mlaudit import __version__

    click.echo(f"mlaudit, version {__version__}")
    ctx.exit()


@click.group(cls=AuditGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
def cli() -> None:
    """Audit a machine-learning repository, offline: reproducibility, data drift, leakage, model safety.

    mlaudit reads the repo's history and files without executing anything and keeps what it
    learns in a local SQLite store, one per repo, outside the repo.

    \b
    Example:
        mlaudit scan ~/src/churn-model
        mlaudit report ~/src/churn-model --format html -o audit.html
    """


def repo_argument(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("path", type=click.Path(file_okay=False, path_type=str))(fn)


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False, path_type=str), default=None,
        help="Store file to use instead of the per-repo store in the user data folder.",
    )(fn)


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout instead of a table.")(fn)


def audit_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """PATH, --db and --json: the options every command that audits a repo takes."""
    return repo_argument(db_option(json_option(fn)))


class StderrProgress:
    """Progress on stderr: a rewritten line on a terminal, one line per phase otherwise."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self._last_phase = ""

    def __call__(self, event: ProgressEvent) -> None:
        if self.quiet:
            return
        if self.tty:
            bar = ""
            if event.total:
                filled = int(20 * event.done / max(event.total, 1))
                bar = f"[{'#' * filled}{'.' * (20 - filled)}] {event.done}/{event.total} "
            sys.stderr.write(f"\r\033[K{event.phase}: {bar}{event.message[:60]}")
            sys.stderr.flush()
        elif event.phase != self._last_phase:
            sys.stderr.write(f"{event.phase}...\n")
        self._last_phase = event.phase

    def close(self) -> None:
        if self.tty and not self.quiet:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def make_progress(quiet: bool = False) -> tuple[Progress, StderrProgress]:
    sink = StderrProgress(quiet)
    return Progress(sink), sink


def with_progress(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Pass a ``progress`` keyword (stderr bar, closed afterwards) to the command."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        progress, sink = make_progress()
        try:
            return fn(*args, progress=progress, **kwargs)
        finally:
            sink.close()

    return wrapper


def _attach_commands() -> None:
    """Give the group its lazily imported commands (listed in ``mlaudit.cli.COMMANDS``)."""
    from mlaudit.cli import COMMANDS

    cli.lazy_commands = COMMANDS


_attach_commands()
