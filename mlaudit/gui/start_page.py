"""The start page: recent audits, open a folder (button or drag-and-drop), open a sample project."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from mlaudit import __version__
from mlaudit.gui.widgets import error_banner, label


def sample_recipes() -> dict[str, str]:
    """Sample project name -> description (empty when the recipes are not installed)."""
    try:
        from mlaudit.sample_projects.registry import RECIPES
    except ImportError:
        return {}
    return {name: getattr(mod, "DESCRIPTION", "") for name, mod in RECIPES.items()}


class StartPage(QWidget):
    """What the window shows before an audit is open."""

    open_folder_requested = Signal()
    open_path_requested = Signal(str)
    sample_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("startPage")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 36, 48, 36)
        outer.addWidget(label("mlaudit", "startTitle"))
        outer.addWidget(label(
            "Audit a machine-learning repository, offline: reproducibility, data drift, leakage and model safety, "
            f"with evidence. Nothing in the repository is executed or written. (version {__version__})", "viewSubtitle"))
        row = QHBoxLayout()
        self.open_button = QPushButton("Open a repository folder\u2026")
        self.open_button.setObjectName("primary")
        self.open_button.setToolTip("Choose a local git repository or plain folder to audit (Ctrl+O). You can also drop a folder on the window.")
        self.open_button.clicked.connect(self.open_folder_requested)
        row.addWidget(self.open_button)
        row.addWidget(label("or drop a folder anywhere on this window", "viewSubtitle", wrap=False))
        row.addStretch(1)
        outer.addLayout(row)
        self.error = error_banner("")
        self.error.hide()
        outer.addWidget(self.error)

        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.addWidget(label("Recent audits", "sectionTitle"), 0, 0)
        self.recent = QListWidget()
        self.recent.setObjectName("recentList")
        self.recent.itemActivated.connect(self._open_item)
        grid.addWidget(self.recent, 1, 0)
        grid.addWidget(label("Sample projects", "sectionTitle"), 0, 1)
        samples = QFrame()
        samples_box = QVBoxLayout(samples)
        samples_box.setContentsMargins(0, 0, 0, 0)
        recipes = sample_recipes()
        for name, description in recipes.items():
            button = QPushButton(f"Open sample: {name.replace('_', ' ')}")
            button.setObjectName(f"sample_{name}")
            button.setToolTip(description)
            button.clicked.connect(lambda _=False, n=name: self.sample_requested.emit(n))
            samples_box.addWidget(button)
            samples_box.addWidget(label(description, "viewSubtitle"))
        if not recipes:
            samples_box.addWidget(label("The sample projects are not installed with this mlaudit.", "notice"))
        samples_box.addStretch(1)
        grid.addWidget(samples, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        outer.addLayout(grid, 1)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).name}    {path}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(f"Open the audit of {path} (double-click or Enter)")
            if not Path(path).is_dir():
                item.setText(item.text() + "    (folder missing)")
            self.recent.addItem(item)
        if not paths:
            item = QListWidgetItem("No audits yet: open a folder or a sample project.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.open_path_requested.emit(path)
