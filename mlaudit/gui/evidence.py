"""Load what a piece of evidence points at (runs in a worker): the file at the line, or the commit with its diff."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mlaudit.checks.base import Evidence
from mlaudit.core.errors import MlauditError
from mlaudit.core.gitcmd import run_git
from mlaudit.core.progress import Progress
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import FileTooLarge, open_tree

MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_DIFF_BYTES = 512 * 1024


@dataclass(slots=True)
class EvidenceText:
    """Text to show for one piece of evidence, and the 1-based line to highlight (0 for none)."""

    title: str
    text: str
    line: int = 0
    kind: str = "file"  # file | diff | note
    file_note: str = ""  # why the evidence's file cannot be shown (binary, too large, gone); empty when it can


def _notebook_cell(text: str, cell: int) -> str | None:
    """The source of code cell ``cell`` (0-based among all cells) of a notebook, or None."""
    try:
        cells = json.loads(text).get("cells", [])
        source = cells[cell].get("source", "")
    except (ValueError, AttributeError, IndexError, TypeError):
        return None
    return "".join(source) if isinstance(source, list) else str(source)


def _file_note(title: str, text: str) -> EvidenceText:
    """The evidence's file cannot be shown: say why (the findings pane disables its file action with it)."""
    return EvidenceText(title, text, kind="note", file_note=text)


def _file_text(root: Path, ev: Evidence) -> EvidenceText:
    repo = open_repo(root)
    tree = open_tree(repo, ev.commit)
    where = f"at {ev.commit[:10]}" if ev.commit else "in the working tree"
    try:
        text = tree.read_text(ev.path or "", MAX_TEXT_BYTES)
    except FileNotFoundError:
        return _file_note(f"{ev.path} {where}", f"{ev.path} does not exist {where} (it may have been deleted or renamed).")
    except FileTooLarge:
        return _file_note(f"{ev.path} {where}", f"{ev.path} is larger than {MAX_TEXT_BYTES // 1024} KB; open it in an editor.")
    finally:
        tree.close()
    if "\0" in text[:8192]:
        return _file_note(f"{ev.path} {where}", f"{ev.path} is a binary file; mlaudit shows text files only.")
    title = f"{ev.path} {where}"
    if ev.path and ev.path.endswith(".ipynb") and ev.cell is not None:
        source = _notebook_cell(text, int(ev.cell))
        if source is not None:
            return EvidenceText(f"{title}, cell {ev.cell}", source, int(ev.line or 0))
    return EvidenceText(title + (f", line {ev.line}" if ev.line else ""), text, int(ev.line or 0))


def _commit_text(root: Path, sha: str) -> EvidenceText:
    fmt = "--format=commit %H%nAuthor: %an <%ae>%nDate:   %ad%n%n%w(0,4,4)%B"
    data = run_git(root, ["show", "--no-color", "--stat", "--patch", "--find-renames", "--date=iso", fmt, sha, "--"], check=False)
    if not data:
        return EvidenceText(f"commit {sha[:10]}", f"The commit {sha} is not in this repository (shallow clone or rewritten history).", kind="note")
    text = data[:MAX_DIFF_BYTES].decode("utf-8", "replace")
    if len(data) > MAX_DIFF_BYTES:
        text += f"\n\n[diff cut at {MAX_DIFF_BYTES // 1024} KB; run `git show {sha[:10]}` for the rest]"
    return EvidenceText(f"commit {sha[:10]}", text, kind="diff")


def load_evidence(root: Path, ev: Evidence, progress: Progress, prefer_commit: bool = False) -> EvidenceText:
    """The file at the evidence's line (at its commit when it names one), else the commit and its diff."""
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
