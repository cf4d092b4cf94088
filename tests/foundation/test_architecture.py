"""Architecture contracts: layering and the headless core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold() -> None:
    """Only mlaudit.gui imports Qt, and imports point down the layers (import-linter)."""
    script = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(script) if script.exists() else "lint-imports", "--config", str(ROOT / "pyproject.toml")],
                          check=False, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "BROKEN" not in proc.stdout


def test_core_imports_without_qt() -> None:
    """The CLI, audit and report layers import with PySide6 blocked."""
    code = (
        "import sys; sys.modules['PySide6'] = None\n"
        "import mlaudit.cli, mlaudit.audit, mlaudit.checks\n"
        "from mlaudit.checks import all_checks; assert all_checks()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
