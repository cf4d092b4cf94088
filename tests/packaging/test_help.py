"""Every command's help ends with an example, and `--version` shows the package version."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from mlaudit import __version__
from mlaudit.cli import cli

COMMANDS = sorted(cli.commands)


def test_top_level_help_has_an_example() -> None:
    """`mlaudit --help` shows an example."""
    out = CliRunner().invoke(cli, ["--help"], catch_exceptions=False).output
    assert "Example" in out


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_an_example(name: str) -> None:
    """`mlaudit COMMAND --help` shows an example for every command."""
    result = CliRunner().invoke(cli, [name, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example" in result.output, f"`mlaudit {name} --help` has no Example block"


def test_demo_is_registered() -> None:
    """The demo command is part of the CLI."""
    assert "demo" in COMMANDS


def test_version_comes_from_package_metadata() -> None:
    """`mlaudit --version` prints the installed package version."""
    from importlib.metadata import version

    out = CliRunner().invoke(cli, ["--version"], catch_exceptions=False).output
    assert __version__ == version("mlaudit") and __version__ in out
