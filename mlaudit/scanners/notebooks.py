"""Notebook code cells as Python, and every Python source of a tree (scripts and notebook cells).

``read_notebook`` turns .ipynb JSON into code cells whose ``python`` text is parseable by ``ast``: IPython
magics, shell escapes and ``?`` help lines are blanked (never removed) so line numbers match ``source``.
``python_sources`` walks a TreeSource and yields one ``SourceFile`` per script and per notebook code cell,
with everything a finding needs to point back at the file: path, cell index and line mapping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlaudit.core.tree import FileTooLarge, TreeSource

MAX_SOURCE_BYTES = 20 * 1024 * 1024
SKIP_PARTS = ("site-packages/", ".ipynb_checkpoints/", "node_modules/")

_MAGIC = re.compile(r"^\s*(%%?[A-Za-z_]|![^=]|!$|\?)")  # %name, %%name, !cmd, ?name (`% (a, b)` is the operator)
_STRING_OR_COMMENT = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|#.*")
_ASSIGNED_MAGIC = re.compile(r"^\s*[\w.,\s]+=\s*[%!]")
_HELP = re.compile(r"^\s*[\w.]+\?{1,2}\s*$")


@dataclass(slots=True)
class CodeCell:
    """A code cell: ``index`` among ALL cells of the notebook, original ``source``, ``python`` for ast."""

    index: int
    source: str
    python: str


@dataclass(slots=True)
class NotebookCode:
    """The code cells of a notebook, or the reason it could not be read."""

    cells: list[CodeCell] = field(default_factory=list)
    error: str | None = None

    def script(self) -> tuple[str, list[tuple[int, int]]]:
        """All cells joined as one module, and (cell index, first line in the module) per cell."""
        parts, starts, line = [], [], 1
        for cell in self.cells:
            text = cell.python if cell.python.endswith("\n") or not cell.python else cell.python + "\n"
            starts.append((cell.index, line))
            parts.append(text)
            line += text.count("\n")
        return "".join(parts), starts


def python_of_cell(source: str) -> str:
    """The cell's code with magics, shell escapes and help lines blanked, line count unchanged."""
    lines = source.split("\n")
    first = next((ln for ln in lines if ln.strip()), "")
    if first.lstrip().startswith("%%"):
        return "\n" * (len(lines) - 1)
    out, continued, depth = [], False, 0
    for ln in lines:
        magic = depth == 0 and bool(_MAGIC.match(ln) or _ASSIGNED_MAGIC.match(ln) or _HELP.match(ln))
        blank = continued or magic  # inside an open bracket a line continues Python code, never a magic
        continued = blank and ln.rstrip().endswith("\\")
        out.append("" if blank else ln)
        if not blank:
            depth = max(0, depth + _bracket_change(ln))
    return "\n".join(out)


def _bracket_change(line: str) -> int:
    """Opened minus closed brackets on one line, string literals and comments left out (a rough count)."""
    code = _STRING_OR_COMMENT.sub("", line)
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")


def _text(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def read_notebook(text: str) -> NotebookCode:
    """Parse notebook JSON (nbformat 3 or 4); invalid input gives ``error`` set, never an exception."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return NotebookCode([], f"not valid JSON: {exc}")
    if not isinstance(data, dict):
        return NotebookCode([], "not a notebook: the JSON top level is not an object")
    if isinstance(data.get("cells"), list):
        raw, key = data["cells"], "source"
    elif isinstance(data.get("worksheets"), list) and data["worksheets"] and isinstance(data["worksheets"][0], dict):
        raw, key = data["worksheets"][0].get("cells") or [], "input"
    else:
        return NotebookCode([], "not a notebook: no 'cells' list")
    cells = []
    for i, cell in enumerate(raw):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            src = _text(cell.get(key, cell.get("source", "")))
            cells.append(CodeCell(i, src, python_of_cell(src)))
    return NotebookCode(cells, None)


@dataclass(slots=True)
class SourceFile:
    """Python code to analyse: a script, or one notebook code cell (``cell_index`` set).

    ``text`` is parseable Python (magics blanked). A line ``n`` of ``text`` is line ``n + line_offset`` of
    the file for scripts (offset 0) and line ``n`` of cell ``cell_index`` for notebooks; ``line_offset`` of
    a cell is its first line in the notebook's joined script (``NotebookCode.script``) minus one.
    ``error`` is set (and ``text`` empty) when the file could not be read.
    """

    path: str
    text: str
    cell_index: int | None = None
    line_offset: int = 0
    blob: str | None = None
    error: str | None = None

    def position(self, line: int) -> tuple[int, int | None]:
        """(line, cell) to put in evidence for line ``line`` of ``text``."""
        if self.cell_index is None:
            return line + self.line_offset, None
        return line, self.cell_index


def is_source_path(path: str) -> bool:
    """A script or notebook worth analysing (checkpoints and vendored packages excluded)."""
    return path.endswith((".py", ".ipynb")) and not any(part in f"/{path}" for part in (f"/{p}" for p in SKIP_PARTS))


def python_sources(tree: TreeSource, max_bytes: int = MAX_SOURCE_BYTES) -> Iterator[SourceFile]:
    """Every script and notebook code cell of the tree, in path order; unreadable files carry ``error``."""
    for entry in tree.files():
        if not is_source_path(entry.path):
            continue
        try:
            text = tree.read_text(entry.path, max_bytes)
        except (OSError, FileTooLarge) as exc:
            yield SourceFile(entry.path, "", None, 0, entry.blob, f"unreadable: {exc}")
            continue
        if not entry.path.endswith(".ipynb"):
            yield SourceFile(entry.path, text, None, 0, entry.blob)
            continue
        nb = read_notebook(text)
        if nb.error:
            yield SourceFile(entry.path, "", None, 0, entry.blob, nb.error)
            continue
        _, starts = nb.script()
        for cell, (_, start) in zip(nb.cells, starts, strict=True):
            yield SourceFile(entry.path, cell.python, cell.index, start - 1, entry.blob)
