"""Qt-free progress reporting and cancellation, shared by the CLI (a bar) and the GUI (a widget)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from mlaudit.core.errors import Cancelled


class CancelToken:
    """A thread-safe flag a scan checks between units of work."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("the scan was cancelled")


@dataclass(slots=True)
class ProgressEvent:
    """One progress update: a phase name, work done and total (total 0 = unknown)."""

    phase: str
    done: int = 0
    total: int = 0
    message: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


class Progress:
    """A sink for progress events with an optional listener and a cancel token."""

    def __init__(self, listener: ProgressCallback | None = None, cancel: CancelToken | None = None) -> None:
        self.listener = listener
        self.cancel = cancel or CancelToken()

    def update(self, phase: str, done: int = 0, total: int = 0, message: str = "") -> None:
        """Report progress and stop the scan if it was cancelled."""
        self.cancel.raise_if_cancelled()
        if self.listener is not None:
            self.listener(ProgressEvent(phase, done, total, message))

    def check(self) -> None:
        self.cancel.raise_if_cancelled()


NULL_PROGRESS = Progress()
