"""Findings: every check result in a sortable, filterable table; an evidence pane shows the file or the commit."""

from __future__ import annotations

import html
from functools import partial
from typing import Any, cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from mlaudit.checks.base import AREAS, Status, all_checks
from mlaudit.gui.evidence import EvidenceText, load_evidence
from mlaudit.gui.syntax import LazyHighlighter
from mlaudit.gui.theme import current as current_theme
from mlaudit.gui.views.base import View
from mlaudit.gui.widgets import STATUS_COLOURS, Column, RecordsModel, label, short, table

ALL = "all"
SEVERITY_ORDER = {s: i for i, s in enumerate(("critical", "high", "medium", "low", "info"))}
STATUS_ORDER = {s: i for i, s in enumerate(("fail", "warn", "error", "unknown", "pass", "not applicable"))}


def check_help(check_id: str) -> str:
    cls = all_checks().get(check_id)
    return getattr(cls, "help", "") if cls is not None else ""


def _columns() -> list[Column]:
    return [
        Column("status", lambda r: str(r.status), sort=lambda r: STATUS_ORDER.get(str(r.status), 9), width=90,
               colour=lambda r: STATUS_COLOURS.get(str(r.status))),
        Column("severity", lambda r: str(r.severity), sort=lambda r: SEVERITY_ORDER.get(str(r.severity), 9), width=80,
               colour=lambda r: STATUS_COLOURS.get(str(r.severity)) if str(r.status) in ("fail", "warn") else None),
        Column("area", lambda r: AREAS.get(r.area, r.area), width=150),
        Column("check", lambda r: r.check_id, tooltip=lambda r: check_help(r.check_id), width=170),
        Column("points", lambda r: f"{r.points:g}", sort=lambda r: float(r.points), width=55),
        Column("finding", lambda r: r.message or r.title, tooltip=lambda r: check_help(r.check_id)),
    ]


class FindingsFilter(QSortFilterProxyModel):
    """Filter by status, area and free text (id, title, message, evidence)."""

    def __init__(self) -> None:
        super().__init__()
        self.status = ALL
        self.area = ALL
        self.text = ""
        self.setSortRole(RecordsModel.SortRole)

    def set_filter(self, status: str | None = None, area: str | None = None, text: str | None = None) -> None:
        modern = hasattr(self, "endFilterChange")  # Qt >= 6.10; older Qt uses invalidateFilter()
        if modern:
            self.beginFilterChange()
        if status is not None:
            self.status = status
        if area is not None:
            self.area = area
        if text is not None:
            self.text = text.strip().lower()
        if modern:
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        record = cast(RecordsModel, self.sourceModel()).record(row)  # the filter sits on a RecordsModel
        if self.status == "problems" and str(record.status) not in ("fail", "warn", "error"):
            return False
        if self.status not in (ALL, "problems") and str(record.status) != self.status:
            return False
        if self.area != ALL and record.area != self.area:
            return False
        if self.text:
            hay = " ".join([record.check_id, record.title, record.message, record.recommendation,
                            *(e.detail + " " + (e.path or "") for e in record.evidence)]).lower()
            return self.text in hay
        return True


class CodeViewer(QPlainTextEdit):
    """Read-only monospace text with one highlighted line (or coloured diff lines)."""

    def __init__(self) -> None:
        super().__init__()
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setObjectName("evidenceText")
        self.highlighter = LazyHighlighter(self)

    def setPlainText(self, text: str) -> None:
        """Plain text (and no syntax colours left from the previous text)."""
        self.highlighter.spans = {}
        super().setPlainText(text)

    def show_text(self, shown: EvidenceText) -> None:
        # code and diffs keep their lines; an explanation (binary, too large, no file) wraps to the pane
        wrap = QPlainTextEdit.LineWrapMode.WidgetWidth if shown.kind == "note" else QPlainTextEdit.LineWrapMode.NoWrap
        self.setLineWrapMode(wrap)
        self.setPlainText(shown.text)
        selections = []
        if shown.kind == "diff":
            selections = self._diff_selections()
        elif shown.line > 0:
            block = self.document().findBlockByNumber(shown.line - 1)
            if block.isValid():
                cursor = QTextCursor(block)
                self.setTextCursor(cursor)
                self.centerCursor()
                selections.append(self._selection(cursor, current_theme().highlight_line))
        self.setExtraSelections(selections)
        self.highlighter.set_spans(shown.spans)

    def _selection(self, cursor: QTextCursor, colour: str, keep_colours: bool = False) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        sel.format.setBackground(QColor(colour))
        if not keep_colours:  # a diff line keeps its syntax colours; the evidence line is drawn in the text colour
            sel.format.setForeground(QColor(current_theme().foreground))
        sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        sel.cursor = cursor
        return sel

    def _diff_selections(self) -> list[QTextEdit.ExtraSelection]:
        theme = current_theme()
        out: list[QTextEdit.ExtraSelection] = []
        block = self.document().begin()
        while block.isValid() and len(out) < 5000:
            text = block.text()
            if text.startswith("+") and not text.startswith("+++"):
                out.append(self._selection(QTextCursor(block), theme.diff_add, keep_colours=True))
            elif text.startswith("-") and not text.startswith("---"):
                out.append(self._selection(QTextCursor(block), theme.diff_del, keep_colours=True))
            block = block.next()
        return out


class FindingsView(View):
    name = "findings"
    title = "Findings"
    subtitle = "Every check with its verdict and evidence. Select a finding, then a piece of evidence to open it."

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.model = RecordsModel(_columns())
        self.proxy = FindingsFilter()
        self.proxy.setSourceModel(self.model)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter: check id, message, path\u2026 (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda t: self.proxy.set_filter(text=t))
        self.status_box = QComboBox()
        self.status_box.addItem("all statuses", ALL)
        self.status_box.addItem("problems (fail, warn, error)", "problems")
        for s in Status:
            self.status_box.addItem(str(s), str(s))
        self.status_box.currentIndexChanged.connect(lambda _: self.proxy.set_filter(status=self.status_box.currentData()))
        self.area_box = QComboBox()
        self.area_box.addItem("all areas", ALL)
        for area, name in AREAS.items():
            self.area_box.addItem(name, area)
        self.area_box.currentIndexChanged.connect(lambda _: self.proxy.set_filter(area=self.area_box.currentData()))
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_box)
        bar.addWidget(self.area_box)
        self.count = label("", "viewSubtitle", wrap=False)
        bar.addWidget(self.count)
        self.table = table(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        for sig in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset, self.proxy.layoutChanged):
            sig.connect(self._update_count)

        self.detail = label("", wrap=True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.detail.linkActivated.connect(self._open_check_page)
        self.evidence_list = QListWidget()
        self.evidence_list.setObjectName("evidenceList")
        self.evidence_list.setWordWrap(True)
        self.evidence_list.currentRowChanged.connect(lambda _: self.open_evidence())
        self.file_button = QPushButton("Show the file at the line")
        self.file_button.setObjectName("evidenceFile")
        self.file_button.clicked.connect(partial(self.open_evidence, prefer_commit=False))
        self.commit_button = QPushButton("Show the commit and its diff")
        self.commit_button.setObjectName("evidenceCommit")
        self.commit_button.clicked.connect(partial(self.open_evidence, prefer_commit=True))
        self._update_actions(None)
        self.viewer_title = label("", "sectionTitle")
        self.viewer = CodeViewer()

        pane = QWidget()
        pane_box = QVBoxLayout(pane)
        pane_box.setContentsMargins(0, 0, 0, 0)
        pane_box.addWidget(self.detail)
        pane_box.addWidget(self.evidence_list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.file_button)
        buttons.addWidget(self.commit_button)
        pane_box.addLayout(buttons)
        viewer = QWidget()
        viewer_box = QVBoxLayout(viewer)
        viewer_box.setContentsMargins(0, 0, 0, 0)
        viewer_box.addWidget(self.viewer_title)
        viewer_box.addWidget(self.viewer, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(pane)
        lower.addWidget(viewer)
        lower.setSizes([380, 620])
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_box = QVBoxLayout(top)
        top_box.setContentsMargins(0, 0, 0, 0)
        top_box.addLayout(bar)
        top_box.addWidget(self.table)
        split.addWidget(top)
        split.addWidget(lower)
        split.setSizes([330, 300])
        self.content.addWidget(split)

    def reload(self) -> None:
        report = self.session.report
        self.model.set_rows(report.results if report is not None else [])
        self.table.resizeRowsToContents()
        self._update_count()
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self._show_result(None)

    def _update_count(self, *args: Any) -> None:
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} checks")

    def current_result(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.record(self.proxy.mapToSource(index).row())

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_result(self.model.record(self.proxy.mapToSource(current).row()) if current.isValid() else None)

    def _show_result(self, result: Any) -> None:
        self.evidence_list.blockSignals(True)
        self.evidence_list.clear()
        self.evidence_list.blockSignals(False)
        self.viewer.setPlainText("")
        self.viewer_title.setText("")
        self._update_actions(None, "no evidence" if result is not None and not result.evidence else "")
        if result is None:
            self.detail.setText("No finding selected." if self.model.rowCount() else "No audit results yet.")
            return
        esc = html.escape
        value = "" if result.value is None else f"<br><b>value</b> {esc(short(result.value, 400))}"
        limit = "" if result.threshold is None else f" &nbsp; <b>threshold</b> {esc(short(result.threshold, 200))}"
        rec = f"<br><b>what to do</b> {esc(result.recommendation)}" if result.recommendation else ""
        page = f' &nbsp; <a href="check:{esc(result.check_id)}">check page (F1)</a>'
        self.detail.setText(f"<b>{esc(result.check_id)}</b> \u2014 {esc(result.title)}{page}<br>{esc(result.message)}"
                            f"{value}{limit}{rec}")
        self.detail.setToolTip(check_help(result.check_id))
        for ev in result.evidence:
            where = ":".join(str(x) for x in (ev.path, ev.line) if x)
            commit = f" @ {ev.commit[:10]}" if ev.commit else ""
            item = QListWidgetItem(f"{where}{commit}  {ev.detail}".strip())
            item.setToolTip(ev.detail)
            item.setData(Qt.ItemDataRole.UserRole, ev)
            self.evidence_list.addItem(item)
        if not result.evidence:
            placeholder = QListWidgetItem("(no evidence recorded for this verdict)")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.evidence_list.addItem(placeholder)
            self.viewer.setPlainText("This verdict records no evidence: there is no file or commit to open.")
        else:
            self.evidence_list.setCurrentRow(0)

    def _update_actions(self, ev: Any, why: str = "") -> None:
        """Enable each evidence action only when it can show something; the tooltip says why not."""
        if ev is None:
            reason = ("This finding records no evidence." if why == "no evidence"
                      else "Select a finding, then a piece of evidence.")
            for button in (self.file_button, self.commit_button):
                button.setEnabled(False)
                button.setToolTip(reason)
            return
        at = f" as of commit {ev.commit[:10]}" if ev.commit else " in the working tree"
        line = f" at line {ev.line}" if ev.line else ""
        self.file_button.setEnabled(bool(ev.path))
        self.file_button.setToolTip(f"Open {ev.path}{line}{at}." if ev.path else
                                    "This evidence names no file (it points at a commit or a value), so there is no file to open.")
        self.commit_button.setEnabled(bool(ev.commit))
        self.commit_button.setToolTip(f"Show commit {ev.commit[:10]} with its message and diff." if ev.commit else
                                      "This evidence names no commit (it was found in the working tree or the store), "
                                      "so there is no diff to show.")

    def open_evidence(self, prefer_commit: bool = False) -> None:
        """Load the selected evidence in the worker pool (a newer selection drops the older load)."""
        item = self.evidence_list.currentItem()
        ev = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self._update_actions(ev)
        if ev is None or self.session is None:
            return
        self.viewer_title.setText("loading\u2026")
        root = self.session.root
        self.pool.submit("evidence", lambda progress: load_evidence(root, ev, progress, prefer_commit), self._shown)

    def _shown(self, shown: EvidenceText) -> None:
        self.viewer_title.setText(shown.title)
        self.viewer.show_text(shown)
        if shown.file_note:  # binary, too large or gone: the file action has nothing to show
            self.file_button.setEnabled(False)
            self.file_button.setToolTip(f"{shown.file_note} There is no text to open.")

    def _open_check_page(self, link: str = "") -> None:
        """Open the check's page in Help (the link in the finding's detail, or F1)."""
        check_id = link.removeprefix("check:") if link.startswith("check:") else None
        if check_id is None:
            result = self.current_result()
            check_id = result.check_id if result is not None else None
        self.window_.open_check_help(check_id)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
