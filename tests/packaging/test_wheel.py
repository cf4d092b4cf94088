"""The wheel and sdist carry everything needed at run time; the installed wheel runs the demo."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the wheel and the sdist once for the module."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return {"wheel": next(out.glob("mlaudit-*.whl")), "sdist": next(out.glob("mlaudit-*.tar.gz"))}


def test_wheel_contains_resources_samples_and_typing(dists) -> None:
    """Icons, templates, schemas, every sample-project module, py.typed and the console script are in the wheel."""
    names = set(zipfile.ZipFile(dists["wheel"]).namelist())
    assert "mlaudit/py.typed" in names
    assert "mlaudit/resources/icons/app/mlaudit.svg" in names
    for folder in ("resources", "sample_projects"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                assert f"mlaudit/{path.relative_to(ROOT).as_posix()}" in names, path
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mlaudit = mlaudit.cli:main" in zipfile.ZipFile(dists["wheel"]).read(entry_points).decode()


def test_sdist_contains_the_sources(dists) -> None:
    """The sdist carries the package, resources, sample projects, docs, packaging files and tests."""
    with tarfile.open(dists["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ("README.md", "CHANGELOG.md", "pyproject.toml", "setup.py", "resources/icons/app/mlaudit.svg",
                   "sample_projects/registry.py", "mlaudit/cli/demo_cmd.py", "mlaudit/py.typed",
                   "docs/checks/README.md", "packaging/mlaudit.spec", "tests/conftest.py"):
        assert needed in names, needed


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("MLAUDIT_SLOW_TESTS") != "1",
                    reason="installs the wheel and its dependencies into a new venv (about 60 s); set MLAUDIT_SLOW_TESTS=1")
def test_installed_wheel_runs_demo_without_checkout(dists, tmp_path: Path) -> None:
    """In a fresh venv with the wheel installed, `mlaudit demo --out DIR` works from an unrelated folder."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(dists["wheel"])], check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "PYTHONPATH")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    work = tmp_path / "elsewhere"
    work.mkdir()
    version = subprocess.run([str(venv / "bin" / "mlaudit"), "--version"], cwd=work, env=env,
                             capture_output=True, text=True, check=True)
    assert "0." in version.stdout
    run = subprocess.run([str(venv / "bin" / "mlaudit"), "demo", "--out", str(work / "demo")], check=False, cwd=work, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (work / "demo" / "mlaudit-notebook_prototype.html").stat().st_size > 0
    origin = subprocess.run([str(py), "-c", "import mlaudit; print(mlaudit.__file__)"], cwd=work, env=env,
                            capture_output=True, text=True, check=True).stdout
    assert str(venv) in origin
