"""Command-line interface (thin): parse arguments, call the library, print results.

Each command lives in its own module under ``mlaudit/cli/`` and is listed in ``COMMANDS`` with its short help.
A command's module is imported only when that command runs (or its own help is shown): ``mlaudit --version``
and ``mlaudit --help`` import none of them. A test checks that the short help here matches each command's.
"""

from __future__ import annotations

import sys
from typing import Any

# name -> (module defining it with ``@cli.command()``, its short help as shown by ``mlaudit --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("mlaudit.cli.scan_cmd", "Scan a repository into its store."),
    "checks": ("mlaudit.cli.checks_cmd", "Run every check and print the verdicts."),
    "demo": ("mlaudit.cli.demo_cmd", "Build a sample project, audit it, show it."),
    "data": ("mlaudit.cli.data_cmd", "List data files and every stored version; `data diff` compares two."),
    "drift": ("mlaudit.cli.drift_cmd", "Compare two data versions or files for drift."),
    "models": ("mlaudit.cli.models_cmd", "List model files with security verdicts."),
    "compare": ("mlaudit.cli.compare_cmd", "Compare two model versions side by side."),
    "leakage": ("mlaudit.cli.leakage_cmd", "Find train/test leakage in data and code."),
    "history": ("mlaudit.cli.history_cmd", "Score the repository at every tag."),
    "report": ("mlaudit.cli.report_cmd", "Write the audit as HTML, PDF, Markdown, JSON, SARIF, CycloneDX."),
    "gui": ("mlaudit.cli.gui_cmd", "Open the desktop app."),
}
COMMAND_MODULES = list(dict.fromkeys(module for module, _ in COMMANDS.values()))



def __getattr__(name: str) -> Any:
    """``cli`` (the click group) is loaded on first use: click costs ~50 ms, and ``--version`` never needs it."""
    if name == "cli":
        from mlaudit.cli.base import cli

        return cli
    raise AttributeError(f"module 'mlaudit.cli' has no attribute {name!r}")


def load_all_commands() -> None:
    """Import every command module (for tools that walk ``cli.commands``)."""
    from mlaudit.cli.base import cli

    for name in COMMANDS:
        cli.get_command(None, name)  # type: ignore[arg-type]


def main() -> None:
    """Entry point of the ``mlaudit`` console script (``--version`` alone answers before click loads: it must be instant)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from mlaudit import __version__

        print(f"mlaudit, version {__version__}")
        return
    from mlaudit.cli.base import cli

    cli(prog_name="mlaudit")


__all__ = ["COMMANDS", "cli", "load_all_commands", "main"]
