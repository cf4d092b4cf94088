"""Which local modules training and serving code import, and the functions each defines (for MON-SKEW).

Provider ``feature_code`` returns::

    files: [{path, training, serving, imports: [{module, line}], functions: [{name, line, nodes, body}]}]
    truncated: bool                  more files than MAX_FILES were seen

Only non-test scripts and notebooks that parse are listed. ``imports`` holds every module a file imports,
relative imports resolved against the file's package; ``body`` is a hash of a top-level function's
normalised body (docstring dropped, positions ignored), so copies under another name still match.
"""

from __future__ import annotations

import ast
import hashlib
from collections import OrderedDict, defaultdict
from typing import Any

from mlaudit.core.tree import TreeSource
from mlaudit.scanners.code import analyse, content_key, is_test_path, is_training_path, parse_module
from mlaudit.scanners.facts import fact_provider
from mlaudit.scanners.notebooks import SourceFile, python_sources

MAX_FILES = 2000


def module_names(path: str) -> list[str]:
    """Dotted names a file may be imported by: every suffix of its path (``src/pkg/mod.py`` -> ``pkg.mod``, ...)."""
    stem = path.rsplit(".", 1)[0]
    parts = stem.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i:]]


def _package(path: str) -> list[str]:
    parts = path.rsplit(".", 1)[0].split("/")
    return parts[:-1]


def _imports(tree: ast.AST, path: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend({"module": a.name, "line": node.lineno} for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = _package(path)
                pkg = pkg[: len(pkg) - (node.level - 1)] if node.level > 1 else pkg
                base = ".".join([*pkg, base] if base else pkg)
            if base:
                out.append({"module": base, "line": node.lineno})
                out.extend({"module": f"{base}.{a.name}", "line": node.lineno} for a in node.names if a.name != "*")
    return out


def _body_hash(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    text = ast.dump(fn.args, annotate_fields=False) + "".join(ast.dump(s, annotate_fields=False) for s in body)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _functions(tree: ast.Module) -> list[dict[str, Any]]:
    return [{"name": n.name, "line": n.lineno, "nodes": sum(1 for _ in ast.walk(n)), "body": _body_hash(n)}
            for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


_CACHE: OrderedDict[str, dict[str, Any] | None] = OrderedDict()
CACHE_SIZE = 20000


def _cached_facts(units: list[SourceFile]) -> dict[str, Any] | None:
    """``_file_facts`` once per content and path (blob id or text hash): history scoring reuses unchanged files."""
    key = f"{units[0].path}:{content_key(units)}"
    if key not in _CACHE:
        _CACHE[key] = _file_facts(units)
        if len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return _CACHE[key]


def _file_facts(units: list[SourceFile]) -> dict[str, Any] | None:
    path = units[0].path
    result = analyse(units)
    if not result.parsed:
        return None
    module = parse_module(units) or ast.Module(body=[], type_ignores=[])
    notebook = units[0].cell_index is not None
    training = is_training_path(path) or any(kind == "training" for kind, *_ in result.findings)
    imports = _imports(module, path)
    functions = _functions(module)
    if notebook:  # joined-script lines are not notebook lines: point at the file only
        for item in (*imports, *functions):
            item["line"] = None
    return {"path": path, "training": training, "serving": result.serving, "imports": imports, "functions": functions}


@fact_provider("feature_code")
def feature_code_facts(tree: TreeSource) -> dict[str, Any]:
    """Imports and top-level functions of every non-test Python source, with its training / serving role."""
    groups: dict[str, list[SourceFile]] = defaultdict(list)
    for src in python_sources(tree):
        if not src.error and not is_test_path(src.path):
            groups[src.path].append(src)
    files: list[dict[str, Any]] = []
    for units in groups.values():
        if len(files) >= MAX_FILES:
            break
        try:
            facts = _cached_facts(units)
        except (RecursionError, MemoryError):  # absurdly nested code: the code facts record it as unreadable
            continue
        if facts:
            files.append(facts)
    return {"files": files, "truncated": len(groups) > MAX_FILES}
