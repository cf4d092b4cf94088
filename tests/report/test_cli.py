"""``mlaudit report`` and ``mlaudit history``: formats, output files, the --fail-on gate and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlaudit.cli import cli
from mlaudit.report.gate import check_gate
from tests.report.conftest import Audited
from tests.report.helpers import make_report, result


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_report_format_from_file_name(audited: Audited, tmp_path: Path) -> None:
    """-o audit.json writes JSON without --format; exit 0."""
    out = tmp_path / "audit.json"
    res = invoke("report", str(audited.root), "--db", str(audited.db), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["schema_version"] == "1.3"


def test_report_to_stdout(audited: Audited) -> None:
    """Without -o the report goes to stdout (Markdown by default)."""
    res = invoke("report", str(audited.root), "--db", str(audited.db))
    assert res.exit_code == 0
    assert res.stdout.startswith("## ML audit of repo")


@pytest.mark.parametrize(("gate", "code"), [("small-user-base", 1), ("at-scale", 1), ("operating", 1)])
def test_fail_on_gate_exit_codes(audited: Audited, tmp_path: Path, gate: str, code: int) -> None:
    """A failed gate exits 1 and still writes the report."""
    out = tmp_path / "audit.md"
    res = invoke("report", str(audited.root), "--db", str(audited.db), "-o", str(out), "--fail-on", gate)
    assert res.exit_code == code and "gate FAILED" in res.stderr
    assert out.exists()


def test_bad_gate_is_a_user_error(audited: Audited) -> None:
    """An unknown --fail-on value exits 2 with the valid values, before any scan."""
    res = invoke("report", str(audited.root), "--db", str(audited.db), "--fail-on", "production")
    assert res.exit_code == 2 and "small-user-base" in res.stderr


@pytest.mark.parametrize(("results", "gate", "failed"), [
    ([result("MODEL-UNSAFE", "fail", severity="critical")], "critical", True),
    ([result("REPRO-SEEDS", "fail", severity="medium")], "critical", False),
    ([result("REPRO-SEEDS", "fail", severity="medium")], "medium", True),
    ([result("REPRO-SEEDS", "pass", severity="high")], "low", False),
    ([], "prototyping", True),
    ([result("INFRA-SERVING", "pass")], "operating", True),
])
def test_gate_rules(results: list, gate: str, failed: bool) -> None:
    """Severity gates count warn/fail findings that severe or worse; stage gates need the stage's needs met."""
    assert check_gate(make_report(results), gate).failed is failed


def test_history_json(audited: Audited) -> None:
    """history --json gives the points oldest first with the stage changes."""
    res = invoke("history", str(audited.root), "--db", str(audited.db), "--points", "3", "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert [p["label"] for p in data["points"]] == ["v0.1", "v0.2", "v1.0"]
    assert data["stage_changes"][0]["label"] == "v1.0"


def test_history_table(audited: Audited) -> None:
    """history prints one line per revision and marks the stage change."""
    res = invoke("history", str(audited.root), "--db", str(audited.db), "--points", "3")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert len(lines) == 4 and "stage changed" in lines[-1]


def test_commands_have_examples() -> None:
    """Both commands' help ends with an example."""
    for name in ("report", "history"):
        res = invoke(name, "--help")
        assert "Example:" in res.output and "mlaudit " + name in res.output


def test_report_with_history(audited: Audited, tmp_path: Path) -> None:
    """--history judges the tags first, so the HTML report carries the maturity timeline."""
    out = tmp_path / "audit.html"
    res = invoke("report", str(audited.root), "--db", str(audited.db), "-o", str(out), "--history")
    assert res.exit_code == 0
    html = out.read_text()
    assert "Maturity over history" in html and "v1.0" in html
