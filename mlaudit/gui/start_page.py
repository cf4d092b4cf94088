"""The start page: recent audits, open a folder (button or drag-and-drop), open a sample project."""

from __future__ import annotations

import ast
import importlib.resources
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlaudit import __version__
from mlaudit.gui.widgets import error_banner, label


def _constants(source: str) -> dict[str, str]:
    """Top-level string constants of a module's source (read with ast, nothing imported or run)."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if isinstance(value, str):
                out[node.targets[0].id] = value
    return out


def sample_recipes() -> dict[str, str]:
    """Sample project name -> description, in the registry's order, read from the recipes' source.

    The recipes import pandas and numpy to build their data; reading their constants with ast keeps the
    start page fast. Empty when the sample projects are not installed.
    """
    try:
        package = importlib.resources.files("mlaudit.sample_projects")
        registry = package.joinpath("registry.py").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        return {}
    order = []
    for node in ast.walk(ast.parse(registry)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if isinstance(node, ast.Assign | ast.AnnAssign) and any(isinstance(t, ast.Name) and t.id == "RECIPES" for t in targets) \
                and node.value is not None:
            comp = node.value
            names = comp.generators[0].iter if isinstance(comp, ast.DictComp) else comp
            order = [n.id for n in ast.walk(names) if isinstance(n, ast.Name)]
    out = {}
    for module in order:
        try:
            consts = _constants(package.joinpath(f"{module}.py").read_text(encoding="utf-8"))
        except OSError:
            continue
        if "NAME" in consts:
            out[consts["NAME"]] = consts.get("DESCRIPTION", "")
    return out


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
        grid.addWidget(label("Recent audits (double-click or Enter to open)", "sectionTitle"), 0, 0)
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
            item = QListWidgetItem(f"{Path(path).name}\n{path}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(f"Open the audit of {path} (double-click or Enter)")
            if not Path(path).is_dir():
                item.setText(item.text() + "  (folder missing)")
            self.recent.addItem(item)
        if not paths:
            item = QListWidgetItem("No audits yet: open a folder or a sample project.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.open_path_requested.emit(path)
