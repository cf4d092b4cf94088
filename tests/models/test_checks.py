"""The model, lineage and staleness checks on the sample projects and on small hand-built repos."""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path

import joblib
import numpy as np
import pytest
from mlaudit.sample_projects.gitrepo import GitRepo
from sklearn.linear_model import LogisticRegression

from mlaudit.audit import audit
from mlaudit.checks.base import Status
from mlaudit.report.compare import compare_models
from mlaudit.store.db import open_store
from tests.models import corpus

MINE = ("MODEL-", "REPRO-LINEAGE", "REPRO-DETERMINISM", "REPRO-DATA-VERSIONED", "MON-STALENESS", "DRIFT-MODEL-DATA")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("samples")
    out = {}
    for name in ("notebook_prototype", "small_service", "at_scale"):
        recipe = importlib.import_module(f"mlaudit.sample_projects.{name}")
        root = recipe.build(base / name)
        result = audit(root, base / f"{name}.sqlite")
        out[name] = (recipe, result)
    return out


@pytest.mark.parametrize("name", ["notebook_prototype", "small_service", "at_scale"])
def test_sample_projects_get_their_planted_statuses(samples: dict, name: str) -> None:
    """Every planted status of a check owned here is what mlaudit reports."""
    recipe, result = samples[name]
    got = {r.check_id: str(r.status) for r in result.results}
    expected = {k: v for k, v in recipe.PLANTED.items() if k.startswith(MINE)}
    assert expected, name
    assert {k: got.get(k) for k in expected} == expected


def test_prototype_unsafe_pickle_in_history(samples: dict) -> None:
    """The unsafe pickle deleted from the prototype is still reported, with path and commit."""
    _, result = samples["notebook_prototype"]
    unsafe = next(r for r in result.results if r.check_id == "MODEL-UNSAFE")
    assert any(e.path == "models/helper.pkl" and e.commit and "os.system" in e.detail for e in unsafe.evidence)


def test_small_service_versions_compare(samples: dict) -> None:
    """The two model versions of the small service differ in hyperparameters, metrics and training data."""
    _, result = samples["small_service"]
    with open_store(result.store_path) as store:
        from mlaudit.store.model_queries import all_versions

        git = [v for v in all_versions(store) if v.source == "git" and v.format == "joblib"]
        assert len(git) == 2
        comp = compare_models(store, f"{git[0].path}@{git[0].commit}", f"{git[1].path}@{git[1].commit}")
    fields = {d["field"] for d in comp.differences}
    assert any(f.startswith("hyperparameters.") for f in fields) and "sha256" in fields
    assert comp.metrics_diff and comp.params_diff and comp.code_changes["commits"] >= 1
    assert any(d["status"] == "changed" and "drift" in d for d in comp.data_drift)


def test_registry_spec_resolves(samples: dict) -> None:
    """A registered name/version and an alias resolve to the MLflow run's model file."""
    _, result = samples["at_scale"]
    with open_store(result.store_path) as store:
        comp = compare_models(store, "churn-classifier/1", "churn-classifier@champion")
        assert comp.a.run_id and comp.b.run_id and comp.a.run_id != comp.b.run_id


def _joblib(obj: object) -> bytes:
    buf = io.BytesIO()
    joblib.dump(obj, buf)
    return buf.getvalue()


def _status(result, check_id: str) -> str:
    return str(next(r for r in result.results if r.check_id == check_id).status)


def test_unknown_global_warns_and_mismatch_fails(make_repo, tmp_path: Path) -> None:
    """An unknown global warns MODEL-UNSAFE; a model saved with another sklearn than pinned fails MODEL-LIB-MISMATCH."""
    repo: GitRepo = make_repo()
    model = LogisticRegression().fit(np.arange(20.0).reshape(10, 2), np.arange(10) % 2)
    repo.commit("model", {"model.joblib": _joblib(model), "custom.pkl": corpus.stack_global_call("acme.models", "Churn", "x"),
                          "requirements.txt": "scikit-learn==0.24.2\n"})
    result = audit(repo.root, tmp_path / "s.sqlite")
    assert _status(result, "MODEL-UNSAFE") == "warn"
    assert _status(result, "MODEL-LIB-MISMATCH") == "fail"
    assert _status(result, "MODEL-PICKLE") == "warn"


def test_determinism_flags_unexplained_retrain(make_repo, tmp_path: Path) -> None:
    """A model re-committed with different bytes and no code/data/params change is evidence of non-determinism."""
    repo: GitRepo = make_repo()
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    repo.commit("v1", {"train.py": "fit()\n", "model.joblib": _joblib(LogisticRegression(C=1.0).fit(x, y))})
    repo.commit("v2", {"model.joblib": _joblib(LogisticRegression(C=1.5).fit(x, y))})
    result = audit(repo.root, tmp_path / "s.sqlite")
    det = next(r for r in result.results if r.check_id == "REPRO-DETERMINISM")
    assert det.status == Status.WARN and det.evidence[0].path == "model.joblib"


def test_no_models_is_not_applicable(make_repo, tmp_path: Path) -> None:
    """Without model files the model checks do not pretend to pass."""
    repo: GitRepo = make_repo()
    repo.commit("code", {"main.py": "print(1)\n", "metrics.json": json.dumps({"a": 1})})
    result = audit(repo.root, tmp_path / "s.sqlite")
    assert _status(result, "MODEL-UNSAFE") == "not applicable"
    assert _status(result, "REPRO-LINEAGE") == "not applicable"
    assert _status(result, "REPRO-DETERMINISM") == "not applicable"  # no model in history: nothing to retrain
    for check_id in ("MODEL-LIB-MISMATCH", "MODEL-SKEW-FEATURES", "MON-STALENESS"):
        assert _status(result, check_id) == "not applicable", check_id
