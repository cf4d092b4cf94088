"""``mlaudit models`` and ``mlaudit compare``: JSON shapes, readable output, clear errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from mlaudit.sample_projects.gitrepo import GitRepo
from sklearn.linear_model import LogisticRegression

from mlaudit.cli import cli
from tests.models import corpus


def _joblib(c: float) -> bytes:
    frame = pd.DataFrame({"f1": np.arange(20.0), "f2": np.arange(20.0) % 3})
    buf = io.BytesIO()
    joblib.dump(LogisticRegression(C=c).fit(frame, np.arange(20) % 2), buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("cli")
    r = GitRepo(base / "repo")
    r.commit("v1", {"model.joblib": _joblib(1.0), "metrics.json": json.dumps({"auc": 0.7})})
    r.commit("bad", {"blob.bin": corpus.global_call("os", "system", "true")})
    r.commit("v2", {"model.joblib": _joblib(2.0), "metrics.json": json.dumps({"auc": 0.9})}, remove=["blob.bin"])
    r.tag("v2.0")
    return r.root, base / "store.sqlite"


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_models_json_shape(repo: tuple[Path, Path]) -> None:
    """``models --json`` lists the current model with verdict, estimator, versions, params and features."""
    root, db = repo
    data = json.loads(_run("models", str(root), "--db", str(db), "--json"))
    (model,) = data["models"]
    assert {"path", "rev", "blob", "format", "size", "sha256", "security", "estimator", "library_versions",
            "hyperparameters", "features"} <= set(model)
    assert model["path"] == "model.joblib" and model["security"]["verdict"] == "safe"
    assert model["features"] == ["f1", "f2"] and model["hyperparameters"]["C"] == 2.0


def test_models_all_versions_lists_history(repo: tuple[Path, Path]) -> None:
    """``--all-versions`` includes the dangerous pickle deleted at HEAD; the readable output flags it."""
    root, db = repo
    data = json.loads(_run("models", str(root), "--db", str(db), "--json", "--all-versions"))
    assert any(m["path"] == "blob.bin" and m["security"]["verdict"] == "dangerous" for m in data["models"])
    text = _run("models", str(root), "--db", str(db), "--all-versions")
    assert "dangerous" in text and "blob.bin" in text


def test_compare_json_shape(repo: tuple[Path, Path]) -> None:
    """``compare --json`` gives a, b, differences, data_drift, metrics_diff and params_diff."""
    root, db = repo
    data = json.loads(_run("compare", str(root), "--db", str(db), "--json", "model.joblib@HEAD~2", "model.joblib@v2.0"))
    assert {"a", "b", "differences", "data_drift", "metrics_diff", "params_diff"} <= set(data)
    assert {"field": "hyperparameters.C", "a": 1.0, "b": 2.0} in data["differences"]
    assert data["metrics_diff"] == [{"key": "metrics.json:auc", "a": 0.7, "b": 0.9, "delta": pytest.approx(0.2)}]
    text = _run("compare", str(root), "--db", str(db), "model.joblib@HEAD~2", "model.joblib@HEAD")
    assert "hyperparameters.C" in text and "metrics.json:auc" in text


def test_compare_unknown_model_is_one_line_error(repo: tuple[Path, Path]) -> None:
    """An unknown path is a user error: one line on stderr, exit code 2."""
    root, db = repo
    result = CliRunner().invoke(cli, ["compare", str(root), "--db", str(db), "nope.pkl@HEAD", "model.joblib@HEAD"])
    assert result.exit_code == 2 and "no model file 'nope.pkl'" in result.stderr


@pytest.mark.parametrize("command", ["models", "compare"])
def test_help_has_example(command: str) -> None:
    """Each command's help ends with an example."""
    assert "Example:" in _run(command, "--help")
