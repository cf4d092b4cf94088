"""Lock files: which packages they pin, and whether they still match the manifest they lock."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import yaml

from mlaudit.core.yamlload import load_yaml


def norm(name: str) -> str:
    """PEP 503 normalised package name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_names(text: str, fmt: str) -> tuple[list[str] | None, str | None]:
    """Package names a lock file pins, or None and the reason it cannot be parsed."""
    try:
        if fmt in ("poetry", "uv", "pdm"):
            return [norm(p["name"]) for p in tomllib.loads(text).get("package", []) if "name" in p], None
        if fmt == "pipfile":
            data = json.loads(text)
            return [norm(n) for sec in ("default", "develop") for n in (data.get(sec) or {})], None
        if fmt == "conda-lock":
            data = load_yaml(text) or {}
            return [norm(p["name"]) for p in data.get("package", []) if isinstance(p, dict) and "name" in p], None
    except (tomllib.TOMLDecodeError, ValueError, yaml.YAMLError, TypeError, AttributeError) as exc:
        return None, f"invalid {fmt} lock file: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    return None, f"unknown lock format {fmt}"


def uv_requires(text: str) -> dict[str, str] | None:
    """The project's own requirements as uv recorded them when locking (name -> specifier), if present."""
    try:
        packages = tomllib.loads(text).get("package", [])
        for pkg in packages if isinstance(packages, list) else []:
            source = pkg.get("source") if isinstance(pkg, dict) else None
            if isinstance(source, dict) and (source.get("editable") == "." or source.get("virtual") == "."):
                reqs = (pkg.get("metadata") or {}).get("requires-dist") or []
                return {norm(r["name"]): spec_key(str(r.get("specifier", ""))) for r in reqs if isinstance(r, dict) and "name" in r
                        and "marker" not in r}
    except (tomllib.TOMLDecodeError, TypeError, AttributeError, KeyError):
        return None
    return None


def spec_key(spec: str) -> str:
    """A specifier normalised for comparison (spaces removed, clauses sorted)."""
    return ",".join(sorted(part.strip() for part in spec.split(",") if part.strip()))


LOCKS = {"poetry.lock": ("poetry", "pyproject.toml"), "uv.lock": ("uv", "pyproject.toml"), "pdm.lock": ("pdm", "pyproject.toml"),
         "Pipfile.lock": ("pipfile", "Pipfile"), "conda-lock.yml": ("conda-lock", "environment.yml")}


def check_locks(facts: dict[str, Any]) -> None:
    """Fill ``packages`` (count) and ``missing`` (manifest packages absent from the lock) of each lock."""
    for lock in facts["locks"]:
        names = lock.pop("names")
        declared = {p["name"] for p in facts["packages"] if p["path"] == lock["manifest"] and p["group"] == "runtime"}
        if lock["format"] == "pip-compile":
            names = [p["name"] for p in facts["packages"] if p["path"] == lock["path"]]
        lock["packages"] = None if names is None else len(names)
        lock["missing"] = None if names is None else sorted(declared - set(names))
        specs = lock.pop("locked_specs", None)
        lock["stale"] = []
        if specs is not None:  # uv records the manifest's specifiers: any difference means the lock is out of date
            current = {p["name"]: spec_key(p["spec"].split(";", 1)[0]) for p in facts["packages"]
                       if p["path"] == lock["manifest"] and p["group"] == "runtime"}
            lock["stale"] = sorted(n for n in current if n in specs and specs[n] != current[n])
