"""A searchable, grouped picker of versions: type to filter, entries grouped under their path."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout, QWidget

from mlaudit.store.picker_queries import VersionChoice

INDEX_ROLE = Qt.ItemDataRole.UserRole + 10


class VersionPicker(QWidget):
    """A filter field over a combo box whose entries are grouped by path (group headers are not selectable)."""

    changed = Signal(int)  # the index of the chosen version in the list the choices were made from

    def __init__(self, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter: path, tag, commit, date, run name or id, registered version\u2026")
        self.filter.setClearButtonEnabled(True)
        self.filter.setObjectName(f"{name}Filter" if name else "pickerFilter")
        self.box = QComboBox()
        self.box.setObjectName(name or "picker")
        self.box.setMinimumWidth(320)
        self.model = QStandardItemModel(self)
        self.box.setModel(self.model)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.filter)
        box.addWidget(self.box)
        self.choices: list[VersionChoice] = []
        self.rows: dict[int, int] = {}  # version index -> its row in the combo box (as filtered now)
        self.filter.textChanged.connect(self._refill)
        self.box.currentIndexChanged.connect(self._emit)

    def set_choices(self, choices: Sequence[VersionChoice]) -> None:
        self.choices = list(choices)
        self._refill(self.filter.text())

    def _refill(self, text: str = "") -> None:
        """Show the entries whose search text holds every typed word, grouped by path (newest last in a group)."""
        current = self.current_index()
        words = text.lower().split()
        shown = [c for c in self.choices if all(w in c.search for w in words)]
        self.box.blockSignals(True)
        self.model.clear()
        self.rows = {}
        groups: dict[str, list[VersionChoice]] = {}
        for c in shown:
            groups.setdefault(c.group, []).append(c)
        rows: list[QStandardItem] = []
        for group, items in groups.items():
            header = QStandardItem(f"{group}  ({len(items)})")
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setData(-1, INDEX_ROLE)
            rows.append(header)
            for c in items:
                item = QStandardItem(f"    {c.label}")
                item.setData(c.index, INDEX_ROLE)
                item.setToolTip(f"{c.group} @ {c.label}")
                self.rows[c.index] = len(rows)
                rows.append(item)
        self.model.invisibleRootItem().appendRows(rows)  # one call: the view and combo box update once
        self.box.blockSignals(False)
        if not self.select(current) and shown:
            self.select(shown[-1].index)
        self.filter.setToolTip(f"{len(shown)} of {len(self.choices)} versions match")

    def select(self, index: int | None) -> bool:
        """Choose the version at ``index`` (of the original list); False when it is filtered out."""
        if index is None or index not in self.rows:
            return False
        self.box.setCurrentIndex(self.rows[index])
        return True

    def current_index(self) -> int | None:
        row = self.box.currentIndex()
        if row < 0 or self.model.item(row) is None:
            return None
        value = self.model.item(row).data(INDEX_ROLE)
        return None if value is None or value < 0 else int(value)

    def visible_count(self) -> int:
        return sum(1 for row in range(self.model.rowCount()) if (self.model.item(row).data(INDEX_ROLE) or 0) >= 0)

    def _emit(self, _row: int) -> None:
        index = self.current_index()
        if index is not None:
            self.changed.emit(index)
