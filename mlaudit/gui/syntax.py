"""Syntax highlighting of code and diffs: tokens found with Pygments in a worker, applied lazily to visible lines.

``code_spans`` and ``diff_spans`` run in the worker pool (Pygments is pure Python: a 256 KB diff page takes a
few hundred milliseconds) and return, per 0-based line, ``(start, length, kind)`` spans. ``LazyHighlighter``
colours only the lines scrolled into view (``QTextLayout.setFormats``), so a long diff never stalls the GUI
thread the way a QSyntaxHighlighter re-highlighting every block at once would.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import QPlainTextEdit

from mlaudit.gui.theme import DARK, current

Spans = dict[int, list[tuple[int, int, str]]]

MAX_HIGHLIGHT_CHARS = 1024 * 1024  # larger texts are shown plain (lexing them would take seconds)
KINDS = ("keyword", "string", "comment", "number", "name", "builtin", "decorator")
COLOURS = {  # (light, dark): readable on the themes' surfaces and on the diff backgrounds
    "keyword": ("#0033b3", "#cf8e6d"), "string": ("#067d17", "#6aab73"), "comment": ("#6e7781", "#8b949e"),
    "number": ("#1750eb", "#2aacb8"), "name": ("#00627a", "#56a8f5"), "builtin": ("#871094", "#c77dbb"),
    "decorator": ("#9e880d", "#bbb529"),
}
DIFF_FILE = re.compile(r"^diff --git a/(.+?) b/(.+)$")


@lru_cache(maxsize=512)
def _kind(token: Any) -> str | None:
    """The colour class of a Pygments token type (None: left in the text colour)."""
    from pygments import token as t

    for kind, base in (("comment", t.Comment), ("string", t.String), ("number", t.Number), ("keyword", t.Keyword),
                       ("decorator", t.Name.Decorator), ("builtin", t.Name.Builtin),
                       ("name", t.Name.Function), ("name", t.Name.Class), ("keyword", t.Operator.Word),
                       ("name", t.Name.Tag), ("string", t.Literal)):  # keys and plain values of YAML, JSON, TOML
        if token in base:
            return kind
    return None


def _lexer(path: str) -> Any:
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    name = path.rsplit("/", 1)[-1]
    if name.endswith(".ipynb"):
        name = name.removesuffix(".ipynb") + ".py"  # notebooks are shown as their cells' Python source
    try:
        return get_lexer_for_filename(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _spans_of(code: str, lexer: Any, first_line: int, line_map: list[int] | None = None, column: int = 0) -> Spans:
    """Spans of ``code`` lexed as one text; line ``i`` of it is shown as line ``line_map[i]`` (shifted by ``column``)."""
    out: Spans = {}
    line, col = 0, 0
    for token, value in lexer.get_tokens(code):
        kind = _kind(token)
        for i, part in enumerate(value.split("\n")):
            if i:
                line, col = line + 1, 0
            if part and kind is not None:
                target = line_map[line] if line_map is not None and line < len(line_map) else first_line + line
                out.setdefault(target, []).append((col + column, len(part), kind))
            col += len(part)
    return out


def code_spans(text: str, path: str) -> Spans:
    """Spans of a whole file (its lexer chosen by the file name; nothing for unknown types or huge texts)."""
    lexer = _lexer(path) if len(text) <= MAX_HIGHLIGHT_CHARS else None
    return _spans_of(text, lexer, 0) if lexer is not None else {}


def diff_spans(text: str, path: str | None = None, in_hunk: bool = False) -> Spans:
    """Spans of a unified diff: each file's added, removed and context lines lexed together, after the +/-/space.

    ``path`` names the file when the diff has no ``diff --git`` header; ``in_hunk``: the text is a later page
    of a diff, starting inside a hunk."""
    if len(text) > MAX_HIGHLIGHT_CHARS:
        return {}
    out: Spans = {}
    lines = text.split("\n")
    current = path
    code: list[str] = []
    shown_at: list[int] = []

    def flush() -> None:
        lexer = _lexer(current) if current else None
        if lexer is not None and code:
            out.update(_spans_of("\n".join(code), lexer, 0, shown_at, column=1))
        code.clear()
        shown_at.clear()

    for number, line in enumerate(lines):
        header = DIFF_FILE.match(line)
        if header:
            flush()
            current, in_hunk = header.group(2), False
            continue
        if line.startswith("@@"):
            in_hunk = True
            continue
        if in_hunk and line[:1] in ("+", "-", " "):
            code.append(line[1:])
            shown_at.append(number)
        elif in_hunk and not line.startswith("\\"):
            in_hunk = False
    flush()
    return out


def formats() -> dict[str, QTextCharFormat]:
    """A character format per kind in the current theme's colours (comments italic)."""
    dark = current() is DARK
    out = {}
    for kind, (light, night) in COLOURS.items():
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(night if dark else light))
        if kind == "comment":
            fmt.setFontItalic(True)
        if kind == "keyword":
            fmt.setFontWeight(QFont.Weight.DemiBold)
        out[kind] = fmt
    return out


class LazyHighlighter(QObject):
    """Colours an editor's visible lines from precomputed spans, as they scroll into view."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.editor = editor
        self.spans: Spans = {}
        self.done: set[int] = set()
        self.formats = formats()
        editor.updateRequest.connect(self._visible)

    def set_spans(self, spans: Spans) -> None:
        """New text was set: forget what was coloured and colour what is visible now."""
        self.spans, self.done, self.formats = spans, set(), formats()
        self._visible()

    def _visible(self, *_args: Any) -> None:
        if not self.spans:
            return
        editor = self.editor
        block = editor.firstVisibleBlock()
        offset = editor.contentOffset()
        height = editor.viewport().height()
        document = editor.document()
        while block.isValid():
            top = editor.blockBoundingGeometry(block).translated(offset).top()
            if top > height:
                break
            number = block.blockNumber()
            if number not in self.done:
                self.done.add(number)
                spans = self.spans.get(number)
                if spans:
                    ranges = []
                    for start, length, kind in spans:
                        r = QTextLayout.FormatRange()
                        r.start, r.length, r.format = start, length, self.formats[kind]
                        ranges.append(r)
                    block.layout().setFormats(ranges)
                    document.markContentsDirty(block.position(), block.length())
            block = block.next()
