"""Dependency facts: declared packages (pinned / ranged / unpinned), lock files, Python version declarations.

Provider ``deps`` returns::

    packages:  [{name, spec, pin: pinned|ranged|unpinned|url, group: runtime|dev|build, path, line, hashed}]
    manifests: [{path, format}]       requirements | pyproject | poetry | setup.cfg | setup.py | pipfile | conda
    locks:     [{path, format, packages, manifest, missing, stale}]  missing = manifest packages absent from the lock;
               stale = packages whose manifest specifier changed since locking (uv.lock records them)
    python:    [{path, line, value, exact}]  requires-python, .python-version, runtime.txt, conda, Dockerfile FROM
    includes:  [{path, line, target}]  ``-r``/``-c`` includes of requirements files
    errors:    [{path, error}]        files that could not be parsed (recorded, never raised)
    templates: [{path, error}]        Jinja templates (cookiecutter/copier) skipped: not this project's manifests
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import json
import posixpath
import re
import tomllib
from typing import Any

import yaml

from mlaudit.core.templates import TEMPLATE_TEXT_WHY, is_template_text
from mlaudit.core.tree import TreeSource
from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.deps_locks import LOCKS, check_locks, lock_names, norm, uv_requires
from mlaudit.scanners.deps_python import declared_pythons
from mlaudit.scanners.facts import fact_provider
from mlaudit.scanners.py2compat import tolerant_parse

_REQ = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$")
_EXACT = re.compile(r"^===?\s*[\w.!+-]+$")
_VCS_SHA = re.compile(r"@[0-9a-f]{40}\b")
_PY_IMAGE = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(?:\S+/)?python:(\S+)", re.IGNORECASE | re.MULTILINE)
REQ_PATTERNS = ("requirements*.txt", "requirements*.in", "*requirements.txt", "requirements/*.txt", "requirements/*.in",
                "constraints*.txt")
SKIP_PARTS = ("/site-packages/", "/node_modules/", "/mlruns/", "/mlartifacts/", "/.dvc/", "/.venv/", "/.tox/")
DEV_HINTS = {"dev", "develop", "test", "tests", "testing", "lint", "linting", "doc", "docs", "ci", "typing"}


def classify_pep508(spec: str) -> str:
    """pinned (== exact), ranged, or unpinned (no version constraint) for a PEP 440 specifier."""
    spec = spec.split(";", 1)[0].strip()
    if spec.startswith("@"):
        return "pinned" if _VCS_SHA.search(spec) else "url"
    if not spec:
        return "unpinned"
    if _EXACT.match(spec) and "*" not in spec:
        return "pinned"
    return "ranged"


def classify_poetry(spec: Any) -> str:
    """Poetry/Pipfile spec: a bare exact version or ``==`` is pinned; ``*`` unpinned; ^, ~, >= ranged."""
    if isinstance(spec, dict):
        if "git" in spec or "url" in spec or "path" in spec:
            return "pinned" if spec.get("rev") and _VCS_SHA.search("@" + str(spec["rev"])) else "url"
        spec = spec.get("version", "*")
    spec = str(spec).strip()
    if spec in ("", "*"):
        return "unpinned"
    if re.fullmatch(r"=?=?\s*\d[\w.!+-]*", spec) and "*" not in spec:
        return "pinned"
    return "ranged"


def line_of(text: str, needle: str, start: int = 0) -> int | None:
    """1-based line of the first occurrence of ``needle`` (case-insensitive), or None."""
    idx = text.lower().find(needle.lower(), start)
    return None if idx < 0 else text.count("\n", 0, idx) + 1


def group_of(label: str) -> str:
    """dev for requirement files and extras named like dev/test/lint/docs/ci, else runtime."""
    tokens = set(re.split(r"[-_.\s/]+", label.lower().removesuffix(".txt").removesuffix(".in")))
    return "dev" if tokens & DEV_HINTS else "runtime"


class _Collector:
    """Accumulates facts for one tree."""

    def __init__(self, tree: TreeSource) -> None:
        self.tree = tree
        self.facts: dict[str, list[dict[str, Any]]] = {k: [] for k in ("packages", "manifests", "locks", "python", "includes", "errors",
                                                                         "templates")}

    def read(self, path: str) -> str | None:
        try:
            return self.tree.read_text(path, 16 * 1024 * 1024)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is recorded, never raised
            self.error(path, f"unreadable: {exc}")
            return None

    def error(self, path: str, message: str) -> None:
        self.facts["errors"].append({"path": path, "error": message})

    def package(self, name: str, spec: str, pin: str, group: str, path: str, line: int | None, hashed: bool = False) -> None:
        self.facts["packages"].append({"name": norm(name), "spec": spec, "pin": pin, "group": group, "path": path,
                                       "line": line, "hashed": hashed})

    def python(self, path: str, line: int | None, value: str) -> None:
        exact = bool(re.fullmatch(r"(==)?\s*\d+\.\d+(\.\d+)?[\w.-]*", value.strip()))
        self.facts["python"].append({"path": path, "line": line, "value": value.strip(), "exact": exact})


def _requirements(c: _Collector, path: str, text: str) -> None:
    group = group_of(path.rsplit("/", 1)[-1])
    compiled = "autogenerated by pip-compile" in text or "uv pip compile" in text
    logical: list[tuple[int, str]] = []
    buf, start = "", 0
    for no, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not buf:
            start = no
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        logical.append((start, buf + line))
        buf = ""
    names = 0
    for no, line in logical:
        line = line.strip()
        if not line:
            continue
        opt = re.match(r"^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)", line)
        if opt:
            base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
            c.facts["includes"].append({"path": path, "line": no, "target": base + opt.group(2)})
            continue
        hashed = "--hash" in line
        line = re.sub(r"\s--hash[=\s]\S+", "", line).strip()
        editable = line.startswith(("-e ", "--editable"))
        if line.startswith("-") and not editable:
            continue  # --index-url, --find-links, ...
        line = re.sub(r"^(-e|--editable)\s*=?\s*", "", line)
        if re.fullmatch(r"\.{1,2}/?(\[[\w,\s-]*\])?", line):
            continue  # `.` / `-e .[dev]`: installs the project itself; its own manifest declares what it needs
        if re.match(r"^(git\+|hg\+|svn\+|bzr\+|https?://|file:|\.{0,2}/)", line):
            egg = re.search(r"#egg=([\w.-]+)", line)
            name = egg.group(1) if egg else line.rstrip("/").rsplit("/", 1)[-1].split("@")[0].removesuffix(".git")
            c.package(name, line, "pinned" if _VCS_SHA.search(line) else "url", group, path, no, hashed)
            names += 1
            continue
        m = _REQ.match(line.split(";", 1)[0])
        if not m:
            c.error(path, f"line {no}: cannot parse {line!r}")
            continue
        spec = m.group(3)
        c.package(m.group(1), spec + (";" + line.split(";", 1)[1] if ";" in line else ""),
                  classify_pep508(spec), group, path, no, hashed)
        names += 1
    if compiled or (path.endswith(".txt") and c.tree.exists(path[:-4] + ".in")):
        c.facts["locks"].append({"path": path, "format": "pip-compile", "names": None, "manifest": path[:-4] + ".in"})
    if not path.endswith(".in") or names:
        c.facts["manifests"].append({"path": path, "format": "requirements"})


def _pep508_list(c: _Collector, items: Any, group: str, path: str, text: str) -> None:
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, str):
            continue
        m = _REQ.match(item.split(";", 1)[0].strip())
        if m:
            c.package(m.group(1), m.group(3), classify_pep508(m.group(3)), group, path, line_of(text, item))


def _toml(c: _Collector, path: str, text: str) -> dict[str, Any] | None:
    """The parsed TOML document, or None after recording why it cannot be read."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        c.error(path, f"invalid TOML: {exc}")
        return None


def _pyproject(c: _Collector, path: str, text: str) -> None:
    data = _toml(c, path, text)
    if data is None:
        return
    project = data.get("project") or {}
    if project.get("dependencies") is not None or project.get("optional-dependencies"):
        c.facts["manifests"].append({"path": path, "format": "pyproject"})
    _pep508_list(c, project.get("dependencies"), "runtime", path, text)
    for extra, items in (project.get("optional-dependencies") or {}).items():
        _pep508_list(c, items, group_of(extra), path, text)
    for items in (data.get("dependency-groups") or {}).values():
        _pep508_list(c, items, "dev", path, text)
    _pep508_list(c, (data.get("build-system") or {}).get("requires"), "build", path, text)
    if project.get("requires-python"):
        c.python(path, line_of(text, "requires-python"), str(project["requires-python"]))
    poetry = (data.get("tool") or {}).get("poetry") or {}
    groups = [("runtime", poetry.get("dependencies") or {}), ("dev", poetry.get("dev-dependencies") or {})]
    groups += [("dev", (g or {}).get("dependencies") or {}) for g in (poetry.get("group") or {}).values()]
    if poetry.get("dependencies"):
        c.facts["manifests"].append({"path": path, "format": "poetry"})
    for group, deps in groups:
        for name, spec in deps.items():
            if name.lower() == "python":
                c.python(path, line_of(text, "python ="), str(spec))
                continue
            shown = spec if isinstance(spec, str) else json.dumps(spec, sort_keys=True)
            c.package(name, shown, classify_poetry(spec), group, path, line_of(text, f"{name} ="))


def _setup_cfg(c: _Collector, path: str, text: str) -> None:
    cp = configparser.ConfigParser(interpolation=None)
    try:
        cp.read_string(text)
    except configparser.Error as exc:
        c.error(path, f"invalid setup.cfg: {exc.message if hasattr(exc, 'message') else exc}")
        return
    if cp.has_option("options", "install_requires"):
        c.facts["manifests"].append({"path": path, "format": "setup.cfg"})
        items = [x.strip() for x in cp.get("options", "install_requires").splitlines() if x.strip()]
        _pep508_list(c, items, "runtime", path, text)
    if cp.has_option("options", "python_requires"):
        c.python(path, line_of(text, "python_requires"), cp.get("options", "python_requires"))


def _setup_py(c: _Collector, path: str, text: str) -> None:
    parsed = tolerant_parse(text)  # an old setup.py may be Python 2
    if parsed.tree is None:
        c.error(path, f"cannot parse setup.py: {parsed.error}")
        return
    tree = parsed.tree
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "setup"):
            continue
        for kw in node.keywords:
            if kw.arg == "install_requires" and isinstance(kw.value, (ast.List, ast.Tuple)):
                c.facts["manifests"].append({"path": path, "format": "setup.py"})
                for elt in kw.value.elts:
                    if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                        m = _REQ.match(elt.value.split(";", 1)[0].strip())
                        if m:
                            c.package(m.group(1), m.group(3), classify_pep508(m.group(3)), "runtime", path, elt.lineno)
            elif kw.arg == "python_requires" and isinstance(kw.value, ast.Constant):
                c.python(path, kw.value.lineno, str(kw.value.value))


def _pipfile(c: _Collector, path: str, text: str) -> None:
    data = _toml(c, path, text)
    if data is None:
        return
    c.facts["manifests"].append({"path": path, "format": "pipfile"})
    for section, group in (("packages", "runtime"), ("dev-packages", "dev")):
        for name, spec in (data.get(section) or {}).items():
            shown = spec if isinstance(spec, str) else json.dumps(spec, sort_keys=True)
            c.package(name, shown, classify_poetry(spec), group, path, line_of(text, f"{name} ="))
    req = data.get("requires") or {}
    for key in ("python_full_version", "python_version"):
        if req.get(key):
            c.python(path, line_of(text, key), str(req[key]))
            break


def _conda(c: _Collector, path: str, text: str) -> None:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        c.error(path, f"invalid YAML: {str(exc).splitlines()[0]}")
        return
    if not isinstance(data, dict) or not isinstance(data.get("dependencies"), list):
        return
    c.facts["manifests"].append({"path": path, "format": "conda"})
    for item in data["dependencies"]:
        if isinstance(item, dict) and isinstance(item.get("pip"), list):
            _pep508_list(c, item["pip"], "runtime", path, text)
        elif isinstance(item, str):
            m = re.match(r"^(?:[\w-]+::)?([A-Za-z0-9][\w.-]*)\s*(.*)$", item.strip())
            if not m:
                continue
            name, spec = m.group(1), m.group(2).strip()
            if name == "python":
                c.python(path, line_of(text, item), spec.lstrip("="))
                continue
            exact = re.fullmatch(r"==?\d+(\.\d+){2,}[\w.]*(=\w+)?", spec.replace(" ", ""))
            pin = "pinned" if exact else ("unpinned" if not spec else "ranged")
            c.package(name, spec, pin, "runtime", path, line_of(text, item))


@fact_provider("deps")
def dependency_facts(tree: TreeSource) -> dict[str, Any]:
    """Declared dependencies, lock files and Python version declarations of one tree."""
    c = _Collector(tree)
    for entry in tree.files():
        path, name = entry.path, entry.path.rsplit("/", 1)[-1]
        if any(part in f"/{path}" for part in SKIP_PARTS):
            continue
        handler = {"pyproject.toml": _pyproject, "setup.cfg": _setup_cfg, "setup.py": _setup_py, "Pipfile": _pipfile,
                   "environment.yml": _conda, "environment.yaml": _conda, "conda.yaml": _conda, "conda.yml": _conda}.get(name)
        if handler is None and any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in REQ_PATTERNS):
            handler = _requirements
        if handler is not None:
            text = c.read(path)
            if text is not None:
                _guarded(c, handler, path, text)
        elif name in (".python-version", "runtime.txt"):
            text = c.read(path)
            if text and is_template_text(text):
                c.facts["templates"].append({"path": path, "error": TEMPLATE_TEXT_WHY})
            elif text and text.strip():
                c.python(path, 1, text.strip().splitlines()[0].removeprefix("python-"))
        elif name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile"):
            text = c.read(path) or ""
            m = _PY_IMAGE.search(text)
            if m:
                tag = m.group(1).split("@")[0]
                version = re.match(r"\d+(\.\d+)*", tag)
                c.python(path, line_of(text, m.group(0).strip()), version.group(0) if version else tag)
        for decl_path, line, value in declared_pythons(path, c.read):  # CI setup-python, dev container, cluster image
            c.python(decl_path, line, value)
        if name in LOCKS or name.endswith(".conda-lock.yml"):
            fmt, manifest = LOCKS.get(name, ("conda-lock", "environment.yml"))
            text = c.read(path)
            if text is not None:
                base = path[: -len(name)]
                names, error = lock_names(text, fmt)
                if error:
                    c.error(path, error)
                c.facts["locks"].append({"path": path, "format": fmt, "names": names, "manifest": base + manifest,
                                         "locked_specs": uv_requires(text) if fmt == "uv" else None})
    parsed = {m["path"] for m in c.facts["manifests"]} | {e["path"] for e in c.facts["errors"]}
    for inc in list(c.facts["includes"]):
        target = posixpath.normpath(inc["target"])
        if target not in parsed and tree.exists(target):
            parsed.add(target)
            text = c.read(target)
            if text is not None:
                _guarded(c, _requirements, target, text)
    check_locks(c.facts)
    return c.facts


def _guarded(c: _Collector, handler: Any, path: str, text: str) -> None:
    """Run a file handler; a file with an unexpected structure is recorded as an error, never raised. A file that
    fails because it is a Jinja template (cookiecutter/copier) is listed under ``templates`` instead."""
    errors = len(c.facts["errors"])
    try:
        handler(c, path, text)
    except (TypeError, AttributeError, ValueError, KeyError) as exc:
        c.error(path, f"unexpected structure: {type(exc).__name__}: {exc}")
    if len(c.facts["errors"]) > errors and is_template_text(text):
        del c.facts["errors"][errors:]
        c.facts["templates"].append({"path": path, "error": TEMPLATE_TEXT_WHY})
