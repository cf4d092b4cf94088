"""INFRA-CD: a container that only sets up a notebook or training environment does not package the model."""

from __future__ import annotations

from mlaudit.checks.base import Status

JUPYTER = "FROM jupyter/scipy-notebook\nRUN pip install mlflow\nCOPY train.py ./train.py\n"
SERVER = "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r requirements.txt\nEXPOSE 8000\nCMD uvicorn app:app --port 8000\n"
MODEL_IMAGE = "FROM python:3.11-slim\nCOPY model.onnx /srv/model.onnx\nCOPY score.py /srv/score.py\n"
TRAIN = "from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit([[0], [1]], [0, 1])\n"


def test_environment_container_is_not_packaging(judge) -> None:
    """A Jupyter/training image with no server, port or model file: nothing packages the model (fail), and it says why."""
    r = judge({"Dockerfile": JUPYTER, "train.py": TRAIN}, "INFRA-CD")
    assert r.status == Status.FAIL
    assert any(e.path == "Dockerfile" and "environment" in e.detail for e in r.evidence)


def test_serving_or_model_image_built_by_hand_warns(judge) -> None:
    """An image that starts a server, or copies a model file in, packages the model; by hand it warns."""
    for dockerfile in (SERVER, MODEL_IMAGE):
        r = judge({"Dockerfile": dockerfile, "train.py": TRAIN}, "INFRA-CD")
        assert r.status == Status.WARN and r.points == 0.5, dockerfile
