"""Small building blocks shared by the views: headings, notices, cards, chart canvases, a table model."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mlaudit.gui.theme import readable as readable_colour

STATUS_COLOURS = {
    "pass": "#2e7d32", "warn": "#b7791f", "fail": "#c62828", "unknown": "#78909c", "not applicable": "#90a4ae",
    "error": "#6a1b9a", "critical": "#b71c1c", "high": "#c62828", "medium": "#b7791f", "low": "#5c6bc0",
    "info": "#78909c", "dangerous": "#b71c1c", "unknown-globals": "#b7791f", "safe": "#2e7d32",
}

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Index = QModelIndex | QPersistentModelIndex


def label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def notice(text: str) -> QLabel:
    """A muted, centred message: 'not available yet', 'nothing found', ..."""
    widget = label(text, "notice")
    widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def error_banner(text: str) -> QLabel:
    widget = label(text, "errorBanner")
    return widget


def card(value: str, caption: str, tooltip: str = "") -> QFrame:
    """A framed figure with a caption (stage, score, level...)."""
    frame = QFrame()
    frame.setObjectName("card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(12, 8, 12, 8)
    box.addWidget(label(value, "cardValue"))
    box.addWidget(label(caption, "cardLabel"))
    if tooltip:
        frame.setToolTip(tooltip)
    return frame


def cards_row(cards: Sequence[QWidget]) -> QWidget:
    row = QWidget()
    box = QHBoxLayout(row)
    box.setContentsMargins(0, 0, 0, 0)
    for c in cards:
        box.addWidget(c)
    return row


_CANVAS_CLASS: Any = None


def _canvas_class() -> Any:
    """FigureCanvasQTAgg that keeps a drawing made in a worker until its size changes (imported on first use)."""
    global _CANVAS_CLASS
    if _CANVAS_CLASS is None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        class PrerenderedCanvas(FigureCanvasQTAgg):
            """Adopts the Agg renderer a worker drew into; draws on the GUI thread only at another size."""

            def __init__(self, figure: Any) -> None:
                drawn = getattr(figure.canvas, "renderer", None)
                key = getattr(figure.canvas, "_lastKey", None)
                super().__init__(figure)
                self._prerendered_key = key if drawn is not None else None
                if drawn is not None:
                    self.renderer, self._lastKey = drawn, key

            def draw(self) -> None:
                w, h = self.get_width_height(physical=True)
                if self._prerendered_key == (w, h, self.figure.dpi):
                    return  # the worker's drawing is this size already
                self._prerendered_key = None
                super().draw()

        _CANVAS_CLASS = PrerenderedCanvas
    return _CANVAS_CLASS


def chart_canvas(figure: Figure, name: str = "") -> QWidget:
    """A report chart (a matplotlib Figure from mlaudit.report.charts) embedded as a FigureCanvasQTAgg.

    A figure drawn beforehand (mlaudit.gui.charts.prerender, in a worker) is shown at its own size
    without drawing again on the GUI thread.
    """
    canvas = _canvas_class()(figure)
    w, h = figure.get_size_inches()
    dpi = figure.get_dpi()
    canvas.setFixedSize(int(round(w * dpi)), int(round(h * dpi)))
    if name:
        canvas.setObjectName(name)
    return canvas


class _PageLayout(QStackedLayout):
    """A stacked layout that never asks its pages for a height-for-width (see PageStack)."""

    def hasHeightForWidth(self) -> bool:
        return False


class PageStack(QWidget):
    """One page at a time, like QStackedWidget, but with a height that does not depend on the width.

    QStackedLayout answers heightForWidth by asking every page, so each layout pass of the window laid out
    the word-wrapped labels of all nine views (hidden ones too): tens of milliseconds of text layout on the
    GUI thread whenever a view was shown. A page fills the stack anyway; no height-for-width is needed.
    """

    def __init__(self) -> None:
        super().__init__()
        self._layout = _PageLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def hasHeightForWidth(self) -> bool:
        return False

    def addWidget(self, widget: QWidget) -> int:
        return self._layout.addWidget(widget)

    def setCurrentIndex(self, index: int) -> None:
        self._layout.setCurrentIndex(index)

    def currentIndex(self) -> int:
        return self._layout.currentIndex()

    def currentWidget(self) -> QWidget | None:
        return self._layout.currentWidget()


def clear_layout(layout) -> None:
    """Remove and delete every widget of a layout (views rebuild their content on reload)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


@dataclass(slots=True)
class Column:
    """One table column: header, how to show a row, optional tooltip, sort key and colour."""

    header: str
    text: Callable[[Any], Any]
    tooltip: Callable[[Any], str] | None = None
    sort: Callable[[Any], Any] | None = None
    colour: Callable[[Any], str | None] | None = None
    width: int | None = None


class RecordsModel(QAbstractTableModel):
    """A read-only table over a list of records (dicts or objects) described by Columns."""

    SortRole = Qt.ItemDataRole.UserRole + 1
    RecordRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows = list(rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.text(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
            return col.tooltip(row) or None
        if role == self.SortRole:
            key = col.sort(row) if col.sort is not None else col.text(row)
            return "" if key is None else key
        if role == self.RecordRole:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            colour = col.colour(row)
            return QBrush(readable_colour(colour)) if colour else None
        return None

    def record(self, row: int) -> Any:
        return self.rows[row]


def table(model: QAbstractItemModel, stretch_last: bool = True,
          elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> QTableView:
    """A table view with the app's defaults (``elide``: ElideMiddle suits path columns)."""
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    header = view.horizontalHeader()
    header.setStretchLastSection(stretch_last)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setTextElideMode(elide)
    source = model.sourceModel() if hasattr(model, "sourceModel") else model
    if isinstance(source, RecordsModel):
        for i, col in enumerate(source.columns):
            if col.width:
                view.setColumnWidth(i, col.width)
    return view


def fit_columns(view: QTableView, widest: int = 360) -> QTableView:
    """Size columns to their contents, none wider than ``widest`` (long values elide; the tooltip has them whole)."""
    view.resizeColumnsToContents()
    for column in range(view.model().columnCount()):
        view.setColumnWidth(column, min(view.columnWidth(column), widest))
    return view


def fit_rows(view: QTableView, max_rows: int | None = None) -> QTableView:
    """Fix a table's height to its rows (up to ``max_rows``, then it scrolls): short tables inside scrolling views."""
    count = view.model().rowCount()
    shown = count if max_rows is None else min(count, max_rows)
    rows = sum(view.rowHeight(r) for r in range(shown))
    scroll = view.horizontalScrollBar().sizeHint().height() if view.horizontalScrollBar().maximum() > 0 else 0
    view.setFixedHeight(view.horizontalHeader().sizeHint().height() + rows + scroll + 2 * view.frameWidth() + 2)
    if shown == count:
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return str(size)


def as_dict(record: Any) -> dict[str, Any]:
    """A record (dataclass, object with to_dict/to_json, mapping) as a plain dict."""
    if isinstance(record, dict):
        return record
    for method in ("to_dict", "to_json"):
        fn = getattr(record, method, None)
        if callable(fn):
            value = fn()
            if isinstance(value, dict):
                return value
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    return {k: v for k, v in vars(record).items() if not k.startswith("_")} if hasattr(record, "__dict__") else {"value": record}


def number(value: float) -> str:
    """A number as a person reads it: thousands separated, integral floats without decimals, 4 significant digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if value != value:  # noqa: PLR0124 - NaN, the one value unequal to itself
        return "n/a"
    if value in (float("inf"), float("-inf")):
        return "\u221e" if value > 0 else "-\u221e"
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    if abs(value) >= 1e-3:
        return f"{value:.4g}"
    return f"{value:.3g}"


def readable(value: Any) -> str:
    """Any value as text without reprs: numbers formatted, mappings as ``key: value``, sequences joined."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return number(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {readable(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(readable(v) for v in value)
    return str(value)


CHANGE_WORDS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "C": "copied", "T": "type changed"}


def change_word(status: Any) -> str:
    """git's one-letter file status in words (R100 -> renamed); anything else as given."""
    text = "" if status is None else str(status)
    return CHANGE_WORDS.get(text[:1], text) if text else ""


def plural(count: int, word: str) -> str:
    """``1 file``, ``3 files``: a count with its noun (thousands separated)."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def when_text(stamp: Any) -> str:
    """An ISO timestamp (or epoch seconds) as ``2026-12-04 18:35 UTC``; anything unparsable is shown as given."""
    from datetime import UTC, datetime

    try:
        moment = (datetime.fromtimestamp(float(stamp), UTC) if isinstance(stamp, (int, float))
                  else datetime.fromisoformat(str(stamp)))
    except (TypeError, ValueError, OverflowError, OSError):
        return "" if stamp is None else str(stamp)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M") + " UTC"


def short(value: Any, width: int = 80) -> str:
    """A compact one-line rendering of a value for a table cell."""
    text = readable(value)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def auto_columns(rows: Sequence[dict[str, Any]], preferred: Sequence[str] = (), skip: Sequence[str] = ()) -> list[Column]:
    """Columns for dict rows: the preferred keys first, then other scalar keys (nested values left out)."""
    keys: list[str] = [k for k in preferred if any(k in r for r in rows)]
    for r in rows:
        for k, v in r.items():
            if k not in keys and k not in skip and not isinstance(v, dict) and not (isinstance(v, list) and len(v) > 8):
                keys.append(k)

    def numeric(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    def sort_key(k: str) -> Callable[[dict[str, Any]], Any]:
        is_num = all(numeric(r.get(k)) for r in rows if r.get(k) is not None)

        def key(r: dict[str, Any]) -> Any:
            v = r.get(k)
            if is_num:
                return float(v) if v is not None else float("-inf")
            return short(v)
        return key

    def shown(k: str, width: int = 80) -> Callable[[dict[str, Any]], str]:
        return lambda r: short(r.get(k), width)

    return [Column(k.replace("_", " "), shown(k), tooltip=shown(k, 2000), sort=sort_key(k)) for k in keys]
