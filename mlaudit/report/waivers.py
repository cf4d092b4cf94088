"""Finding sites and the waivers that cover them (repo config waivers and inline ``# mlaudit: ignore[...]``).

A finding is a warn/fail check result; its sites are the evidence items that name a file and are not attached
context. A result is waived when every site is covered by a waiver still in force; a waived finding stays in the
report, marked with the reason, and does not fail a severity gate. An expired waiver covers nothing and fails the gate.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlaudit.checks.base import CheckResult, Evidence, Status, all_checks
from mlaudit.core.config import THRESHOLDS, AuditConfig
from mlaudit.core.errors import MlauditError
from mlaudit.core.project_config import (
    CONFIG_FILES,
    ProjectConfig,
    Waiver,
    inline_waivers,
    load_project_config,
    merge_config,
)
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import open_tree

# Evidence that explains the finding before it rather than being a finding site itself.
ATTACHED = ("cross-check:", "related:", "not analysed:", "target ", "fit:", "split:", "history:")
MAX_SOURCE_FILES = 300
MAX_SOURCE_BYTES = 4 * 1024 * 1024


def finding_sites(result: CheckResult) -> list[tuple[Evidence | None, list[Evidence]]]:
    """(primary located evidence, the attached evidence after it) per site; one unlocated site when none names a file."""
    sites: list[tuple[Evidence | None, list[Evidence]]] = []
    for ev in result.evidence:
        if ev.path and not ev.detail.startswith(ATTACHED):
            sites.append((ev, []))
        elif sites and ev.path:
            sites[-1][1].append(ev)
    return sites or [(None, [e for e in result.evidence if e.path])]


def is_finding(result: CheckResult) -> bool:
    return result.status in (Status.FAIL, Status.WARN)


@dataclass(slots=True)
class WaiverState:
    """How waivers bear on one finding: fully waived, partly, or by an expired waiver."""

    waived: bool
    reasons: list[str]
    origins: list[str]
    expired: list[Waiver] = field(default_factory=list)
    partial: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"waived": self.waived, "partial": self.partial, "reasons": self.reasons, "origins": self.origins,
                "expired": [w.to_dict() for w in self.expired]}


@dataclass(slots=True)
class WaiverIndex:
    """The waivers in force for one report, plus the problems found with them."""

    waivers: list[Waiver]
    today: _dt.date
    problems: list[str] = field(default_factory=list)

    def in_force(self) -> list[Waiver]:
        return [w for w in self.waivers if not w.expired(self.today) and w.reason]

    def expired(self) -> list[Waiver]:
        return [w for w in self.waivers if w.expired(self.today)]

    def for_site(self, check_id: str, path: str | None, line: int | None) -> Waiver | None:
        """The first waiver in force covering this site (inline ones first: they are the most specific)."""
        ranked = sorted(self.in_force(), key=lambda w: not w.inline)
        return next((w for w in ranked if w.covers(check_id, path, line)), None)

    def expired_for_site(self, check_id: str, path: str | None, line: int | None) -> list[Waiver]:
        return [w for w in self.expired() if w.covers(check_id, path, line)]

    def state(self, result: CheckResult) -> WaiverState | None:
        """None when no waiver (in force or expired) bears on the finding."""
        if not is_finding(result):
            return None
        covering, expired, uncovered = [], [], 0
        for primary, _ in finding_sites(result):
            path, line = (primary.path, site_line(primary)) if primary is not None else (None, None)
            waiver = self.for_site(result.check_id, path, line)
            if waiver is None:
                uncovered += 1
                expired += [w for w in self.expired_for_site(result.check_id, path, line) if w not in expired]
            elif waiver not in covering:
                covering.append(waiver)
        if not covering and not expired:
            return None
        return WaiverState(waived=bool(covering) and uncovered == 0, reasons=[w.reason for w in covering],
                           origins=[w.origin for w in covering], expired=expired, partial=bool(covering) and uncovered > 0)


SourceReader = Callable[[str], bytes | None]


def build_index(project: ProjectConfig | None, results: list[CheckResult], read: SourceReader | None,
                today: _dt.date | None = None) -> WaiverIndex:
    """Config waivers plus inline waivers found at the lines of the findings' evidence (only those files are read)."""
    waivers = list(project.waivers) if project is not None else []
    index = WaiverIndex(waivers, today or _dt.date.today())
    if read is None:
        return index
    paths: list[str] = []
    for r in results:
        if is_finding(r):
            for ev in r.evidence:
                if ev.path and ev.line and ev.path not in paths:
                    paths.append(ev.path)
    for path in paths[:MAX_SOURCE_FILES]:
        try:
            data = read(path)
        except Exception as exc:  # noqa: BLE001 - an unreadable file only means no inline waiver is seen there
            index.problems.append(f"{path}: not read for inline waivers ({type(exc).__name__})")
            continue
        if data is None or b"mlaudit" not in data:
            continue
        for waiver in _inline_of(path, data):
            if not waiver.reason:
                index.problems.append(f"{waiver.origin}: inline waiver for {waiver.check} has no reason, so it is not "
                                      "applied; write `# mlaudit: ignore[CHECK-ID] why`")
            waivers.append(waiver)
    if len(paths) > MAX_SOURCE_FILES:
        index.problems.append(f"inline waivers looked for in the first {MAX_SOURCE_FILES} of {len(paths)} files with findings")
    return index


def _inline_of(path: str, data: bytes) -> list[Waiver]:
    text = data.decode("utf-8", errors="replace")
    if not path.endswith(".ipynb"):
        return inline_waivers(path, text.splitlines())
    try:  # a notebook: evidence lines count within a cell (cells indexed among all cells)
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return []
    out = []
    for i, cell in enumerate(cells if isinstance(cells, list) else []):
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        lines = "".join(source).splitlines() if isinstance(source, list) else str(source).splitlines()
        for w in inline_waivers(path, lines):
            out.append(Waiver(w.check, w.reason, path, None, f"{path} cell {i} line {w.line}", True, _cell_key(i, w.line)))
    return out


def _cell_key(cell: int, line: int | None) -> int:
    """Notebook sites are keyed as cell * 100000 + line, so an inline waiver covers only its own cell."""
    return cell * 100000 + (line or 0)


def site_line(ev: Evidence | None) -> int | None:
    """The line key of a finding site for inline waiver matching (cell-qualified in notebooks)."""
    if ev is None or ev.line is None:
        return None
    return _cell_key(ev.cell, ev.line) if ev.cell is not None else ev.line


def worktree_reader(root: Path) -> SourceReader:
    """Read a repo file from the working tree: bounded, and never outside the repo (symlinks are not followed out)."""
    base = root.resolve()

    def read(path: str) -> bytes | None:
        target = (base / path).resolve()
        if not target.is_relative_to(base) or not target.is_file() or target.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return target.read_bytes()

    return read


def commit_reader(root: Path, rev: str) -> tuple[SourceReader, Callable[[], None]]:
    """Read repo files as they are at ``rev`` (a commit), and a function that closes the reader."""
    tree = open_tree(open_repo(root), rev, MAX_SOURCE_BYTES)

    def read(path: str) -> bytes | None:
        return tree.read_bytes(path, MAX_SOURCE_BYTES) if tree.exists(path) else None

    return read, tree.close


def load_repo_config(root: Path, read: SourceReader) -> ProjectConfig:
    """The repo config (.mlaudit.toml or [tool.mlaudit]) as ``read`` sees it, validated against every check."""
    texts: dict[str, str | None] = {}
    for name in CONFIG_FILES:
        data = read(name)
        if data is None:
            texts[name] = None
            continue
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MlauditError(f"{name}: not UTF-8 text ({exc}); mlaudit reads its config as UTF-8") from exc
    if texts.get(".mlaudit.toml") is None and "mlaudit" not in (texts.get("pyproject.toml") or ""):
        return ProjectConfig()  # nothing to validate: the checks (and their imports) are not loaded for it
    checks = list(all_checks())  # also declares every threshold
    return load_project_config(root, checks, THRESHOLDS, texts=texts)


def with_repo_config(config: AuditConfig, root: Path, rev: str | None = None) -> AuditConfig:
    """``config`` with the repo config of ``root`` (at ``rev``, else the working tree) merged in; idempotent."""
    if rev is None:
        return merge_config(config, load_repo_config(root, worktree_reader(root))).config
    read, close = commit_reader(root, rev)
    try:
        return merge_config(config, load_repo_config(root, read)).config
    finally:
        close()
