"""The worker pool: results delivered on the GUI thread, stale results dropped, cancel, readable errors."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from mlaudit.core.errors import MlauditError
from mlaudit.gui.workers import WorkerPool


@pytest.fixture
def pool(qtbot):
    """A worker pool that is shut down (cancel + wait) after the test."""
    p = WorkerPool()
    yield p
    p.shutdown()


def test_result_arrives_on_the_gui_thread(qtbot, pool):
    """A task's result is handed to its callback on the GUI thread, after the work ran on a pool thread."""
    gui = QThread.currentThread()
    where: dict[str, object] = {}

    def work(progress):
        where["work"] = QThread.currentThread()
        progress.update("step", 1, 1, "done")
        return 42

    got = []
    with qtbot.waitSignal(pool.task_finished, timeout=5000):
        pool.submit("x", work, lambda r: got.append((r, QThread.currentThread())))
    assert got == [(42, gui)]
    assert where["work"] is not gui


def test_newer_work_drops_the_older_result(qtbot, pool):
    """A slow result that arrives after newer work on the same channel started is dropped, never shown."""
    release, started = threading.Event(), threading.Event()
    delivered = []
    outcomes = []
    pool.task_finished.connect(lambda channel, outcome: outcomes.append(outcome))

    def slow(progress):
        started.set()
        release.wait(5)
        return "old"

    pool.submit("drift", slow, delivered.append)
    assert started.wait(5)
    with qtbot.waitSignal(pool.task_finished, timeout=5000):
        pool.submit("drift", lambda progress: "new", delivered.append)
    release.set()
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=5000)
    assert delivered == ["new"]
    assert sorted(outcomes) == ["done", "stale"]
    assert pool.latest("drift") == 2


def test_cancel_stops_the_task_at_its_next_progress_update(qtbot, pool):
    """Cancelling sets the task's token; the task stops with Cancelled at its next progress update."""
    started = threading.Event()
    delivered = []

    def long(progress):
        started.set()
        for i in range(500):
            progress.update("loop", i, 500)
            threading.Event().wait(0.01)
        return "finished"

    pool.submit("audit", long, delivered.append)
    assert started.wait(5)
    with qtbot.waitSignal(pool.task_finished, timeout=5000) as blocker:
        pool.cancel("audit")
    assert blocker.args == ["audit", "cancelled"]
    assert delivered == []
    assert not pool.busy


@pytest.mark.parametrize("exc, expected", [
    (MlauditError("the store is busy; wait and retry"), "the store is busy; wait and retry"),
    (ZeroDivisionError("division by zero"), "ZeroDivisionError: division by zero"),
])
def test_errors_become_readable_messages(qtbot, pool, exc, expected):
    """A user error shows its own text; a bug shows its type and message (and the app lives on)."""

    def boom(progress):
        raise exc

    messages = []
    with qtbot.waitSignal(pool.error, timeout=5000) as blocker:
        pool.submit("x", boom, lambda r: None, messages.append)
    assert blocker.args[0] == "x"
    assert messages[0].startswith(expected)
