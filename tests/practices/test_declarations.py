"""Declarations followed: CI actions and the scripts CI runs, interpreter versions, CLI parameters, test suites."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlaudit.checks.base import CheckResult, run_checks
from mlaudit.checks.context import CheckContext
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import open_tree
from mlaudit.scanners.ci import ci_facts
from mlaudit.scanners.code import code_facts
from mlaudit.scanners.deps import dependency_facts
from mlaudit.scanners.pipeline import pipeline_facts
from mlaudit.store.db import open_store

BUILD_PUSH = """\
on: {push: {branches: [main]}}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Build and push the image
        uses: docker/build-push-action@v5
        with:
          push: {push}
          tags: me/api:latest
"""

WORKLOADS = """\
on: [pull_request]
jobs:
  workloads:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: '3.10.11'
      - name: Workloads
        run: anyscale jobs submit deploy/jobs/workloads.yaml --wait
"""
JOB_SPEC = "name: workloads\nentrypoint: bash deploy/jobs/workloads.sh\n"
JOB_SCRIPT = "pytest tests/data --verbose\npython -m pytest tests/code\npython src/train.py --epochs 2\n"
GE_CONFTEST = "import great_expectations as ge\nimport pytest\n\n@pytest.fixture\ndef df():\n    return ge.dataset.PandasDataset({})\n"
GE_TEST = ("def test_dataset(df):\n    df.expect_table_columns_to_match_ordered_list(column_list=['id', 'tag'])\n"
           "    df.expect_column_values_to_be_of_type(column='id', type_='int')\n")
TRAIN = "import numpy as np\nfrom sklearn.svm import SVC\nnp.random.seed(0)\nSVC().fit(X, y)\n"


@pytest.fixture
def judge(make_repo, tmp_path: Path):
    """Factory: ``judge(files, check_id)`` commits ``files`` to a fresh repo and runs that one check on it."""
    counter = iter(range(1000))

    def factory(files: dict[str, str | bytes], check_id: str) -> CheckResult:
        repo = make_repo(f"repo{next(counter)}")
        repo.commit("files", files)
        info = open_repo(repo.root)
        with open_store(tmp_path / f"store{next(counter)}.sqlite", repo_root=repo.root) as store:
            [result] = run_checks(CheckContext(info, store, open_tree(info)), [check_id])
        return result

    return factory


@pytest.mark.parametrize("push, deploys", [("true", True), ("false", False)])
def test_a_named_step_keeps_its_action_and_a_pushed_image_is_delivery(tree_of, push: str, deploys: bool) -> None:
    """A step with name: and uses: keeps its action; build-push-action delivers only with push: true."""
    facts = ci_facts(tree_of({".github/workflows/image.yml": BUILD_PUSH.replace("{push}", push)}))
    [step] = facts["jobs"][0]["steps"]
    assert step["name"] == "Build and push the image" and step["uses"] == "docker/build-push-action@v5"
    assert ("deploy" in step["kinds"]) is deploys


def test_pushing_the_image_from_ci_is_automated_deployment(judge) -> None:
    """INFRA-CD passes when CI pushes the serving image on every push to main."""
    app = "from fastapi import FastAPI\napp = FastAPI()\n"
    result = judge({".github/workflows/image.yml": BUILD_PUSH.replace("{push}", "true"), "app.py": app,
                    "Dockerfile": "FROM python:3.11\nCMD uvicorn app:app\n"}, "INFRA-CD")
    assert str(result.status) == "pass", result.message


def test_ci_follows_the_job_spec_and_script_it_submits(tree_of) -> None:
    """CI -> job spec -> shell script: the script's pytest and training commands are the step's kinds."""
    facts = ci_facts(tree_of({".github/workflows/workloads.yml": WORKLOADS, "deploy/jobs/workloads.yaml": JOB_SPEC,
                              "deploy/jobs/workloads.sh": JOB_SCRIPT, "tests/data/conftest.py": GE_CONFTEST,
                              "tests/data/test_dataset.py": GE_TEST}))
    step = facts["jobs"][0]["steps"][1]
    assert step["followed"] == ["deploy/jobs/workloads.yaml", "deploy/jobs/workloads.sh"]
    assert {"tests", "training", "data_checks"} <= set(step["kinds"])
    assert "deploy" not in step["kinds"]  # a path through a deploy/ folder is not a deployment


def test_following_is_bounded_and_stays_in_the_repository(tree_of) -> None:
    """Scripts that call each other are read once, to FOLLOW_DEPTH levels; paths outside the repo are ignored."""
    wf = "on: [push]\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: bash a.sh && bash ../outside.sh\n"
    facts = ci_facts(tree_of({".github/workflows/a.yml": wf, "a.sh": "bash b.sh\n", "b.sh": "bash a.sh\nbash c.sh\n",
                              "c.sh": "pytest\n"}))
    step = facts["jobs"][0]["steps"][0]
    assert step["followed"] == ["a.sh", "b.sh"]  # c.sh is a third level
    assert "tests" not in step["kinds"]


def test_a_validation_suite_under_tests_that_ci_runs_is_data_validation(judge) -> None:
    """A Great Expectations suite in tests/data, run by the job CI submits: DATA-VALIDATION and DATA-SCHEMA pass."""
    files = {".github/workflows/workloads.yml": WORKLOADS, "deploy/jobs/workloads.yaml": JOB_SPEC,
             "deploy/jobs/workloads.sh": JOB_SCRIPT, "tests/data/conftest.py": GE_CONFTEST,
             "tests/data/test_dataset.py": GE_TEST, "src/train.py": TRAIN, "data/train.csv": "id,tag\n1,a\n"}
    validation = judge(files, "DATA-VALIDATION")
    assert str(validation.status) == "pass", validation.message
    schema = judge(files, "DATA-SCHEMA")
    assert str(schema.status) == "pass", schema.message


@pytest.mark.parametrize("path, text, value, exact", [
    (".github/workflows/ci.yml", WORKLOADS, "3.10.11", True),
    (".devcontainer.json", '{"image": "mcr.microsoft.com/devcontainers/python:3.10"}', "3.10", True),
    (".devcontainer/devcontainer.json", '// dev\n{"image": "python:3.12-slim"}', "3.12", True),
    ("deploy/cluster_env.yaml", "base_image: anyscale/ray:2.7.0optimized-py310-cu118\n", "3.10", True),
    (".github/workflows/m.yml", ("on: [push]\njobs:\n  t:\n    strategy:\n      matrix:\n        python-version: ['3.9', '3.10']\n"
     "    steps:\n      - uses: actions/setup-python@v4\n        with:\n          python-version: ${{ matrix.python-version }}\n"),
     "3.9, 3.10", False),
])
def test_interpreter_declared_outside_manifests(tree_of, path: str, text: str, value: str, exact: bool) -> None:
    """setup-python (a matrix reads as a range), dev container images and cluster images declare the interpreter."""
    facts = dependency_facts(tree_of({path: text}))
    assert [(d["path"], d["value"], d["exact"]) for d in facts["python"]] == [(path, value, exact)]


def test_cli_parameters_are_a_config(tree_of, judge) -> None:
    """sys.argv is a config read, and an MLproject declaring parameters is a params file: REPRO-PARAMS passes."""
    train = ("import sys\nfrom sklearn.linear_model import ElasticNet\nalpha = float(sys.argv[1])\n"
             "ElasticNet(alpha=alpha, random_state=42).fit(X, y)\n")
    mlproject = ("name: t\nentry_points:\n  main:\n    parameters:\n      alpha: {type: float, default: 0.5}\n"
                 "    command: python train.py {alpha}\n")
    tree = tree_of({"train.py": train, "MLproject": mlproject})
    assert [(r["source"], r["line"]) for r in code_facts(tree)["params_reads"]] == [("sys.argv", 3)]
    assert pipeline_facts(tree)["params_files"] == ["MLproject"]
    result = judge({"train.py": train, "MLproject": mlproject}, "REPRO-PARAMS")
    assert str(result.status) == "pass", result.message


def test_train_test_py_is_training_code_not_a_test(tree_of) -> None:
    """train_test.py without test functions is analysed as training code; a real *_test.py is still a test."""
    facts = code_facts(tree_of({"train_test.py": TRAIN, "model_test.py": "def test_fit():\n    assert fit()\n"}))
    assert [t["path"] for t in facts["tests"]] == ["model_test.py"]
    assert [(s["path"], s["line"]) for s in facts["seeds"]] == [("train_test.py", 3)]


def test_a_handler_reading_the_raw_request_body_takes_unvalidated_input(tree_of, judge) -> None:
    """await request.json() in a Ray Serve / Starlette handler is an input; unvalidated, MON-INPUT-INVARIANTS fails."""
    serve = ("from fastapi import FastAPI\nfrom starlette.requests import Request\nimport joblib\napp = FastAPI()\n"
             "model = joblib.load('m.joblib')\n@app.post('/predict/')\nasync def predict(request: Request):\n"
             "    data = await request.json()\n    return model.predict([data['x']])\n")
    [handler] = code_facts(tree_of({"serve.py": serve}))["handlers"]
    assert [p["name"] for p in handler["params"]] == ["request.json"] and handler["validated"] is None
    result = judge({"serve.py": serve}, "MON-INPUT-INVARIANTS")
    assert str(result.status) == "fail", result.message


def test_a_trainer_config_enabling_anomaly_detection_is_a_numeric_guard(tree_of) -> None:
    """detect_anomaly: true in a Hydra trainer config (Lightning) is a NaN/inf guard, found at its line."""
    from mlaudit.scanners.evaluation import evaluation_facts

    facts = evaluation_facts(tree_of({"configs/debug/default.yaml": "trainer:\n  max_epochs: 1\n  detect_anomaly: true\n",
                                      "configs/train.yaml": "trainer:\n  detect_anomaly: false\n"}))
    assert [(n["path"], n["line"], n["tool"]) for n in facts["numeric"]] == [
        ("configs/debug/default.yaml", 3, "trainer anomaly detection")]
