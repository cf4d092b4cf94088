"""The CI integrations (pre-commit hook, GitHub Action, GitLab job, README examples) run valid mlaudit commands."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from mlaudit.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def _mlaudit_lines(script: str) -> list[str]:
    """The mlaudit command lines of a shell script (continuations joined)."""
    return [line.strip() for line in script.replace("\\\n", " ").splitlines() if line.strip().startswith("mlaudit ")]


def _parse(args: list[str]) -> None:
    """Parse ``args`` the way the CLI would, without running the command (click raises on a bad option)."""
    with click.Context(cli, info_name="mlaudit") as ctx:
        command = cli.get_command(ctx, args[0])
        if command is None:
            raise click.UsageError(f"no such command {args[0]!r}")
        with command.make_context(args[0], list(args[1:]), parent=ctx):
            pass


def _expand(line: str, env: dict[str, str]) -> list[str]:
    """Shell words of ``line`` with $VAR, ${VAR} and ${VAR:+word} expanded from ``env`` (as bash would here)."""
    def plus(m: re.Match[str]) -> str:
        return m.group(2) if env.get(m.group(1)) else ""
    line = re.sub(r"\$\{(\w+):\+([^}]*)\}", plus, line)
    line = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), ""), line)
    return shlex.split(line)[1:]


@pytest.fixture(scope="module")
def sample(sample_repo) -> Path:
    return sample_repo("small_service")


def _run(args: list[str], cwd: Path):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def test_pre_commit_hook_runs_on_a_sample_repo(sample: Path, tmp_path: Path) -> None:
    """The hook's entry + args is a valid report command; run in a sample repo it writes Markdown and gates."""
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "mlaudit" and hook["pass_filenames"] is False and hook["language"] == "python"
    words = shlex.split(hook["entry"]) + hook["args"]
    assert words[0] == "mlaudit"
    _parse(words[1:])
    res = _run([*words[1:], "--db", str(tmp_path / "s.sqlite")], sample)
    assert res.exit_code in (0, 1), res.output
    assert res.stdout.startswith("## ML audit of ") and "gate" in res.stderr


def test_github_action_commands_run_on_a_sample_repo(sample: Path, tmp_path: Path) -> None:
    """Each mlaudit line of action.yml, with its inputs' defaults, runs on a sample repo and writes MD and SARIF."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert uploads and uploads[0]["with"]["sarif_file"] == "${{ steps.audit.outputs.sarif }}"
    audit = next(s for s in steps if s.get("id") == "audit")
    env = {"RUNNER_TEMP": str(tmp_path), "AUDIT_PATH": action["inputs"]["path"]["default"],
           "FAIL_ON": action["inputs"]["fail-on"]["default"]}
    assert set(audit["env"]) == {"AUDIT_PATH", "FAIL_ON"}
    for name, value in re.findall(r'^\s*(\w+)="([^"]*)"\s*$', audit["run"], re.MULTILINE):  # shell assignments, in order
        env[name] = " ".join(_expand(f"x {value}", env))
    lines = _mlaudit_lines(audit["run"])
    assert len(lines) == 2
    (tmp_path / "mlaudit").mkdir()
    codes = []
    for line in lines:
        args = _expand(line, env)
        _parse(args)
        codes.append(_run(args, sample).exit_code)
    assert codes[0] == 0 and codes[1] in (0, 1)
    assert (tmp_path / "mlaudit" / "mlaudit.md").read_text().startswith("## ML audit of ")
    assert json.loads((tmp_path / "mlaudit" / "mlaudit.sarif").read_text())["version"] == "2.1.0"
    assert "GITHUB_STEP_SUMMARY" in audit["run"]


def test_gitlab_job_commands_run_on_a_sample_repo(sample: Path, tmp_path: Path) -> None:
    """The GitLab job's mlaudit lines write MD, CycloneDX and SARIF, and keep them as artifacts."""
    job = yaml.safe_load((ROOT / "docs" / "ci" / "gitlab-ci.yml").read_text())["mlaudit"]
    assert job["variables"]["GIT_DEPTH"] == "0" and job["artifacts"]["when"] == "always"
    env = {k: str(v) for k, v in job["variables"].items()}
    lines = [line.replace("/tmp/", f"{tmp_path}/") for line in _mlaudit_lines("\n".join(job["script"]))]
    assert len(lines) == 3
    (tmp_path / "mlaudit-out").mkdir()
    for line in lines:
        args = _expand(line, env)
        _parse(args)
        assert _run(args, sample).exit_code in (0, 1)
    assert {p.name for p in (tmp_path / "mlaudit-out").iterdir()} == {"mlaudit.md", "mlaudit.cdx.json", "mlaudit.sarif"}
    assert json.loads((tmp_path / "mlaudit-out" / "mlaudit.cdx.json").read_text())["bomFormat"] == "CycloneDX"


def _readme_commands(section: str) -> list[str]:
    """mlaudit command lines in the section's code blocks and inline code spans."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", section, re.DOTALL)
    spans = [sp for sp in re.findall(r"`(mlaudit [^`]+)`", re.sub(r"```.*?```", "", section, flags=re.DOTALL))
             if sp.split()[1] in cli.commands]
    command = r"mlaudit (?:{})\b.*".format("|".join(map(re.escape, cli.commands)))
    found = [m.group(0) for block in blocks for m in re.finditer(command, block)]
    return [c.split(" #")[0].strip() for c in found + spans]


def test_readme_use_in_ci_examples_parse() -> None:
    """Every mlaudit command in the README's "Use in CI" section parses (options and choices are valid)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Use in CI", 1)[1].split("\n## ", 1)[0]
    commands = _readme_commands(section)
    assert len(commands) >= 3, commands
    env = {"RUNNER_TEMP": "/tmp/runner"}
    for line in dict.fromkeys(commands):
        try:
            _parse(_expand(line, env))
        except click.UsageError as exc:
            raise AssertionError(f"README: {line!r}: {exc}") from exc
    for example in ("repos:", "uses: OWNER/mlaudit@", "upload-sarif@", "include:", "[tool.mlaudit]"):
        assert example in section, example
