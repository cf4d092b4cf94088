"""Command-line interface (thin): parse arguments, call the library, print results.

Each command lives in its own module under ``mlaudit/cli/`` and is registered in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import importlib

from mlaudit.cli.base import cli

# Modules defining commands with ``@cli.command()``; each adds itself when imported.
COMMAND_MODULES = [
    "mlaudit.cli.scan_cmd", "mlaudit.cli.checks_cmd", "mlaudit.cli.demo_cmd", "mlaudit.cli.data_cmd",
    "mlaudit.cli.drift_cmd", "mlaudit.cli.models_cmd", "mlaudit.cli.compare_cmd", "mlaudit.cli.leakage_cmd",
    "mlaudit.cli.history_cmd", "mlaudit.cli.report_cmd", "mlaudit.cli.gui_cmd",
]

for _mod in COMMAND_MODULES:
    importlib.import_module(_mod)


def main() -> None:
    """Entry point of the ``mlaudit`` console script."""
    cli(prog_name="mlaudit")


__all__ = ["cli", "main"]
