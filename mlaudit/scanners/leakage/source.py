"""Python sources for the analysis: a script or the code cells of a notebook, with unreadable parts explained."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

_MAGIC = re.compile(r"^\s*(%|!|\?)|^\s*\w+\s*=\s*[!%]|\?\s*$")


@dataclass(slots=True)
class Unit:
    """One piece of code parsed on its own: a whole script, or one notebook cell (cell index from 0)."""

    cell: int | None
    tree: ast.Module
    lines: list[str]


@dataclass(slots=True)
class Parsed:
    """A file's parsed units, plus why the file (error) or some cells (cell_errors) could not be read."""

    units: list[Unit] = field(default_factory=list)
    error: str | None = None
    cell_errors: list[str] = field(default_factory=list)


def strip_magics(source: str) -> str:
    """Blank IPython magics, shell escapes and help lines, keeping line numbers."""
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%") and not lines[0].lstrip().startswith(("%%time", "%%capture")):
        return "\n" * (len(lines) - 1)  # a cell magic (bash, html, writefile, ...) is not Python
    return "\n".join("" if _MAGIC.search(line) else line for line in lines)


def _syntax_reason(exc: SyntaxError | ValueError, source: str) -> str:
    msg = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    line = getattr(exc, "lineno", None)
    at = f" at line {line}" if line else ""
    py2 = ("Missing parentheses in call to 'print'", "Missing parentheses in call to 'exec'",
           "multiple exception types must be parenthesized")
    if any(m in msg for m in py2) or re.search(r"^\s*print\s+[\"'\w]", source, re.M) and "print(" not in source:
        return f"Python 2 syntax{at}: {msg}"
    return f"syntax error{at}: {msg}"


def _parse(source: str) -> tuple[ast.Module | None, str | None]:
    if "\x00" in source:
        return None, "contains null bytes (binary or corrupted file)"
    try:
        return ast.parse(source), None
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        if isinstance(exc, (RecursionError, MemoryError)):
            return None, "too deeply nested to parse"
        return None, _syntax_reason(exc, source)


def parse_script(data: bytes) -> Parsed:
    """A .py file: one unit, or the reason it cannot be analysed."""
    if b"\x00" in data:
        return Parsed(error="contains null bytes (binary or corrupted file)")
    text = data.decode("utf-8", "replace")
    tree, err = _parse(text)
    if tree is None:
        return Parsed(error=err)
    return Parsed([Unit(None, tree, text.split("\n"))])


def notebook_cells(data: bytes) -> tuple[list[tuple[int, str]], str | None]:
    """The code cells of a .ipynb as (index among all cells, source), or the reason the notebook is malformed."""
    if b"\x00" in data:
        return [], "contains null bytes (binary or corrupted file)"
    try:
        nb = json.loads(data.decode("utf-8", "replace"))
    except (ValueError, RecursionError) as exc:
        return [], f"malformed notebook (not valid JSON: {exc})"
    if not isinstance(nb, dict):
        return [], "malformed notebook (top level is not an object)"
    cells = nb.get("cells")
    if cells is None and isinstance(nb.get("worksheets"), list):  # nbformat 3
        cells = [c for ws in nb["worksheets"] if isinstance(ws, dict) for c in ws.get("cells", [])]
    if not isinstance(cells, list):
        return [], "malformed notebook (no cell list)"
    lang = str(((nb.get("metadata") or {}).get("kernelspec") or {}).get("language", "python")).lower()
    if lang not in ("python", "python3", "python2", ""):
        return [], f"notebook kernel language is {lang}, not Python"
    out = []
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", cell.get("input", ""))
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if isinstance(src, str):
            out.append((i, src))
    return out, None


def parse_notebook(data: bytes) -> Parsed:
    """A notebook: one unit per code cell (magics blanked); bad cells are listed and skipped."""
    cells, err = notebook_cells(data)
    if err:
        return Parsed(error=err)
    parsed = Parsed()
    for index, src in cells:
        src = strip_magics(src)
        tree, cerr = _parse(src)
        if tree is None:
            parsed.cell_errors.append(f"cell {index}: {cerr}")
            continue
        parsed.units.append(Unit(index, tree, src.split("\n")))
    if cells and not parsed.units:
        parsed.error = "no code cell could be parsed (" + "; ".join(parsed.cell_errors[:3]) + ")"
    return parsed


def parse_file(path: str, data: bytes) -> Parsed:
    """Dispatch on the extension: .ipynb is a notebook, anything else a script."""
    return parse_notebook(data) if path.endswith(".ipynb") else parse_script(data)
