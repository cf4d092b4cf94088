"""Load what a piece of evidence points at (runs in a worker): the file at the line, or the commit with its diff."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from mlaudit.checks.base import Evidence
from mlaudit.core.errors import MlauditError
from mlaudit.core.gitcmd import stream_git
from mlaudit.core.progress import Progress
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import FileTooLarge, TreeSource, open_tree

MAX_TEXT_BYTES = 2 * 1024 * 1024  # a file up to this size is shown whole
MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024  # a notebook up to this size is rendered cell by cell (outputs left out)
MAX_STREAM_BYTES = 4 * 1024 * 1024 * 1024  # a bigger text file is streamed to the line, up to this many bytes
WINDOW_LINES = 2000  # lines shown either side of the evidence line in a file too big to show whole
MAX_DIFF_BYTES = 2 * 1024 * 1024


@dataclass(slots=True)
class EvidenceText:
    """Text to show for one piece of evidence, and the 1-based line to highlight (0 for none)."""

    title: str
    text: str
    line: int = 0
    kind: str = "file"  # file | diff | note
    file_note: str = ""  # why the evidence's file cannot be shown (binary, too large, gone); empty when it can
    spans: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)  # syntax colours by line (gui.syntax)


def _cells(data: bytes) -> list[dict[str, object]] | None:
    """The cells of notebook JSON (nbformat 4, or the worksheets of nbformat 3), or None when it is not one."""
    try:
        nb = json.loads(data)
    except ValueError:
        return None
    if not isinstance(nb, dict):
        return None
    cells = nb.get("cells")
    if cells is None:
        cells = [c for ws in nb.get("worksheets", []) if isinstance(ws, dict) for c in ws.get("cells", [])]
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else None


def _source(cell: dict[str, object]) -> str:
    source = cell.get("source", cell.get("input", ""))
    return "".join(str(x) for x in source) if isinstance(source, list) else str(source)


def render_notebook(data: bytes, cell: int | None = None, line: int = 0) -> tuple[str, int] | None:
    """The notebook as text, cell by cell with its number and type (outputs left out), and the line to highlight.

    ``cell`` is the 0-based index among all cells and ``line`` the 1-based line inside it, as evidence records them.
    """
    cells = _cells(data)
    if cells is None:
        return None
    out: list[str] = []
    target = 0
    for i, c in enumerate(cells):
        kind = str(c.get("cell_type", "code"))
        outputs = c.get("outputs")
        note = f" \u00b7 {len(outputs)} output(s) not shown" if isinstance(outputs, list) and outputs else ""
        out.append(f"# \u2500\u2500 cell {i} \u00b7 {kind}{note} \u2500\u2500")
        if i == cell:
            target = len(out) + max(line, 1)
        out.extend(_source(c).split("\n"))
        out.append("")
    return "\n".join(out), target


def _lines(fh: BinaryIO, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The lines of a binary stream (any object with ``read``), without loading it whole."""
    rest = b""
    while True:
        data = fh.read(chunk)
        if not data:
            break
        parts = (rest + data).split(b"\n")
        rest = parts.pop()
        yield from (p + b"\n" for p in parts)
    if rest:
        yield rest


def _window(fh: BinaryIO, line: int) -> tuple[str, int, int, int]:
    """Stream a big text file: the lines around ``line`` (1-based), the first shown line, the total and bytes read."""
    want = max(line, 1)
    lo = max(1, want - WINDOW_LINES)
    hi = want + WINDOW_LINES
    kept: list[bytes] = []
    n = read = 0
    for n, raw in enumerate(_lines(fh), start=1):
        read += len(raw)
        if lo <= n <= hi:
            kept.append(raw)
        if read > MAX_STREAM_BYTES:
            break
    return b"".join(kept).decode("utf-8", "replace"), lo, n, read


def _file_note(title: str, text: str) -> EvidenceText:
    """The evidence's file cannot be shown: say why (the findings pane disables its file action with it)."""
    return EvidenceText(title, text, kind="note", file_note=text)


def _big_file(tree: TreeSource, ev: Evidence, title: str) -> EvidenceText:
    """A text file over MAX_TEXT_BYTES: the window of lines around the evidence line, streamed."""
    if b"\0" in tree.read_head(ev.path or "", 8192):
        return _file_note(title, f"{ev.path} is a binary file; mlaudit shows text files only.")
    with tree.open(ev.path or "") as fh:
        text, first, total, read = _window(fh, int(ev.line or 0))
    last = first + text.count("\n")
    cut = "" if read <= MAX_STREAM_BYTES else f" (stopped after {MAX_STREAM_BYTES >> 30} GB)"
    header = f"# lines {first}\u2013{last} of {total}{cut}: the file is too large to show whole\n"
    target = (int(ev.line) - first + 2) if ev.line else 0
    return EvidenceText(title + (f", line {ev.line}" if ev.line else ""), header + text, target)


def _file_text(root: Path, ev: Evidence) -> EvidenceText:
    repo = open_repo(root)
    tree = open_tree(repo, ev.commit, max_bytes=MAX_NOTEBOOK_BYTES)
    where = f"at {ev.commit[:10]}" if ev.commit else "in the working tree"
    title = f"{ev.path} {where}"
    try:
        entry = tree.entry(ev.path or "")
        if entry is None or entry.kind != "file":
            return _file_note(title, f"{ev.path} does not exist {where} (it may have been deleted or renamed).")
        if (ev.path or "").endswith(".ipynb") and entry.size <= MAX_NOTEBOOK_BYTES:
            rendered = render_notebook(tree.read_bytes(ev.path or "", MAX_NOTEBOOK_BYTES),
                                       None if ev.cell is None else int(ev.cell), int(ev.line or 0))
            if rendered is not None:
                cell = f", cell {ev.cell}" if ev.cell is not None else ""
                return EvidenceText(f"{title}{cell}", rendered[0], rendered[1])
        if entry.size > MAX_TEXT_BYTES:
            return _big_file(tree, ev, title)
        text = tree.read_text(ev.path or "", MAX_TEXT_BYTES)
    except FileNotFoundError:
        return _file_note(title, f"{ev.path} does not exist {where} (it may have been deleted or renamed).")
    except FileTooLarge:
        return _file_note(title, f"{ev.path} is too large to open here; open it in an editor.")
    finally:
        tree.close()
    if "\0" in text[:8192]:
        return _file_note(title, f"{ev.path} is a binary file; mlaudit shows text files only.")
    return EvidenceText(title + (f", line {ev.line}" if ev.line else ""), text, int(ev.line or 0))


def commit_diff(root: Path, sha: str, max_bytes: int = MAX_DIFF_BYTES) -> tuple[bytes, bool]:
    """``git show`` of a commit: message, stat and the full patch (a merge against its first parent), streamed.

    Returns the bytes (at most ``max_bytes``) and whether the diff was longer; git is stopped at the cap.
    """
    fmt = "--format=commit %H%nAuthor: %an <%ae>%nDate:   %ad%n%n%w(0,4,4)%B"
    args = ["show", "--no-color", "--stat", "--patch", "--diff-merges=first-parent", "--find-renames",
            "--date=iso", fmt, sha, "--"]
    parts: list[bytes] = []
    size = 0
    for chunk in stream_git(root, args):
        parts.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            break
    data = b"".join(parts)
    return data[:max_bytes], size > max_bytes


def _commit_text(root: Path, sha: str) -> EvidenceText:
    data, cut = commit_diff(root, sha)
    if not data:
        return EvidenceText(f"commit {sha[:10]}", f"The commit {sha} is not in this repository (shallow clone or rewritten history).", kind="note")
    text = data.decode("utf-8", "replace")
    if cut:
        text += f"\n\n[diff cut at {MAX_DIFF_BYTES // 1024} KB; run `git show {sha[:10]}` for the rest]"
    return EvidenceText(f"commit {sha[:10]}", text, kind="diff")


def load_evidence(root: Path, ev: Evidence, progress: Progress, prefer_commit: bool = False) -> EvidenceText:
    """The file at the evidence's line (at its commit when it names one), else the commit and its diff; syntax-coloured."""
    from mlaudit.gui.syntax import code_spans, diff_spans

    shown = _load_evidence(root, ev, progress, prefer_commit)
    if shown.kind == "diff":
        shown.spans = diff_spans(shown.text)
    elif shown.kind == "file" and ev.path:
        shown.spans = code_spans(shown.text, ev.path)
    return shown


def _load_evidence(root: Path, ev: Evidence, progress: Progress, prefer_commit: bool = False) -> EvidenceText:
    progress.update("evidence", 0, 0, ev.path or ev.commit or "")
    try:
        if ev.commit and (prefer_commit or not ev.path):
            return _commit_text(root, ev.commit)
        if ev.path:
            shown = _file_text(root, ev)
            if shown.kind == "note" and ev.commit:  # binary, too large or gone: the commit says more
                diff = _commit_text(root, ev.commit)
                diff.text = f"{shown.text}\nShowing the commit instead.\n\n{diff.text}"
                diff.file_note = shown.file_note
                return diff
            return shown
    except MlauditError as exc:
        return EvidenceText("evidence", str(exc), kind="note")
    value = "" if ev.value is None else f"\n\nvalue: {ev.value}"
    return EvidenceText("evidence", f"{ev.detail}{value}\n\n(This evidence names no file or commit.)", kind="note")


@dataclass(slots=True)
class FileDiff:
    """A page of the unified diff of one file between two commits, and whether more follows."""

    path: str
    text: str
    lines: int
    more: bool
    offset: int  # bytes of the diff already shown before this page
    next_offset: int  # where the next page starts
    spans: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)  # syntax colours by line of the page


def file_diff(root: Path, commit_a: str, commit_b: str, path: str, offset: int = 0,
              page_bytes: int = 256 * 1024) -> FileDiff:
    """The unified diff of ``path`` from ``commit_a`` to ``commit_b``, the page starting ``offset`` bytes in.

    git is streamed and stopped once the page is full (a page never cuts a line); ``more`` says whether the
    diff goes on, so a viewer can load the next page on demand.
    """
    args = ["diff", "--no-color", "--find-renames", "--unified=3", commit_a, commit_b, "--", path]
    data = bytearray()
    more = False
    for chunk in stream_git(root, args):
        data += chunk
        if len(data) > offset + page_bytes:
            more = True
            break
    page = bytes(data[offset: offset + page_bytes])
    if more and b"\n" in page:
        page = page[: page.rindex(b"\n") + 1]
    text = page.decode("utf-8", "replace")
    from mlaudit.gui.syntax import diff_spans

    return FileDiff(path, text, text.count("\n"), more, offset, offset + len(page), diff_spans(text, path, in_hunk=offset > 0))
