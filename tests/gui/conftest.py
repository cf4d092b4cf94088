"""GUI fixtures: a real main window offscreen, settings in a temp folder, and a check that no worker is left running."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHOTS = Path(os.environ.get("MLAUDIT_GUI_SHOTS", "/tmp/mlaudit-gui-shots"))


@pytest.fixture(autouse=True)
def _no_leftover_workers():
    """Fail a test that leaves a QThreadPool task running (the Python thread check cannot see Qt threads)."""
    yield
    import shiboken6
    from PySide6.QtCore import QThreadPool

    from mlaudit.gui.workers import WorkerPool

    live = [p for p in list(WorkerPool.instances) if shiboken6.isValid(p) and shiboken6.isValid(p.pool)]
    busy = [p for p in live if p.pool.activeThreadCount()]
    if QThreadPool.globalInstance().activeThreadCount():
        busy.append(QThreadPool.globalInstance())
    for pool in busy:  # let them stop so the next test starts clean, then fail this one
        (pool.pool if hasattr(pool, "pool") else pool).waitForDone(10000)
    assert not busy, f"test left {len(busy)} worker pool(s) running"


@pytest.fixture
def settings(tmp_path: Path):
    """QSettings in a temp ini file (recent audits, geometry, theme)."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    """A shown main window; closing it cancels and waits for its workers."""
    from mlaudit.gui.app import create_window

    win = create_window(settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def settle(win, timeout: float = 60.0) -> None:
    """Process events until the window's worker pool is idle."""
    from mlaudit.gui.screenshots import settle as _settle

    assert _settle(win, timeout), "background work did not finish in time"


def open_and_wait(qtbot, win, repo: Path, db: Path, timeout_ms: int = 120_000) -> None:
    """Open an audit and wait until it is loaded (and scanned when the store was empty)."""
    with qtbot.waitSignal(win.audit_ready, timeout=timeout_ms):
        win.open_audit(repo, db)
    settle(win)


def wait_until(qtbot, predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        qtbot.wait(20)
