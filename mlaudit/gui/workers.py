"""Background work: QRunnable tasks on a QThreadPool, signals carried by a small QObject, stale results dropped.

Every task belongs to a *channel* ("audit", "drift", "compare", "report", ...). Submitting to a channel
cancels the task running there and bumps the channel's sequence number; a result whose number is not the
channel's newest is dropped, so a slow old result never overwrites a newer one.
"""

from __future__ import annotations

import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from mlaudit.core.errors import Cancelled, MlauditError
from mlaudit.core.progress import CancelToken, Progress, ProgressEvent

PROGRESS_INTERVAL = 0.05  # seconds between progress signals of one task (the phase changing always emits)


class TaskSignals(QObject):
    """Signals of one task, emitted from the worker thread and delivered queued to the GUI thread."""

    progress = Signal(str, int, object)  # channel, seq, ProgressEvent
    done = Signal(str, int, object)  # channel, seq, result
    failed = Signal(str, int, str)  # channel, seq, readable message
    cancelled = Signal(str, int)  # channel, seq


@dataclass(slots=True)
class TaskHandle:
    """What the pool remembers of a running task."""

    channel: str
    seq: int
    token: CancelToken
    runnable: Task
    on_done: Callable[[Any], None]
    on_error: Callable[[str], None] | None


class Task(QRunnable):
    """Runs ``fn(progress)`` on a pool thread and reports the outcome through its TaskSignals."""

    def __init__(self, channel: str, seq: int, fn: Callable[[Progress], Any], token: CancelToken) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.channel, self.seq, self.fn, self.token = channel, seq, fn, token
        self.signals = TaskSignals()
        self._last_emit = 0.0
        self._last_phase = ""

    def _listen(self, event: ProgressEvent) -> None:
        now = time.monotonic()
        if event.phase != self._last_phase or now - self._last_emit >= PROGRESS_INTERVAL or event.done == event.total:
            self._last_emit, self._last_phase = now, event.phase
            self.signals.progress.emit(self.channel, self.seq, event)

    def run(self) -> None:
        progress = Progress(self._listen, self.token)
        try:
            self.token.raise_if_cancelled()
            result = self.fn(progress)
        except Cancelled:
            self.signals.cancelled.emit(self.channel, self.seq)
        except MlauditError as exc:
            self.signals.failed.emit(self.channel, self.seq, str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must show as a message, never kill the app
            tail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:])
            self.signals.failed.emit(self.channel, self.seq, f"{type(exc).__name__}: {exc}\n\n{tail}")
        else:
            self.signals.done.emit(self.channel, self.seq, result)


class WorkerPool(QObject):
    """A thread pool with per-channel sequence numbers, cancel tokens and progress forwarding."""

    instances: ClassVar[weakref.WeakSet[WorkerPool]] = weakref.WeakSet()  # live pools (the tests check none is left running)

    progress = Signal(str, object)  # channel, ProgressEvent (only from the channel's newest task)
    busy_changed = Signal(bool)
    task_finished = Signal(str, str)  # channel, outcome: done | failed | cancelled | stale
    error = Signal(str, str)  # channel, readable message of the channel's newest task

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._seq: dict[str, int] = {}
        self._running: dict[tuple[str, int], TaskHandle] = {}
        WorkerPool.instances.add(self)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def running(self, channel: str) -> bool:
        return any(c == channel for c, _ in self._running)

    def latest(self, channel: str) -> int:
        return self._seq.get(channel, 0)

    def submit(self, channel: str, fn: Callable[[Progress], Any], on_done: Callable[[Any], None],
               on_error: Callable[[str], None] | None = None) -> int:
        """Start ``fn(progress)``; cancel older work of the channel; return the task's sequence number."""
        self.cancel(channel)
        seq = self._seq.get(channel, 0) + 1
        self._seq[channel] = seq
        token = CancelToken()
        task = Task(channel, seq, fn, token)
        queued = Qt.ConnectionType.QueuedConnection
        task.signals.progress.connect(self._on_progress, queued)
        task.signals.done.connect(self._on_done, queued)
        task.signals.failed.connect(self._on_failed, queued)
        task.signals.cancelled.connect(self._on_cancelled, queued)
        was_busy = self.busy
        self._running[(channel, seq)] = TaskHandle(channel, seq, token, task, on_done, on_error)
        if not was_busy:
            self.busy_changed.emit(True)
        self.pool.start(task)
        return seq

    def cancel(self, channel: str | None = None) -> None:
        """Ask the tasks of ``channel`` (default: all) to stop at their next progress update."""
        for (c, _), handle in self._running.items():
            if channel is None or c == channel:
                handle.token.cancel()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel everything and wait for the threads (on quit); True when all stopped."""
        self.cancel()
        ok = self.pool.waitForDone(timeout_ms)
        self._running.clear()
        return ok

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Wait for running tasks without cancelling them (tests, screenshots)."""
        return self.pool.waitForDone(timeout_ms)

    def _pop(self, channel: str, seq: int) -> TaskHandle | None:
        handle = self._running.pop((channel, seq), None)
        if not self._running:
            self.busy_changed.emit(False)
        return handle

    def _is_current(self, channel: str, seq: int) -> bool:
        return self._seq.get(channel) == seq

    def _on_progress(self, channel: str, seq: int, event: ProgressEvent) -> None:
        if self._is_current(channel, seq) and (channel, seq) in self._running:
            self.progress.emit(channel, event)

    def _on_done(self, channel: str, seq: int, result: Any) -> None:
        handle = self._pop(channel, seq)
        if handle is None or not self._is_current(channel, seq) or handle.token.cancelled:
            self.task_finished.emit(channel, "stale")
            return
        self.task_finished.emit(channel, "done")
        handle.on_done(result)

    def _on_failed(self, channel: str, seq: int, message: str) -> None:
        handle = self._pop(channel, seq)
        if handle is None or not self._is_current(channel, seq):
            self.task_finished.emit(channel, "stale")
            return
        self.task_finished.emit(channel, "failed")
        self.error.emit(channel, message)
        if handle.on_error is not None:
            handle.on_error(message)

    def _on_cancelled(self, channel: str, seq: int) -> None:
        self._pop(channel, seq)
        self.task_finished.emit(channel, "cancelled")
