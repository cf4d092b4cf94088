"""Python interpreter versions declared outside dependency manifests: CI setup-python, dev containers, cluster images.

Each finding is ``(path, line, value)``; ``value`` is one version ("3.10.11") or, for a CI matrix, the versions
joined by ", " (several interpreters are tested, none is *the* one, so it reads as a range).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from mlaudit.core.yamlload import load_yaml

_DEVCONTAINER = (".devcontainer.json", ".devcontainer/devcontainer.json")
_IMAGE_PY = re.compile(r"(?:^|[/:_-])python:?(\d\.\d+(?:\.\d+)?)|[-_]py(3)(\d{1,2})(?:\b|[-_])", re.IGNORECASE)
_CLUSTER_FILE = re.compile(r"(^|/)[^/]*(cluster|runtime)[_-]?env[^/]*\.ya?ml$", re.IGNORECASE)
_IMAGE_KEY = re.compile(r"^\s*(?:base_image|image)\s*:\s*['\"]?([^\s'\"#]+)", re.MULTILINE)
_MATRIX_REF = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")


def image_python(image: str) -> str | None:
    """The Python version an image name states (python:3.10, ...-py310-...), or None."""
    m = _IMAGE_PY.search(image)
    if not m:
        return None
    return m.group(1) if m.group(1) else f"{m.group(2)}.{m.group(3)}"


def _line(text: str, needle: str) -> int | None:
    idx = text.find(needle)
    return None if idx < 0 else text.count("\n", 0, idx) + 1


def workflow_pythons(path: str, text: str) -> Iterator[tuple[str, int | None, str]]:
    """setup-python steps of a GitHub workflow, with a ``matrix.*`` reference resolved from the job's strategy."""
    try:
        doc = load_yaml(text)
    except Exception:  # noqa: BLE001 - an invalid workflow is reported by the CI scanner
        return
    jobs = doc.get("jobs") if isinstance(doc, dict) else None
    seen: set[str] = set()
    for job in (jobs or {}).values() if isinstance(jobs, dict) else []:
        if not isinstance(job, dict):
            continue
        strategy = job.get("strategy")
        matrix: Any = strategy.get("matrix") if isinstance(strategy, dict) else None
        for step in job.get("steps") or []:
            if not (isinstance(step, dict) and "setup-python" in str(step.get("uses", ""))):
                continue
            with_: dict[str, Any] = step["with"] if isinstance(step.get("with"), dict) else {}
            value = with_.get("python-version")
            if value is None:
                continue
            ref = _MATRIX_REF.fullmatch(str(value).strip())
            if ref and isinstance(matrix, dict):
                values = matrix.get(ref.group(1))
                value = ", ".join(map(str, values)) if isinstance(values, list) else values
            if value is None or "${{" in str(value) or str(value) in seen:
                continue
            seen.add(str(value))
            yield path, _line(text, "python-version"), str(value)


def devcontainer_python(path: str, text: str) -> Iterator[tuple[str, int | None, str]]:
    try:
        doc = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.MULTILINE))
    except ValueError:
        return
    image = doc.get("image") if isinstance(doc, dict) else None
    version = image_python(str(image)) if image else None
    if version:
        yield path, _line(text, '"image"'), version


def cluster_python(path: str, text: str) -> Iterator[tuple[str, int | None, str]]:
    for m in _IMAGE_KEY.finditer(text):
        version = image_python(m.group(1))
        if version:
            yield path, text.count("\n", 0, m.start()) + 1, version


def declared_pythons(path: str, read: Any) -> Iterator[tuple[str, int | None, str]]:
    """Interpreter declarations of one file, when it is a workflow, a dev container or a cluster environment."""
    if path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml")):
        text = read(path)
        if text:
            yield from workflow_pythons(path, text)
    elif path in _DEVCONTAINER:
        text = read(path)
        if text:
            yield from devcontainer_python(path, text)
    elif _CLUSTER_FILE.search(path):
        text = read(path)
        if text:
            yield from cluster_python(path, text)
