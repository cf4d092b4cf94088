"""Container facts: Dockerfiles and docker-compose services.

Provider ``docker`` returns::

    images:   [{path, line, image, tag, digest, pinned}]   one per FROM; pinned = digest or exact version tag
    files:    [{path, copies: [..], runs: [..], expose: [ports], entrypoint, serving, lines: {instr: line}}]
    compose:  [{path, service, image, build, ports}]
    errors:   [{path, error}]

``serving`` names the server an entrypoint/CMD starts (uvicorn, gunicorn, flask, bentoml, torchserve, mlflow
models serve, tensorflow_model_server, streamlit, gradio), or None.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from mlaudit.core.tree import TreeSource
from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.facts import fact_provider

SERVERS = ("uvicorn", "gunicorn", "hypercorn", "flask", "bentoml", "torchserve", "mlflow models serve",
           "tensorflow_model_server", "tritonserver", "streamlit", "gradio", "waitress", "serve run")
COMPOSE_NAMES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
_EXACT_TAG = re.compile(r"^v?\d+\.\d+\.\d+([.-][\w.-]+)?$")


def is_dockerfile(name: str) -> bool:
    return name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith((".Dockerfile", ".dockerfile"))


def parse_image(ref: str) -> tuple[str, str | None, str | None]:
    """(image, tag, digest) of an image reference."""
    ref, _, digest = ref.partition("@")
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        image, tag = ref.rsplit(":", 1)
    else:
        image, tag = ref, None
    return image, tag, digest or None


def image_pinned(tag: str | None, digest: str | None) -> bool:
    """A digest, or a tag naming an exact version (3.11.9-slim, 1.4.2); never ``latest`` or a bare major."""
    return bool(digest) or bool(tag and _EXACT_TAG.match(tag))


def _instructions(text: str) -> list[tuple[int, str, str]]:
    """(line, INSTRUCTION, arguments) with continuation lines joined."""
    out, buf, start = [], "", 0
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if not buf:
            start = no
        if line.endswith("\\"):
            buf += line[:-1].rstrip() + " "
            continue
        buf += line
        parts = buf.split(None, 1)
        out.append((start, parts[0].upper(), parts[1] if len(parts) > 1 else ""))
        buf = ""
    return out


def _exec_form(args: str) -> str:
    try:
        value = json.loads(args)
        return " ".join(map(str, value)) if isinstance(value, list) else args
    except ValueError:
        return args


def dockerfile_facts(path: str, text: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """FROM images and the file summary of one Dockerfile."""
    images, copies, runs, expose = [], [], [], []
    entry, stages = None, set()
    lines: dict[str, int] = {}
    for line, instr, args in _instructions(text):
        lines.setdefault(instr.lower(), line)
        if instr == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            if not words:
                continue
            if len(words) >= 3 and words[1].lower() == "as":
                stages.add(words[2].lower())
            if words[0].lower() in stages or words[0] == "scratch":
                continue
            image, tag, digest = parse_image(words[0])
            images.append({"path": path, "line": line, "image": image, "tag": tag, "digest": digest,
                           "pinned": image_pinned(tag, digest)})
        elif instr in ("COPY", "ADD"):
            copies.append(args)
        elif instr == "RUN":
            runs.append(args)
        elif instr == "EXPOSE":
            expose.extend(args.split())
        elif instr in ("CMD", "ENTRYPOINT"):
            entry = _exec_form(args) if entry is None or instr == "CMD" else entry
    hits = sorted((entry.lower().find(s), s) for s in SERVERS if entry and s in entry.lower())
    serving = hits[0][1] if hits else None
    return images, {"path": path, "copies": copies, "runs": runs, "expose": expose, "entrypoint": entry,
                    "serving": serving, "lines": lines}


@fact_provider("docker")
def docker_facts(tree: TreeSource) -> dict[str, Any]:
    """Dockerfiles (base images, pinning, copies, runs, ports, serving entrypoint) and compose services."""
    data: dict[str, list[dict[str, Any]]] = {"images": [], "files": [], "compose": [], "errors": []}
    for entry in tree.files():
        name = entry.path.rsplit("/", 1)[-1]
        if not (is_dockerfile(name) or name in COMPOSE_NAMES):
            continue
        try:
            text = tree.read_text(entry.path, 2 * 1024 * 1024)
        except Exception as exc:  # noqa: BLE001 - unreadable files are recorded, never raised
            data["errors"].append({"path": entry.path, "error": f"unreadable: {exc}"})
            continue
        if is_dockerfile(name):
            images, summary = dockerfile_facts(entry.path, text)
            data["images"].extend(images)
            data["files"].append(summary)
            continue
        try:
            doc = load_yaml(text)
        except yaml.YAMLError as exc:
            data["errors"].append({"path": entry.path, "error": f"invalid YAML: {str(exc).splitlines()[0]}"})
            continue
        services = doc.get("services") if isinstance(doc, dict) else None
        for svc, spec in (services or {}).items():
            spec = spec if isinstance(spec, dict) else {}
            data["compose"].append({"path": entry.path, "service": str(svc), "image": spec.get("image"),
                                    "build": spec.get("build") is not None, "ports": [str(p) for p in spec.get("ports") or []]})
    return data
