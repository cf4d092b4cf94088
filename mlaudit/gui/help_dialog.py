"""Help: the bundled page of every check (searchable) and the keyboard shortcuts of the window."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mlaudit.checks.base import AREAS, all_checks
from mlaudit.gui.widgets import label


def page_markdown(check_id: str) -> str:
    """The documentation page of one check, as docs/checks/<ID>.md has it (without the generator's comment)."""
    from mlaudit.report.check_pages import HEADER, check_page

    check = all_checks().get(check_id)
    if check is None:
        return f"# {check_id}\n\nNo check with this id is registered in this version of mlaudit."
    return check_page(check).replace(HEADER, "", 1)


def area_markdown(area: str) -> str:
    """The page of one report section: its checks, each a link to its page."""
    checks = [c for c in all_checks().values() if c.area == area]
    lines = [f"# {AREAS.get(area, area)}", "", "The checks of this report section:", ""]
    lines += [f"- [{c.id}]({c.id}.md): {c.title}" for c in checks]
    return "\n".join(lines) + "\n"


class CheckHelpDialog(QDialog):
    """Every check's page: type to filter the list, follow links between checks and report sections."""

    def __init__(self, parent: QWidget | None = None, check_id: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check reference \u2014 mlaudit")
        self.setObjectName("checkHelp")
        self.resize(980, 640)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter checks: id, title or words of the help\u2026")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setObjectName("checkList")
        self.list.setWordWrap(True)  # long titles wrap under their id instead of being cut
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(1)
        for cid, cls in all_checks().items():
            item = QListWidgetItem(f"{cid}\n{cls.title}")
            item.setData(Qt.ItemDataRole.UserRole, cid)
            item.setToolTip(f"{AREAS.get(cls.area, cls.area)}: {cls.title}")
            item.setData(Qt.ItemDataRole.UserRole + 1, f"{cid} {cls.title} {cls.help} {cls.area}".lower())
            self.list.addItem(item)
        self.list.currentItemChanged.connect(lambda item, _prev: self._show_item(item))
        self.page = QTextBrowser()
        self.page.setObjectName("checkPage")
        self.page.setOpenLinks(False)
        self.page.anchorClicked.connect(self._follow)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.search)
        left_box.addWidget(self.list, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.page)
        split.setSizes([300, 680])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(label("What each check asks, how it decides, its thresholds and what to do when it does not "
                            "pass \u2014 the same pages as docs/checks/ of this mlaudit version.", "viewSubtitle"))
        box.addWidget(split, 1)
        box.addWidget(buttons)
        self.show_check(check_id or (self.list.item(0).data(Qt.ItemDataRole.UserRole) if self.list.count() else ""))

    def show_check(self, check_id: str) -> None:
        """Select ``check_id`` in the list and show its page."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == check_id:
                item.setHidden(False)
                self.list.setCurrentItem(item)
                return
        self.page.setMarkdown(page_markdown(check_id))

    def current_check(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def _show_item(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.page.setMarkdown(page_markdown(str(item.data(Qt.ItemDataRole.UserRole))))

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        first_visible = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hay = str(item.data(Qt.ItemDataRole.UserRole + 1))
            hidden = not all(w in hay for w in words)
            item.setHidden(hidden)
            if not hidden and first_visible is None:
                first_visible = item
        current = self.list.currentItem()
        if first_visible is not None and (current is None or current.isHidden()):
            self.list.setCurrentItem(first_visible)

    def _follow(self, url: QUrl) -> None:
        """Links between pages: ``ID.md`` opens that check, ``../report/<area>.md`` lists the area's checks."""
        name = url.fileName()
        stem = name.removesuffix(".md")
        if stem in all_checks():
            self.show_check(stem)
        elif stem in AREAS:
            self.page.setMarkdown(area_markdown(stem))


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window with what it does."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts \u2014 mlaudit")
        self.setObjectName("shortcuts")
        rows = [(a.text().replace("&", ""), a.shortcut().toString(), a.statusTip() or a.toolTip())
                for a in actions if not a.shortcut().isEmpty()]
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutTable")
        self.table.setHorizontalHeaderLabels(["action", "shortcut", "what it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, 520)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)  # the descriptions wrap in their column instead of running off to the right
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(buttons)
        box.addLayout(row)
        self.resize(860, 560)
