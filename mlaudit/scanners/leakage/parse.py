"""Python sources for the analysis: a script or the code cells of a notebook, with unreadable parts explained."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

from mlaudit.scanners.notebooks import NotebookCode, python_of_cell, read_notebook
from mlaudit.scanners.py2compat import tolerant_parse

_LANGUAGE = re.compile(rb'"language"\s*:\s*"([^"\\]+)"')
_TIMING_MAGIC = re.compile(r"^\s*%%(time|timeit|capture)\b")
_COUNTED = re.compile(rb'"(execution_count|prompt_number)"\s*:\s*\d')


@dataclass(slots=True)
class Unit:
    """One piece of code parsed on its own: a whole script, or one notebook cell (cell index from 0)."""

    cell: int | None
    tree: ast.Module
    lines: list[str]


@dataclass(slots=True)
class Parsed:
    """A file's parsed units, why the file (error) or some cells (cell_errors) could not be read, and what the
    tolerant parse changed to read the rest (partial: Python 2 syntax rewritten, a failing line skipped)."""

    units: list[Unit] = field(default_factory=list)
    error: str | None = None
    cell_errors: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)


def _syntax_reason(exc: SyntaxError | ValueError, source: str) -> str:
    msg = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    line = getattr(exc, "lineno", None)
    at = f" at line {line}" if line else ""
    py2 = ("Missing parentheses in call to 'print'", "Missing parentheses in call to 'exec'",
           "multiple exception types must be parenthesized")
    if any(m in msg for m in py2) or (re.search(r"^\s*print\s+[\"'\w]", source, re.MULTILINE) and "print(" not in source):
        return f"Python 2 syntax{at}: {msg}"
    return f"syntax error{at}: {msg}"


def _parse(source: str) -> tuple[ast.Module | None, str | None, str | None]:
    """The module, why it could not be parsed, and what the tolerant path changed to parse it.

    Python 2 code goes through ``tolerant_parse``: its tokens are rewritten on the same lines (line numbers stay
    those of the original) and at most a few failing lines are skipped; the note says which.
    """
    if "\x00" in source:
        return None, "contains null bytes (binary or corrupted file)", None
    tolerant = tolerant_parse(source)
    if tolerant.tree is not None:
        return tolerant.tree, None, tolerant.note
    if tolerant.error == "too deeply nested to parse":
        return None, tolerant.error, None
    try:  # the reason from the original text (the rewrite would describe the rewritten one)
        ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        return None, _syntax_reason(exc, source), None
    except (RecursionError, MemoryError):
        pass
    return None, tolerant.error or "too deeply nested to parse", None


def parse_script(data: bytes) -> Parsed:
    """A .py file: one unit, or the reason it cannot be analysed."""
    if b"\x00" in data:
        return Parsed(error="contains null bytes (binary or corrupted file)")
    text = data.decode("utf-8", "replace")
    tree, err, note = _parse(text)
    if tree is None:
        return Parsed(error=err)
    return Parsed([Unit(None, tree, text.split("\n"))], partial=[note] if note else [])


def parse_notebook(data: bytes) -> Parsed:
    """A notebook: one unit per code cell (magics blanked); bad cells are listed and skipped."""
    if b"\x00" in data:
        return Parsed(error="contains null bytes (binary or corrupted file)")
    try:
        nb = read_notebook(data.decode("utf-8", "replace"))
    except RecursionError:
        nb = NotebookCode([], "nested too deeply")
    if nb.error:
        return Parsed(error=f"malformed notebook ({nb.error})")
    lang = _LANGUAGE.search(data)
    if lang and lang.group(1).lower() not in (b"python", b"python3", b"python2", b"ipython"):
        return Parsed(error=f"notebook language is {lang.group(1).decode('utf-8', 'replace')}, not Python")
    parsed = Parsed()
    for cell in nb.cells:
        code = cell.python
        if _TIMING_MAGIC.match(cell.source):  # the body of a %%time cell is Python: blank only the magic line
            code = "\n" + python_of_cell(cell.source.split("\n", 1)[1] if "\n" in cell.source else "")
        tree, cerr, note = _parse(code)
        if tree is None:
            parsed.cell_errors.append(f"cell {cell.index}: {cerr}")
            continue
        if note:
            parsed.partial.append(f"cell {cell.index}: {note}")
        parsed.units.append(Unit(cell.index, tree, code.split("\n")))
    if nb.cells and not parsed.units:
        parsed.error = "no code cell could be parsed (" + "; ".join(parsed.cell_errors[:3]) + ")"
    parsed.units = in_run_order(parsed.units, data)
    return parsed


def execution_counts(data: bytes) -> dict[int, int]:
    """Cell index -> execution count of the code cells that carry one (nbformat 4 and 3)."""
    if not _COUNTED.search(data):
        return {}
    try:
        nb = json.loads(data.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return {}
    raw = nb.get("cells") if isinstance(nb, dict) else None
    if raw is None and isinstance(nb, dict) and nb.get("worksheets"):
        raw = (nb["worksheets"][0] or {}).get("cells")
    out = {}
    for i, cell in enumerate(raw or []):
        n = cell.get("execution_count", cell.get("prompt_number")) if isinstance(cell, dict) else None
        if isinstance(n, int) and not isinstance(n, bool):
            out[i] = n
    return out


def in_run_order(units: list[Unit], data: bytes) -> list[Unit]:
    """The cells in the order they were run, when the saved execution counts tell it without doubt.

    Every code cell with code must carry a count and no count may repeat (a restarted kernel makes the
    order ambiguous); otherwise the file order is kept.
    """
    counts = execution_counts(data)
    with_code = [u for u in units if u.tree.body]
    if not counts or any(u.cell not in counts for u in with_code):
        return units
    ran = [counts[u.cell] for u in with_code if u.cell is not None]
    if len(set(ran)) != len(ran) or ran == sorted(ran):
        return units
    return sorted(units, key=lambda u: (counts.get(u.cell, -1) if u.cell is not None else -1, u.cell or 0))


def parse_file(path: str, data: bytes) -> Parsed:
    """Dispatch on the extension: .ipynb is a notebook, anything else a script."""
    return parse_notebook(data) if path.endswith(".ipynb") else parse_script(data)
