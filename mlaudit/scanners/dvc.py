"""Pure parsers for DVC files (no DVC installed): dvc.yaml, dvc.lock, *.dvc and params files.

Every parser takes text and returns plain dataclasses. Malformed input gives an empty result whose
``error`` attribute says why; parsers never raise.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

import yaml

from mlaudit.core.textparse import load_json, load_toml
from mlaudit.core.yamlload import load_yaml


class Parsed(list):
    """A list of parsed records plus ``error`` (None when the input was well formed)."""

    error: str | None = None


class ParsedDict(dict):
    """A dict of parsed values plus ``error`` (None when the input was well formed)."""

    error: str | None = None


@dataclass(slots=True)
class DvcStage:
    """A dvc.yaml stage (a ``foreach`` stage is one DvcStage per item, named ``name@item``)."""

    name: str
    cmd: str
    deps: list[str] = field(default_factory=list)
    outs: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)  # "file:key" (file defaults to params.yaml)
    metrics: list[str] = field(default_factory=list)
    plots: list[str] = field(default_factory=list)
    wdir: str = "."


@dataclass(slots=True)
class DvcOut:
    """A DVC-tracked path with its content hash (``kind`` out or dep; ``stage`` None for .dvc files)."""

    path: str
    md5: str | None
    size: int | None = None
    nfiles: int | None = None
    stage: str | None = None
    kind: str = "out"

    @property
    def is_dir(self) -> bool:
        return bool(self.md5 and self.md5.endswith(".dir"))


def _failed(kind: type, message: str) -> Any:
    result = kind()
    result.error = message
    return result


def _load_yaml(text: str) -> tuple[Any, str | None]:
    try:
        return load_yaml(text), None
    except yaml.YAMLError as exc:
        return None, f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"


def _paths(items: Any) -> list[str]:
    """Paths from a dvc list whose items are strings or one-key mappings ({path: {options}})."""
    out: list[str] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            out.extend(str(k) for k in item)
    return out


def _params(items: Any) -> list[str]:
    out: list[str] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            out.append(f"params.yaml:{item}")
        elif isinstance(item, dict):
            for fname, keys in item.items():
                if isinstance(keys, list) and keys:
                    out.extend(f"{fname}:{k}" for k in keys)
                else:
                    out.append(f"{fname}:")
    return out


def _cmd(value: Any) -> str:
    if isinstance(value, list):
        return " && ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _stage(name: str, spec: dict[str, Any]) -> DvcStage:
    return DvcStage(name, _cmd(spec.get("cmd")), _paths(spec.get("deps")), _paths(spec.get("outs")),
                    _params(spec.get("params")), _paths(spec.get("metrics")), _paths(spec.get("plots")),
                    str(spec.get("wdir") or "."))


def parse_dvc_yaml(text: str) -> Parsed:
    """The stages of a dvc.yaml (list of DvcStage)."""
    data, err = _load_yaml(text)
    if err:
        return _failed(Parsed, err)
    if data is None:
        return Parsed()
    if not isinstance(data, dict) or not isinstance(data.get("stages", {}), dict):
        return _failed(Parsed, "not a dvc.yaml: expected a mapping with a 'stages' mapping")
    result = Parsed()
    for name, spec in (data.get("stages") or {}).items():
        if not isinstance(spec, dict):
            continue
        if "foreach" in spec and isinstance(spec.get("do"), dict):
            items = spec["foreach"]
            keys = list(items) if isinstance(items, (list, dict)) else [str(items)]
            result.extend(_stage(f"{name}@{k if not isinstance(k, dict) else i}", spec["do"]) for i, k in enumerate(keys))
        elif "matrix" in spec:
            result.append(_stage(f"{name}@matrix", spec))
        else:
            result.append(_stage(str(name), spec))
    return result


def _hash(entry: dict[str, Any]) -> str | None:
    """The md5 of a dvc 1/2 (``md5``) or dvc 3 (``hash: md5`` + ``md5``) entry; etag/checksum as fallback."""
    for key in ("md5", "etag", "checksum"):
        if entry.get(key):
            return str(entry[key])
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _outs(entries: Any, stage: str | None, kind: str, base: str = "") -> list[DvcOut]:
    out = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or "path" not in entry:
            continue
        path = posixpath.normpath(posixpath.join(base, str(entry["path"]))) if base else str(entry["path"])
        out.append(DvcOut(path, _hash(entry), _int(entry.get("size")), _int(entry.get("nfiles")), stage, kind))
    return out


def parse_dvc_lock(text: str) -> Parsed:
    """Hashed outs and deps of every stage of a dvc.lock (schema 2.0 or the older flat format)."""
    data, err = _load_yaml(text)
    if err:
        return _failed(Parsed, err)
    if data is None:
        return Parsed()
    if not isinstance(data, dict):
        return _failed(Parsed, "not a dvc.lock: expected a mapping")
    stages = data.get("stages") if "schema" in data or isinstance(data.get("stages"), dict) else data
    if not isinstance(stages, dict):
        return _failed(Parsed, "not a dvc.lock: 'stages' is not a mapping")
    result = Parsed()
    for name, spec in stages.items():
        if isinstance(spec, dict):
            result.extend(_outs(spec.get("deps"), str(name), "dep"))
            result.extend(_outs(spec.get("outs"), str(name), "out"))
    return result


def parse_dot_dvc(text: str, dvc_file_path: str) -> Parsed:
    """Outs (and import deps) of a ``.dvc`` file, with paths relative to the repository root."""
    data, err = _load_yaml(text)
    if err:
        return _failed(Parsed, err)
    if not isinstance(data, dict):
        return _failed(Parsed, f"not a .dvc file: {dvc_file_path} does not hold a mapping")
    base = posixpath.join(posixpath.dirname(dvc_file_path), str(data.get("wdir") or "."))
    result = Parsed(_outs(data.get("outs"), None, "out", base) + _outs(data.get("deps"), None, "dep", base))
    if not result and "outs" not in data:
        result.error = f"not a .dvc file: {dvc_file_path} has no 'outs'"
    return result


MAX_KEYS = 100_000


def flatten(value: Any, prefix: str = "", max_keys: int = MAX_KEYS) -> dict[str, Any]:
    """Nested mappings flattened to dotted keys in document order (lists are kept as values); iterative, so
    any depth is safe, and stopped after ``max_keys`` keys."""
    if not isinstance(value, dict):
        return {prefix: value} if prefix else {}
    out: dict[str, Any] = {}
    stack = [(prefix, iter(value.items()))]
    while stack and len(out) < max_keys:
        base, items = stack[-1]
        pair = next(items, None)
        if pair is None:
            stack.pop()
            continue
        name = f"{base}.{pair[0]}" if base else str(pair[0])
        if isinstance(pair[1], dict):
            stack.append((name, iter(pair[1].items())))
        else:
            out[name] = pair[1]
    return out


def parse_params(text: str, suffix: str) -> ParsedDict:
    """A params file (``suffix`` .yaml/.yml/.json/.toml) flattened to dotted keys."""
    suffix = suffix.lower().lstrip(".")
    try:
        if suffix in ("yaml", "yml"):
            data = load_yaml(text)
        elif suffix == "json":
            data = load_json(text)
        elif suffix == "toml":
            data = load_toml(text)
        else:
            return _failed(ParsedDict, f"unsupported params format .{suffix}")
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        return _failed(ParsedDict, f"invalid .{suffix}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    if data is None:
        return ParsedDict()
    if not isinstance(data, dict):
        return _failed(ParsedDict, f"params file is not a mapping (top level is {type(data).__name__})")
    return ParsedDict(flatten(data))
