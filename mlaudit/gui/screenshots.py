"""Render every view of an open audit to ``DIR/<view>.png`` (docs, README, visual checks)."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from mlaudit.gui.window import MainWindow


def settle(window: MainWindow, timeout: float = 120.0) -> bool:
    """Process events until the worker pool is idle (True) or ``timeout`` seconds passed (False)."""
    app = QApplication.instance()
    assert app is not None, "settle() needs the running QApplication"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not window.pool.busy:
            app.processEvents()
            if not window.pool.busy:
                return True
        time.sleep(0.01)
    return False


def wait_for_audit(window: MainWindow, timeout: float = 300.0) -> bool:
    """Wait until the open audit is loaded or scanned (stale stores are rescanned first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not settle(window, deadline - time.monotonic()):
            return False
        if window.session is None or window.session.generation > 0:
            return True
    return False


def save_all_views(window: MainWindow, folder: Path, size: tuple[int, int] = (1360, 880)) -> list[Path]:
    """Grab the start page (no audit open) or every view of the open audit; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    window.resize(*size)
    written = []
    if window.session is None:
        settle(window)
        path = folder / "start.png"
        window.grab().save(str(path))
        return [path]
    wait_for_audit(window)
    for name in window.views:
        window.show_view(name)
        settle(window)
        path = folder / f"{name}.png"
        window.grab().save(str(path))
        written.append(path)
    return written
