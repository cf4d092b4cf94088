"""Container facts: base images and their pinning, copies, runs, ports, serving entrypoints, compose."""

from __future__ import annotations

import pytest

from mlaudit.scanners.docker import docker_facts, image_pinned, parse_image

DOCKERFILE = """\
FROM python:3.11.9-slim AS build
RUN pip install --no-cache-dir \\
    -r requirements.txt
FROM build
COPY app.py model.joblib ./
EXPOSE 8000
ENTRYPOINT ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "app:app"]
"""


@pytest.mark.parametrize("ref, parsed, pinned", [
    ("python:3.11.9-slim-bookworm", ("python", "3.11.9-slim-bookworm", None), True),
    ("python:3.11-slim", ("python", "3.11-slim", None), False),
    ("python", ("python", None, None), False),
    ("registry:5000/team/img:latest", ("registry:5000/team/img", "latest", None), False),
    ("python@sha256:abc", ("python", None, "sha256:abc"), True),
])
def test_image_references(ref: str, parsed: tuple, pinned: bool) -> None:
    """Image references split into image, tag and digest; only digests and exact versions are pinned."""
    assert parse_image(ref) == parsed
    assert image_pinned(parsed[1], parsed[2]) is pinned


def test_dockerfile_and_compose(tree_of) -> None:
    """Multi-stage builds skip stage aliases; copies, runs, ports and the server are read; compose services listed."""
    facts = docker_facts(tree_of({"Dockerfile": DOCKERFILE,
                                  "docker-compose.yml": "services:\n  api:\n    build: .\n    ports: ['8000:8000']\n  db:\n    image: postgres:16.3\n",
                                  "bad/compose.yaml": "services: [\n"}))
    assert [(i["image"], i["line"], i["pinned"]) for i in facts["images"]] == [("python", 1, True)]
    [f] = facts["files"]
    assert (f["copies"], f["runs"], f["expose"], f["serving"]) == (
        ["app.py model.joblib ./"], ["pip install --no-cache-dir -r requirements.txt"], ["8000"], "gunicorn")
    assert [(c["service"], c["build"], c["ports"]) for c in facts["compose"]] == [("api", True, ["8000:8000"]), ("db", False, [])]
    assert [e["path"] for e in facts["errors"]] == ["bad/compose.yaml"]
