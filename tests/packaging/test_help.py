"""Every command's help ends with an example, and `--version` shows the package version."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from mlaudit import __version__
from mlaudit.cli import COMMANDS as STATIC_HELP
from mlaudit.cli import cli, load_all_commands

COMMANDS = sorted(STATIC_HELP)


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


def test_static_short_help_matches_each_command() -> None:
    """The short help `mlaudit --help` prints without importing commands is each command's own, and names them all."""
    load_all_commands()
    assert sorted(cli.commands) == COMMANDS
    for name, (module, short) in STATIC_HELP.items():
        assert cli.commands[name].callback.__module__ == module
        assert cli.commands[name].get_short_help_str(limit=150) == short, name


def test_version_and_help_import_no_command() -> None:
    """`mlaudit --version` and `mlaudit --help` import no command module, no store, no pandas or scipy."""
    import subprocess
    import sys

    code = ("import sys; from mlaudit.cli import cli\n"
            "for args in (['--version'], ['--help']):\n"
            "    try: cli(args, prog_name='mlaudit')\n"
            "    except SystemExit: pass\n"
            "bad = [m for m in sys.modules if m.endswith('_cmd') or m.split('.')[0] in ('pandas', 'scipy', 'sqlite_utils')]\n"
            "print('LOADED', bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out


def test_version_fast_path_loads_neither_click_nor_metadata() -> None:
    """`python -m mlaudit --version` prints what the click option prints, without loading click or importlib.metadata."""
    import subprocess
    import sys

    code = ("import sys, runpy; sys.argv = ['mlaudit', '--version']\n"
            "runpy.run_module('mlaudit', run_name='__main__')\n"
            "print('LOADED', [m for m in ('click', 'importlib.metadata') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [f"mlaudit, version {__version__}", "LOADED []"]
    assert CliRunner().invoke(cli, ["--version"], catch_exceptions=False).output.strip() == out.splitlines()[0]
