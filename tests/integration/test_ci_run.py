""".ci/run: lint, type check, then the README's test command, stopping at the first that fails.

The real script runs with `python` and `apt-get` replaced by recorders on PATH, so the order of its steps and its
exit status are observed without installing anything or running the suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CI_RUN = ROOT / ".ci" / "run"

RECORDER = """#!/bin/sh
# records each call; exits 1 for the step named in $FAIL_STEP
echo "$*" >> "$CALLS"
case "$1 $2" in
  "-m $FAIL_STEP") exit 1 ;;
esac
exit 0
"""


def _run_ci(tmp_path: Path, fail_step: str = "") -> tuple[int, list[str]]:
    """Run .ci/run with recorders for python and apt-get; (exit status, the python calls in order)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("python", "apt-get"):
        (bin_dir / name).write_text(RECORDER)
        (bin_dir / name).chmod(0o755)
    calls = tmp_path / f"calls-{fail_step or 'none'}.txt"
    calls.write_text("")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "CALLS": str(calls), "FAIL_STEP": fail_step}
    proc = subprocess.run(["bash", str(CI_RUN)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
    steps = [line.split()[1] for line in calls.read_text().splitlines() if line.startswith("-m ")]
    return proc.returncode, steps


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to run .ci/run")
def test_ci_runs_ruff_and_mypy_before_the_suite(tmp_path: Path) -> None:
    """With every step passing, .ci/run installs, runs ruff, mypy, then pytest, and exits 0."""
    status, steps = _run_ci(tmp_path)
    assert status == 0
    assert [s for s in steps if s != "pip"] == ["ruff", "mypy", "pytest"]
    assert steps.index("pip") < steps.index("ruff")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to run .ci/run")
@pytest.mark.parametrize("failing", ["ruff", "mypy", "pytest"])
def test_ci_fails_when_any_step_fails(tmp_path: Path, failing: str) -> None:
    """A failing ruff, mypy or pytest makes .ci/run exit non-zero, and nothing after it runs."""
    status, steps = _run_ci(tmp_path, failing)
    assert status != 0
    assert steps[-1] == failing


def test_ci_test_command_is_the_readmes() -> None:
    """The README's test command stands in .ci/run exactly, and the lint commands the README names are the ones CI runs."""
    readme, script = (ROOT / "README.md").read_text(), CI_RUN.read_text()
    test_command = 'python -m pip install -e ".[test]" && python -m pytest -n 2'
    assert test_command in readme.splitlines() and test_command in script.splitlines()
    assert "python -m ruff check . && python -m mypy" in readme
    assert re.search(r"^python -m ruff check \.$", script, re.MULTILINE)
    assert re.search(r"^python -m mypy$", script, re.MULTILINE)


def test_lint_tools_are_pinned_in_the_test_extra() -> None:
    """ruff and mypy (and the stubs mypy reads) are pinned exactly, so a release cannot change CI's verdict."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    pinned = {req.split("==")[0].lower() for req in extra if "==" in req}
    assert {"ruff", "mypy", "pandas-stubs", "types-pyyaml"} <= pinned
