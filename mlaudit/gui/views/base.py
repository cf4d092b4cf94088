"""The view contract: a page of the open audit that reloads from the store when the audit changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from mlaudit.gui.widgets import clear_layout, error_banner, label, notice

if TYPE_CHECKING:
    from mlaudit.gui.window import MainWindow


class View(QWidget):
    """One navigation entry. Subclasses build their content in ``reload()`` from ``self.session``."""

    name: ClassVar[str]  # stable id: screenshot file name, settings key
    title: ClassVar[str]
    subtitle: ClassVar[str] = ""
    scrollable: ClassVar[bool] = False

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window_ = window
        self.setObjectName(f"view_{self.name}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(label(self.title, "viewTitle"))
        if self.subtitle:
            outer.addWidget(label(self.subtitle, "viewSubtitle"))
        self.body = QWidget()
        self.content = QVBoxLayout(self.body)
        self.content.setContentsMargins(0, 4, 0, 0)
        if self.scrollable:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)  # never cut content off
            scroll.setWidget(self.body)
            outer.addWidget(scroll, 1)
        else:
            outer.addWidget(self.body, 1)
        self.loaded_generation = -1

    @property
    def session(self) -> Any:
        return self.window_.session

    @property
    def pool(self) -> Any:
        return self.window_.pool

    def refresh(self, force: bool = False) -> None:
        """Reload when the audit changed since this view last read it (or when forced)."""
        session = self.session
        if session is None:
            return
        if force or self.loaded_generation != session.generation:
            self.loaded_generation = session.generation
            try:
                self.reload()
            except Exception as exc:  # noqa: BLE001 - a view must never take the window down
                self.show_message(f"This view could not be shown: {type(exc).__name__}: {exc}", error=True)

    def reload(self) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        clear_layout(self.content)

    def show_message(self, text: str, error: bool = False) -> None:
        """Replace the content with one message (nothing found, not available yet, an error)."""
        self.reset()
        self.content.addWidget(error_banner(text) if error else notice(text))
        self.content.addStretch(1)

    def store(self) -> Any:
        return self.session.store() if self.session is not None else None
