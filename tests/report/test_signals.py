"""The released-model deployment signal, on constructed facts and a constructed store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlaudit.checks.scoring import score
from mlaudit.report.signals import released_model_signals, stored_release_signals
from mlaudit.store.db import open_store
from tests.report.helpers import TESTS, result

MODEL = "models/churn.joblib"


def signals(code=None, docker=None, ci=None, registered=(), tags=(), models=(MODEL,)) -> list[str]:
    return released_model_signals(code, docker, ci, list(registered), list(tags), list(models))


def test_serving_code_that_loads_a_model() -> None:
    """A model loaded by serving code is released; one loaded by a training script is not."""
    load = {"path": "app.py", "line": 9, "call": "joblib.load"}
    assert signals(code={"model_loads": [load | {"serving": True}]}) == ["released model: serving code loads a model (app.py:9 joblib.load)"]
    assert signals(code={"model_loads": [load | {"serving": False}]}) == []


@pytest.mark.parametrize(("copies", "serving", "found"), [
    (["models/ /app/models/"], "uvicorn", True),
    (["models/churn.joblib /app/"], "gunicorn", True),
    ([". /app"], "uvicorn", True),
    (["src/ src/"], "uvicorn", False),
    (["models/ /app/models/"], None, False),
])
def test_model_copied_into_a_serving_image(copies: list[str], serving: str | None, found: bool) -> None:
    """The model file (by path, folder or the whole context) copied into an image that serves."""
    docker = {"files": [{"path": "Dockerfile", "copies": copies, "serving": serving}]}
    assert bool(signals(docker=docker)) is found


def test_deploy_step_that_ships_the_model() -> None:
    """A deploy job's step naming the model file is a release; a training job naming it is not."""
    step = {"line": 12, "run": "aws s3 cp models/churn.joblib s3://bucket/churn.joblib"}
    deploy = {"jobs": [{"path": ".github/workflows/deploy.yml", "kinds": ["deploy"], "steps": [step]}]}
    train = {"jobs": [{"path": ".github/workflows/train.yml", "kinds": ["training"], "steps": [step]}]}
    assert signals(ci=deploy) == ["released model: deploy step of .github/workflows/deploy.yml:12 ships models/churn.joblib"]
    assert signals(ci=train) == []


@pytest.mark.parametrize(("version", "found"), [
    ({"name": "churn", "version": "3", "stage": "Production", "aliases": []}, True),
    ({"name": "churn", "version": "4", "stage": "None", "aliases": ["champion"]}, True),
    ({"name": "churn", "version": "5", "stage": "Archived", "aliases": []}, False),
    ({"name": "churn", "version": "6", "stage": None, "aliases": ["candidate"]}, False),
])
def test_registered_version_in_production(version: dict, found: bool) -> None:
    """A registered version in Production/Staging or with a serving alias is released."""
    assert bool(signals(registered=[version])) is found


@pytest.mark.parametrize(("tag", "found"), [
    ("model-v1.2", True), ("churn-model-2.0", True), ("models/3", True), ("v1.0-model", True),
    ("v1.0", False), ("remodel-1", False), ("model-card", False),
])
def test_release_tag_with_a_model_version(tag: str, found: bool) -> None:
    """Tags that name a model version count; plain version tags and look-alikes do not."""
    assert bool(signals(tags=[tag])) is found


def test_release_tag_alone_is_not_operation() -> None:
    """A model release tag nothing deploys is shown as prototype evidence; the stage stays prototyping."""
    results = [result("REPRO-VCS")]
    assert score(results, mapping={}, tests=TESTS).decision.operating == "prototyping"
    extra = {"small user base": signals(tags=["model-v1"])}
    decision = score(results, mapping={}, tests=TESTS, extra_signals=extra).decision
    assert decision.operating == "prototyping"
    assert any("release tag model-v1" in r.detail for r in decision.signals["prototyping"])


def test_every_kind_of_signal_is_named_once_in_a_fixed_order() -> None:
    """Serving code, image, deploy step, registry, tags: one line each, in that order, the first hit of each kind."""
    loads = [{"path": "app.py", "line": 9, "call": "joblib.load", "serving": True}, {"path": "b.py", "serving": True}]
    docker = {"files": [{"path": "Dockerfile", "copies": ["models/ /app/models/"], "serving": "uvicorn"}]}
    step = {"line": 12, "run": "aws s3 cp models/churn.joblib s3://bucket/"}
    ci = {"jobs": [{"path": "deploy.yml", "kinds": ["deploy"], "steps": [step]}]}
    registered = [{"name": "churn", "version": 3, "stage": "Production", "aliases": ["champion"]}]
    assert signals(code={"model_loads": loads}, docker=docker, ci=ci, registered=registered, tags=["model-v1", "model-v2"]) == [
        "released model: serving code loads a model (app.py:9 joblib.load)",
        "released model: models/churn.joblib is copied into the serving image (Dockerfile)",
        "released model: deploy step of deploy.yml:12 ships models/churn.joblib",
        "released model: registered model churn version 3 (champion, production)",
        "released model: release tag model-v2 and 1 more",
    ]


def test_stored_signals_follow_the_revision(tmp_path: Path) -> None:
    """From the store: facts of the judged tree, tags up to the commit's date, the registry only for now."""
    with open_store(tmp_path / "s.sqlite") as store:
        db = store.db
        db["commits"].insert_all([{"sha": "a" * 40, "committer_time": 100}, {"sha": "b" * 40, "committer_time": 200}], alter=True)
        db["refs"].insert({"name": "refs/tags/model-v2", "kind": "tag", "target": "b" * 40}, alter=True)
        db["path_roles"].insert({"path": MODEL, "role": "model", "reason": "extension"}, alter=True)
        db["tree_facts"].insert({"tree_key": "WORKTREE@1", "kind": "code", "payload": json.dumps(
            {"model_loads": [{"path": "app.py", "line": 3, "call": "joblib.load", "serving": True}]})})
        now = stored_release_signals(store, "WORKTREE@1")
        assert [s.split(":")[1].strip() for s in now] == ["serving code loads a model (app.py", "release tag model-v2"]
        assert stored_release_signals(store, "a" * 40, at_time=100) == []
        assert stored_release_signals(store, "b" * 40, at_time=200) == ["released model: release tag model-v2"]
