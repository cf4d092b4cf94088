"""The audited repository's own mlaudit config: ``.mlaudit.toml`` or ``[tool.mlaudit]`` in ``pyproject.toml``.

Read from the repo (never written), parsed with tomllib and validated strictly: an unknown key or a bad value is a
ProjectConfigError naming the file and the line (the CLI exits 2). Example::

    [tool.mlaudit]
    select = ["REPRO-*", "LEAK-*"]        # check ids or globs; default: every check
    ignore = ["REPRO-BINARIES"]           # reported as not applicable, never as a pass
    thresholds = { "repro.pinned_share" = 0.8 }
    path-rules = [{ glob = "pipelines/*.py", role = "code" }]

    [[tool.mlaudit.waivers]]
    check = "LEAK-CODE-PREPROCESS"
    path = "notebooks/*.ipynb"            # optional glob; default: the check everywhere
    reason = "exploration notebooks, not the training pipeline"
    expires = 2027-03-31                  # optional; once past, the waiver no longer applies and the gate fails

Precedence for thresholds: the documented default < the user's settings (the app's settings dialog,
``config.json`` in the user config folder) < this repository config. Repo path rules are tried before the user's,
which are tried before the built-in rules.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlaudit.core.config import THRESHOLDS, AuditConfig
from mlaudit.core.errors import MlauditError
from mlaudit.core.roles import ROLES

CONFIG_FILES = (".mlaudit.toml", "pyproject.toml")
MAX_CONFIG_BYTES = 1024 * 1024
KEYS = ("select", "ignore", "thresholds", "path-rules", "waivers")
RULE_KEYS = ("glob", "role")
WAIVER_KEYS = ("check", "path", "reason", "expires")
INLINE = re.compile(r"#\s*mlaudit:\s*ignore\[([A-Za-z0-9_\-*, ]+)\]\s*(.*?)\s*$")
DEFAULT_SOURCE = "default"
MLAUDIT_TABLE = re.compile(r"^\s*\[+\s*tool\s*\.\s*mlaudit\b", re.MULTILINE)


class ProjectConfigError(MlauditError):
    """The repository's mlaudit config is invalid; the message names the file and the line."""


@dataclass(slots=True, frozen=True)
class Waiver:
    """Accept a known finding: the check, where (a path glob; None = everywhere), why, and until when."""

    check: str
    reason: str
    path: str | None = None
    expires: str | None = None  # ISO date
    origin: str = ""  # "pyproject.toml:14" or "train.py:7" (inline)
    inline: bool = False
    line: int | None = None  # inline waivers: the line they cover

    def expired(self, today: _dt.date | None = None) -> bool:
        return self.expires is not None and _dt.date.fromisoformat(self.expires) < (today or _dt.date.today())

    def covers(self, check_id: str, path: str | None, line: int | None = None) -> bool:
        """Whether this waiver applies to a finding site of ``check_id`` at ``path`` (and ``line``)."""
        if not fnmatch.fnmatchcase(check_id, self.check):
            return False
        if self.inline:
            return path == self.path and line is not None and line in (self.line, (self.line or 0) + 1)
        return self.path is None or (path is not None and fnmatch.fnmatchcase(path, self.path))

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "path": self.path, "reason": self.reason, "expires": self.expires,
                "origin": self.origin, "inline": self.inline}


@dataclass(slots=True)
class ProjectConfig:
    """What the repository config asks for; ``source`` is the file it came from (None: the repo has none)."""

    source: str | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)
    threshold_lines: dict[str, int] = field(default_factory=dict)
    path_rules: list[tuple[str, str]] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)

    def selected(self, check_id: str) -> bool:
        """Whether the config keeps ``check_id`` (selected, or no select given, and not ignored)."""
        if any(fnmatch.fnmatchcase(check_id, p) for p in self.ignore):
            return False
        return self.select is None or any(fnmatch.fnmatchcase(check_id, p) for p in self.select)

    def exclusion_reason(self, check_id: str) -> str | None:
        """Why the config leaves ``check_id`` out, or None when it keeps it."""
        if self.selected(check_id):
            return None
        key = "ignore" if any(fnmatch.fnmatchcase(check_id, p) for p in self.ignore) else "select"
        return f"left out by `{key}` in {self.source}"


@dataclass(slots=True)
class MergedConfig:
    """User settings and repo config merged; ``sources`` says where each threshold value came from."""

    config: AuditConfig
    sources: dict[str, str]
    project: ProjectConfig


def _line_locator(text: str) -> _Locator:
    return _Locator(text.splitlines())


class _Locator:
    """Best-effort line numbers of keys in a TOML text (tomllib keeps no positions)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def table(self, name: str, occurrence: int = 0) -> int | None:
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(name).replace(r"\.", r"\s*\.\s*") + r"\s*\]\]?\s*(#.*)?$")
        hits = [i + 1 for i, line in enumerate(self.lines) if pattern.match(line)]
        return hits[occurrence] if occurrence < len(hits) else None

    def key(self, key: str, after: int | None = None) -> int | None:
        pattern = re.compile(r"""^\s*(["']?)""" + re.escape(key) + r"""\1\s*=|[{,]\s*(["']?)""" + re.escape(key) + r"""\2\s*=""")
        start = (after or 1) - 1
        for i in range(start, len(self.lines)):
            if pattern.search(self.lines[i]):
                return i + 1
        return None


def _fail(source: str, line: int | None, what: str) -> ProjectConfigError:
    where = f"{source}:{line}" if line else source
    return ProjectConfigError(f"{where}: {what}; fix or remove it (see `mlaudit report --help` and the README's project config)")


def _read(root: Path, name: str) -> str | None:
    """The text of a config file at the repo root, or None; a symlink or an oversized file is refused."""
    path = root / name
    if not path.is_file():
        return None
    if path.is_symlink():
        raise ProjectConfigError(f"{path}: the config is a symbolic link; mlaudit reads only a regular file at the repo root")
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ProjectConfigError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes; that is not a config file")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectConfigError(f"{path}: cannot read the config ({exc}); make it a readable UTF-8 file") from exc


def load_project_config(root: str | Path, known_checks: Iterable[str], known_thresholds: Iterable[str] | None = None,
                        texts: dict[str, str | None] | None = None) -> ProjectConfig:
    """The repo config of ``root`` (``.mlaudit.toml`` first, then ``[tool.mlaudit]`` in pyproject.toml).

    ``texts`` gives the file contents instead of reading the working tree (e.g. read from a commit).
    """
    root = Path(root)
    found: list[tuple[str, dict[str, Any], _Locator, str]] = []
    for name in CONFIG_FILES:
        text = texts.get(name) if texts is not None else _read(root, name)
        if text is None:
            continue
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:  # its message ends "(at line N, column M)"
            if name == "pyproject.toml" and not MLAUDIT_TABLE.search(text):
                continue  # a broken pyproject without mlaudit config is the deps checks' finding, not a config error
            raise ProjectConfigError(f"{name}: not valid TOML: {exc}; fix the syntax") from exc
        loc = _line_locator(text)
        if name == "pyproject.toml":
            tool = data.get("tool", {})
            if not isinstance(tool, dict) or "mlaudit" not in tool:
                continue
            found.append((name, tool["mlaudit"], loc, "tool.mlaudit"))
        else:
            found.append((name, data, loc, ""))
    if not found:
        return ProjectConfig()
    if len(found) > 1:
        raise ProjectConfigError(f"both .mlaudit.toml and [tool.mlaudit] in pyproject.toml configure mlaudit; "
                                 f"keep one (pyproject.toml:{found[1][2].table('tool.mlaudit')})")
    name, data, loc, prefix = found[0]
    thresholds = set(THRESHOLDS if known_thresholds is None else known_thresholds)
    return _validate(name, data, loc, prefix, set(known_checks), thresholds)


def _validate(source: str, data: Any, loc: _Locator, prefix: str, checks: set[str], thresholds: set[str]) -> ProjectConfig:
    top = loc.table(prefix) if prefix else None
    if not isinstance(data, dict):
        raise _fail(source, top, "[tool.mlaudit] must be a table")
    cfg = ProjectConfig(source=source)
    for key, value in data.items():
        line = loc.key(key, top) or loc.table(f"{prefix}.{key}" if prefix else key) or top
        if key not in KEYS:
            raise _fail(source, line, f"unknown key {key!r} (known: {', '.join(KEYS)})")
        if key in ("select", "ignore"):
            ids = _check_list(source, line, key, value, checks)
            if key == "select":
                cfg.select = ids
            else:
                cfg.ignore = ids
        elif key == "thresholds":
            _thresholds(cfg, source, loc, prefix, line, value, thresholds)
        elif key == "path-rules":
            cfg.path_rules = _rules(source, loc, prefix, line, value)
        else:
            cfg.waivers = _waivers(source, loc, prefix, line, value, checks)
    return cfg


def _check_list(source: str, line: int | None, key: str, value: Any, checks: set[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(source, line, f"`{key}` must be a list of check ids, e.g. {key} = [\"REPRO-SEEDS\", \"LEAK-*\"]")
    for pattern in value:
        if not any(fnmatch.fnmatchcase(c, pattern) for c in checks):
            raise _fail(source, line, f"`{key}`: {pattern!r} matches no check (`mlaudit checks` lists them)")
    return list(value)


def _thresholds(cfg: ProjectConfig, source: str, loc: _Locator, prefix: str, line: int | None, value: Any,
                known: set[str]) -> None:
    if not isinstance(value, dict):
        raise _fail(source, line, "`thresholds` must be a table of name = number")
    table = loc.table(f"{prefix}.thresholds" if prefix else "thresholds")
    for name, number in value.items():
        at = loc.key(name, table or line) or line
        if name not in known:
            raise _fail(source, at, f"unknown threshold {name!r} (known: {', '.join(sorted(known))})")
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number) or number < 0:
            raise _fail(source, at, f"threshold {name!r} must be a non-negative number, not {number!r}")
        cfg.thresholds[name] = float(number)
        cfg.threshold_lines[name] = at or 0


def _tables(source: str, line: int | None, key: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _fail(source, line, f"`{key}` must be a list of tables ([[tool.mlaudit.{key}]] blocks)")
    return value


def _item_line(loc: _Locator, prefix: str, key: str, i: int, fallback: int | None) -> int | None:
    return loc.table(f"{prefix}.{key}" if prefix else key, i) or fallback


def _rules(source: str, loc: _Locator, prefix: str, line: int | None, value: Any) -> list[tuple[str, str]]:
    rules = []
    for i, item in enumerate(_tables(source, line, "path-rules", value)):
        at = _item_line(loc, prefix, "path-rules", i, line)
        unknown = set(item) - set(RULE_KEYS)
        if unknown:
            raise _fail(source, at, f"path rule {i + 1}: unknown key(s) {', '.join(sorted(unknown))} (known: glob, role)")
        glob, role = item.get("glob"), item.get("role")
        if not isinstance(glob, str) or not glob:
            raise _fail(source, at, f"path rule {i + 1}: `glob` must be a non-empty string")
        if role not in ROLES:
            raise _fail(source, at, f"path rule {i + 1}: role {role!r} is not one of {', '.join(ROLES)}")
        rules.append((glob, str(role)))
    return rules


def _waivers(source: str, loc: _Locator, prefix: str, line: int | None, value: Any, checks: set[str]) -> list[Waiver]:
    out = []
    for i, item in enumerate(_tables(source, line, "waivers", value)):
        at = _item_line(loc, prefix, "waivers", i, line)
        unknown = set(item) - set(WAIVER_KEYS)
        if unknown:
            raise _fail(source, at, f"waiver {i + 1}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(WAIVER_KEYS)})")
        check, path, reason, expires = (item.get(k) for k in WAIVER_KEYS)
        if not isinstance(check, str) or not any(fnmatch.fnmatchcase(c, check) for c in checks):
            raise _fail(source, at, f"waiver {i + 1}: `check` {check!r} names no check (`mlaudit checks` lists them)")
        if path is not None and (not isinstance(path, str) or not path):
            raise _fail(source, at, f"waiver {i + 1}: `path` must be a non-empty glob string")
        if not isinstance(reason, str) or not reason.strip():
            raise _fail(source, at, f"waiver {i + 1}: `reason` is required: say why the finding is accepted")
        out.append(Waiver(check, reason.strip(), path, _date(source, at, i, expires), f"{source}:{at}" if at else source))
    return out


def _date(source: str, line: int | None, i: int, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _fail(source, line, f"waiver {i + 1}: `expires` must be a date such as 2027-03-31, not {value!r}")


def inline_waivers(path: str, lines: Iterable[str], offset: int = 0) -> list[Waiver]:
    """Waivers written in code: ``# mlaudit: ignore[CHECK-ID, ...] reason`` covers its line and the next one."""
    out = []
    for n, text in enumerate(lines, start=1):
        if "mlaudit" not in text:
            continue
        m = INLINE.search(text)
        if m is None:
            continue
        reason = m.group(2).strip()
        for check in filter(None, (c.strip() for c in m.group(1).split(","))):
            out.append(Waiver(check, reason, path, None, f"{path}:{n + offset}", True, n + offset))
    return out


def merge_config(user: AuditConfig, project: ProjectConfig, user_source: str = "user settings") -> MergedConfig:
    """Thresholds: default < user settings < repo config; path rules: repo first, then the user's."""
    thresholds = dict(user.thresholds)
    sources = {name: (user_source if name in user.thresholds else DEFAULT_SOURCE) for name in THRESHOLDS}
    for name in user.thresholds:
        sources.setdefault(name, user_source)
    for name, value in project.thresholds.items():
        thresholds[name] = value
        line = project.threshold_lines.get(name)
        sources[name] = f"{project.source}:{line}" if line else str(project.source)
    rules = list(dict.fromkeys([*project.path_rules, *user.path_rules]))  # merging twice changes nothing
    merged = AuditConfig(thresholds=thresholds, path_rules=rules)
    return MergedConfig(merged, dict(sorted(sources.items())), project)
