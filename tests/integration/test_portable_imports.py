"""Portability: every mlaudit module imports, and the store lock works, on a Python without fcntl (as on Windows)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

NO_FCNTL = textwrap.dedent("""
    import sys
    sys.modules["fcntl"] = None  # `import fcntl` now raises ImportError, as on Windows
""")


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MPLBACKEND": "Agg", "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run([sys.executable, "-c", NO_FCNTL + textwrap.dedent(code)], check=False, capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=240)


def test_every_module_imports_without_fcntl(tmp_path: Path) -> None:
    """Walk the whole mlaudit package and import each module with fcntl unavailable; none may fail."""
    res = _run("""
        import importlib, json, pkgutil, traceback
        import mlaudit
        failed, names = {}, []
        for mod in pkgutil.walk_packages(mlaudit.__path__, "mlaudit."):
            names.append(mod.name)
            try:
                importlib.import_module(mod.name)
            except Exception as exc:
                failed[mod.name] = traceback.format_exception_only(type(exc), exc)[-1].strip()
        print(json.dumps({"names": names, "failed": failed, "fcntl": "fcntl" in sys.modules and sys.modules["fcntl"] is not None}))
    """, tmp_path)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["failed"] == {}
    assert not out["fcntl"], "fcntl was imported after all"
    assert {"mlaudit.store.db", "mlaudit.cli.report_cmd", "mlaudit.gui.window"} <= set(out["names"])


def test_store_lock_excludes_a_second_writer_without_fcntl(tmp_path: Path) -> None:
    """Without fcntl the lock still works: a second scan_lock on the same store is refused while the first is held."""
    res = _run("""
        from pathlib import Path
        from mlaudit.core.errors import StoreBusyError
        from mlaudit.store.db import scan_lock
        store = Path("s.sqlite")
        with scan_lock(store):
            try:
                with scan_lock(store):
                    print("second lock granted")
            except StoreBusyError as exc:
                print("busy:", exc)
        with scan_lock(store):
            print("reacquired")
    """, tmp_path)
    assert res.returncode == 0, res.stderr
    assert "busy: another mlaudit scan is writing" in res.stdout and "reacquired" in res.stdout
    assert "second lock granted" not in res.stdout
