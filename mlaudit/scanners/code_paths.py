"""Data paths a script reads, evaluated statically: constants, os.path.join, Path / "x", "%s/x" % a, f-strings,
config attributes (``config.train_path`` set as ``self.train_path = ...`` in any file) and YAML/JSON config values
(``cfg["data"]["train"]`` with ``cfg = yaml.safe_load(open("params.yaml"))``).

Within one file ``StaticPaths.value`` folds what it can; what needs another file is left as a placeholder
(``{attr:NAME}`` or ``{config:FILE:key.key}``) that ``resolve`` fills from the whole tree. Nothing is executed.
"""

from __future__ import annotations

import ast
import json
import posixpath
import re
from collections.abc import Callable
from typing import Any

from mlaudit.core.yamlload import load_yaml

READ_CALLS = {"read_csv", "read_parquet", "read_json", "read_table", "read_excel", "read_feather", "read_pickle",
              "read_orc", "read_hdf", "loadtxt", "genfromtxt", "load_dataset", "open", "load"}
DATA_SUFFIX = re.compile(r"\.(csv|tsv|parquet|pq|json|jsonl|feather|arrow|xlsx?|txt|gz|zip|orc|h5|hdf5|npy|npz|data)$", re.IGNORECASE)
CONFIG_LOADERS = {"safe_load", "load", "full_load"}
SCRIPT_DIR = "./"  # os.path.dirname(__file__): the reading script's folder
_PLACEHOLDER = re.compile(r"\{(attr|config):([^{}]+)\}")
MAX_CONFIG_BYTES = 512 * 1024


class StaticPaths:
    """String values known in one module: names, ``self.attr`` attributes and config-file variables."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.attrs: dict[str, str] = {}
        self.configs: dict[str, str] = {}  # variable -> config file it was loaded from

    def assign(self, target: ast.AST, value: ast.AST) -> None:
        config = _config_file(value)
        if isinstance(target, ast.Name) and config:
            self.configs[target.id] = config
            return
        folded = self.value(value)
        if folded is None:
            return
        if isinstance(target, ast.Name):
            self.names[target.id] = folded
        elif isinstance(target, ast.Attribute):
            self.attrs[target.attr] = folded

    def value(self, node: ast.AST, depth: int = 0) -> str | None:
        """The string ``node`` evaluates to (placeholders for values from other files), or None."""
        if depth > 12:
            return None
        v = lambda n: self.value(n, depth + 1)
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else str(node.value) if isinstance(node.value, int) else None
        if isinstance(node, ast.Name):
            return SCRIPT_DIR if node.id == "__file__" else self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            if node.attr == "parent":  # Path(__file__).parent
                inner = v(node.value)
                return SCRIPT_DIR if inner == SCRIPT_DIR else posixpath.dirname(inner) if inner else None
            return self.attrs.get(node.attr) or f"{{attr:{node.attr}}}"
        if isinstance(node, ast.JoinedStr):
            parts = [v(p.value) if isinstance(p, ast.FormattedValue) else v(p) for p in node.values]
            return "".join(parts) if all(p is not None for p in parts) else None  # type: ignore[arg-type]
        if isinstance(node, ast.BinOp):
            left, right = v(node.left), v(node.right)
            if isinstance(node.op, ast.Div) and left is not None and right is not None:
                return _join([left, right])
            if isinstance(node.op, ast.Add) and left is not None and right is not None:
                return (left + right).replace(SCRIPT_DIR + "/", SCRIPT_DIR)
            if isinstance(node.op, ast.Mod) and left is not None:
                args = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
                values = [v(a) for a in args]
                if all(x is not None for x in values) and left.count("%s") == len(values):
                    return left.replace("%s", "{}").format(*values)
            return None
        if isinstance(node, ast.Subscript):
            return self._config_value(node)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        return None

    def _call(self, node: ast.Call, depth: int) -> str | None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        args = [self.value(a, depth + 1) for a in node.args]
        if name == "join" and isinstance(func, ast.Attribute) and "path" in ast.unparse(func.value):
            return _join(args) if args and all(a is not None for a in args) else None  # type: ignore[arg-type]
        if name in ("dirname", "abspath", "realpath", "normpath", "expanduser") and args:
            if args[0] == SCRIPT_DIR:
                return SCRIPT_DIR
            return posixpath.dirname(args[0]) if name == "dirname" and args[0] else args[0]
        if name in ("Path", "PurePath", "str", "fspath", "resolve", "absolute") and len(args) <= 1:
            if not args and isinstance(func, ast.Attribute):  # Path(...).resolve()
                return self.value(func.value, depth + 1)
            return args[0] if args else None
        if name == "format" and isinstance(func, ast.Attribute):
            template = self.value(func.value, depth + 1)
            if template is not None and all(a is not None for a in args):
                try:
                    return template.format(*args)
                except (IndexError, KeyError, ValueError):
                    return None
        return None

    def _config_value(self, node: ast.Subscript) -> str | None:
        keys: list[str] = []
        while isinstance(node, ast.Subscript):
            if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                return None
            keys.insert(0, node.slice.value)
            node = node.value  # type: ignore[assignment]
        if isinstance(node, ast.Name) and node.id in self.configs:
            return f"{{config:{self.configs[node.id]}:{'.'.join(keys)}}}"
        return None


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        out = part if part.startswith("/") or not out else posixpath.join(out, part)
    return out.replace("//", "/") if "://" not in out else out


def _config_file(value: ast.AST) -> str | None:
    """``yaml.safe_load(open("params.yaml"))`` / ``json.load(open(...))`` / ``OmegaConf.load("c.yaml")`` -> the file."""
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in CONFIG_LOADERS or not value.args:
        return None
    arg = value.args[0]
    if isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "open" and arg.args:
        arg = arg.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.lower().endswith((".yaml", ".yml", ".json")):
        return arg.value
    return None


def read_target(node: ast.Call, attr: str, paths: StaticPaths) -> str | None:
    """The folded path of a read call's first argument when it is not a plain literal (literals are read as text)."""
    if attr not in READ_CALLS:
        return None
    arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("filepath_or_buffer", "path",
                                                                                             "fname", "file")), None)
    if arg is None or isinstance(arg, ast.Constant):
        return None
    value = paths.value(arg)
    if value is None or value == SCRIPT_DIR:
        return None
    if attr in ("open", "load") and "{" not in value and (not DATA_SUFFIX.search(value) or
                                                          (value.lower().endswith(".txt") and "data" not in value.lower())):
        return None  # open() of a version file, a template, ...: not a data read
    return value


def resolve(value: str, attrs: dict[str, str], read: Callable[[str], str | None], config_dir: str = "") -> str | None:
    """Fill ``{attr:..}`` and ``{config:file:key}`` placeholders from the whole tree; None when one stays unknown."""
    for _ in range(4):
        if "{" not in value:
            return value
        def fill(m: re.Match[str]) -> str:
            kind, ref = m.group(1), m.group(2)
            if kind == "attr":
                return attrs.get(ref, m.group(0))
            file, _, dotted = ref.partition(":")
            found = _config_lookup(read, posixpath.normpath(posixpath.join(config_dir, file)), dotted)
            if found is None:
                found = _config_lookup(read, posixpath.normpath(file), dotted)
            return found if found is not None else m.group(0)
        new = _PLACEHOLDER.sub(fill, value)
        if new == value:
            return None
        value = new
    return value if "{" not in value else None


def _config_lookup(read: Callable[[str], str | None], path: str, dotted: str) -> str | None:
    text = read(path)
    if text is None or len(text) > MAX_CONFIG_BYTES:
        return None
    try:
        doc: Any = json.loads(text) if path.endswith(".json") else load_yaml(text)
    except Exception:  # noqa: BLE001 - an unreadable config resolves nothing
        return None
    for key in dotted.split("."):
        if not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return str(doc) if isinstance(doc, (str, int, float)) else None
