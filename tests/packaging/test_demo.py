"""`mlaudit demo`: builds a sample project, audits it and writes every report format when told where."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mlaudit.cli import cli
from mlaudit.cli.demo_cmd import has_display


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Run `mlaudit demo --project small_service --out DIR` once for the module."""
    out = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_DATA_HOME", str(out / "xdg-data"))
    try:
        result = CliRunner().invoke(cli, ["demo", "--project", "small_service", "--out", str(out)],
                                    catch_exceptions=False)
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    return out, result.output


def test_demo_out_writes_every_report_format(demo_out) -> None:
    """Every report format is written into DIR and named on stdout."""
    from mlaudit.report import FORMATS

    out, printed = demo_out
    for fmt in FORMATS:
        report = out / f"mlaudit-small_service.{fmt}"
        assert report.stat().st_size > 0 and str(report) in printed
    assert "small_service" in (out / "mlaudit-small_service.md").read_text()


def test_demo_keeps_store_beside_not_inside_the_repo(demo_out) -> None:
    """The sample repo is DIR/<project>, clean, and the store sits next to it, not in it nor in user data."""
    import subprocess

    out, printed = demo_out
    repo = out / "small_service"
    assert (out / "small_service.mlaudit.sqlite").exists() and f"sample repo: {repo}" in printed
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], check=False, cwd=repo, capture_output=True, text=True)
    assert status.stdout == ""
    assert not (out / "xdg-data").exists()


def test_demo_refuses_to_overwrite(demo_out) -> None:
    """A second demo into the same DIR is one clear error line and exit code 2."""
    out, _ = demo_out
    result = CliRunner().invoke(cli, ["demo", "--project", "small_service", "--out", str(out)])
    assert result.exit_code == 2
    assert "already exists" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("env", "expected"), [
    ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, False),
    ({"DISPLAY": ""}, False),
    ({"DISPLAY": ":0"}, True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, True),
])
def test_display_detection(env: dict[str, str], expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """No display (or an offscreen platform) means reports instead of a window (Linux rules)."""
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert has_display() is expected


def test_demo_without_out_writes_reports_to_a_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mlaudit demo --no-gui` (even with a display) builds into a new temp folder and writes the reports there."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    result = CliRunner().invoke(cli, ["demo", "--project", "small_service", "--no-gui"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (folder,) = tmp_path.glob("mlaudit-demo-*")
    assert (folder / "small_service" / ".git").is_dir()
    assert (folder / "mlaudit-small_service.html").stat().st_size > 0
    assert f"report:      {folder / 'mlaudit-small_service.json'}" in result.output
