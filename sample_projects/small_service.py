"""A small served churn model: pins, seeds, CI, FastAPI serving, drifting data and two model versions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from mlaudit.sample_projects.gitrepo import GitRepo
from mlaudit.sample_projects.parts import csv_text, joblib_bytes

NAME = "small_service"
DESCRIPTION = (
    "Churn model behind a FastAPI service: pinned requirements, .python-version, seeds, params.yaml, "
    "CI running pytest, a Dockerfile; data/train.csv drifts in a later commit; two model versions "
    "(tags v1.0 and v1.1) with changed hyperparameters and metrics.json at each."
)

PLANTED: dict[str, str] = {
    "REPRO-VCS": "pass",
    "REPRO-DEPS-PINNED": "pass",
    "REPRO-LOCKFILE": "warn",
    "REPRO-PYTHON": "pass",
    "REPRO-SEEDS": "pass",
    "REPRO-PARAMS": "pass",
    "REPRO-PIPELINE": "pass",
    "REPRO-BINARIES": "pass",
    "REPRO-DATA-VERSIONED": "pass",
    "REPRO-LINEAGE": "pass",
    "DATA-VALIDATION": "fail",
    "INFRA-CI": "pass",
    "INFRA-TESTS": "pass",
    "INFRA-TRACKING": "fail",
    "INFRA-CT": "fail",
    "INFRA-SERVING": "pass",
    "INFRA-CD": "pass",  # the release job pushes the serving image: the model is operated
    "INFRA-ROLLBACK": "fail",
    "INFRA-DEP-UPDATES": "fail",
    "MON-PRODUCTION": "warn",
    "MON-SKEW": "pass",
    "MON-INPUT-INVARIANTS": "pass",
    "DRIFT-HISTORY": "fail",
    "DRIFT-SPLITS": "pass",
    "LEAK-OVERLAP": "pass",
    "LEAK-ENTITY": "pass",
    "LEAK-TARGET": "pass",
    "LEAK-CODE-PREPROCESS": "pass",
    "LEAK-CODE-OVERSAMPLE": "pass",
    "LEAK-CODE-MULTITEST": "pass",
    "LEAK-CODE-TEST-STATS": "pass",
    "MODEL-UNSAFE": "pass",
    "MODEL-PICKLE": "warn",
    "MODEL-LIB-MISMATCH": "pass",
    "MODEL-METRICS": "pass",
    "MODEL-VALIDATION-GATE": "fail",
    "MODEL-BASELINE": "fail",
    "MODEL-SKEW-FEATURES": "pass",
}

SEED = 42
N_TRAIN, N_TEST = 800, 200
FEATURES = ["age", "monthly_spend", "sessions_per_week", "plan"]
PLANS = ["basic", "pro", "enterprise"]
V1_PARAMS = {"n_estimators": 30, "max_depth": 4}
V2_PARAMS = {"n_estimators": 60, "max_depth": 6}


def requirements() -> str:
    """Exact pins; scikit-learn pinned to the version that wrote the model files."""
    import joblib
    import sklearn

    return "\n".join([
        "fastapi==0.111.0", f"joblib=={joblib.__version__}", f"numpy=={np.__version__}",
        f"pandas=={pd.__version__}", "pydantic==2.7.4", "pytest==8.2.2", "pyyaml==6.0.1",
        f"scikit-learn=={sklearn.__version__}", "uvicorn==0.30.1", "",
    ])


def params_yaml(p: dict[str, int]) -> str:
    return (f"seed: {SEED}\ntarget: churned\nmodel:\n  n_estimators: {p['n_estimators']}\n"
            f"  max_depth: {p['max_depth']}\n")


TRAIN_PY = '''"""Train the churn model from params.yaml; writes models/model.joblib and metrics.json."""
import json
import random

import joblib
import numpy as np
import pandas as pd
import yaml
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

FEATURES = ["age", "monthly_spend", "sessions_per_week", "plan"]


def make_model(params: dict) -> Pipeline:
    """One-hot encode the plan inside the pipeline, so serving sends raw columns."""
    encode = ColumnTransformer([("plan", OneHotEncoder(handle_unknown="ignore"), ["plan"])], remainder="passthrough")
    forest = RandomForestClassifier(random_state=params["seed"], **params["model"])
    return Pipeline([("encode", encode), ("forest", forest)])


def main() -> None:
    params = yaml.safe_load(open("params.yaml"))
    random.seed(params["seed"])
    np.random.seed(params["seed"])
    train = pd.read_csv("data/train.csv")
    test = pd.read_csv("data/test.csv")
    model = make_model(params).fit(train[FEATURES], train[params["target"]])
    proba = model.predict_proba(test[FEATURES])[:, 1]
    metrics = {
        "accuracy": accuracy_score(test[params["target"]], proba > 0.5),
        "roc_auc": roc_auc_score(test[params["target"]], proba),
    }
    joblib.dump(model, "models/model.joblib")
    json.dump(metrics, open("metrics.json", "w"), indent=2)


if __name__ == "__main__":
    main()
'''

APP_PY = '''"""Serve churn predictions; the model is loaded once at start-up."""
import logging

import joblib
import pandas as pd
from fastapi import FastAPI
from pydantic import BaseModel, Field

from train import FEATURES

log = logging.getLogger("predictions")
app = FastAPI(title="churn")
MODEL = joblib.load("models/model.joblib")


class Customer(BaseModel):
    age: int = Field(ge=18, le=100)
    monthly_spend: float = Field(ge=0, le=1000)
    sessions_per_week: float = Field(ge=0, le=100)
    plan: str = Field(pattern="^(basic|pro|enterprise)$")


@app.post("/predict")
def predict(customer: Customer) -> dict[str, float]:
    row = pd.DataFrame([customer.model_dump()])
    score = float(MODEL.predict_proba(row[FEATURES])[0, 1])
    log.info("prediction input=%s churn_probability=%.4f", customer.model_dump(), score)
    return {"churn_probability": score}
'''

TEST_APP = '''"""The API validates its input and answers with a probability."""
from fastapi.testclient import TestClient

from app import app

client = TestClient(app)


def test_predict_returns_probability():
    r = client.post("/predict", json={"age": 40, "monthly_spend": 55.0, "sessions_per_week": 3, "plan": "pro"})
    assert r.status_code == 200
    assert 0.0 <= r.json()["churn_probability"] <= 1.0


def test_rejects_unknown_plan():
    r = client.post("/predict", json={"age": 40, "monthly_spend": 55.0, "sessions_per_week": 3, "plan": "gold"})
    assert r.status_code == 422
'''

TEST_FEATURES = '''"""The model pipeline accepts raw columns, including a plan it never saw."""
import pandas as pd

from train import FEATURES, make_model


def test_pipeline_handles_unseen_plan():
    params = {"seed": 0, "model": {"n_estimators": 3, "max_depth": 2}}
    df = pd.DataFrame({"age": [30, 40, 50, 60], "monthly_spend": [10.0, 20.0, 30.0, 40.0],
                       "sessions_per_week": [1, 2, 3, 4], "plan": ["basic", "pro", "basic", "pro"]})
    model = make_model(params).fit(df[FEATURES], [0, 1, 0, 1])
    unseen = df.assign(plan="enterprise")
    assert model.predict_proba(unseen[FEATURES]).shape == (4, 2)
'''

DOCKERFILE = '''FROM python:3.11.9-slim-bookworm
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py train.py ./
COPY models/ models/
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
'''

CI = '''name: ci
on:
  push:
    branches: [main]
    tags: ["v*"]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version-file: .python-version
      - run: pip install -r requirements.txt
      - run: pytest -q tests
  release:
    if: startsWith(github.ref, 'refs/tags/v')
    needs: test
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - run: docker build -t ghcr.io/example/churn-service:${{ github.ref_name }} .
      - run: docker push ghcr.io/example/churn-service:${{ github.ref_name }}
'''

MAKEFILE = '''.PHONY: train test serve

train:
\tpython train.py

test:
\tpytest -q tests

serve:
\tuvicorn app:app --port 8000
'''

README = """# churn service

A churn model served over HTTP. `make train` rebuilds `models/model.joblib` from `data/` and
`params.yaml`; `make serve` starts the API; `make test` runs the tests.
"""


def frame(rng: np.random.Generator, n: int, first_id: int, drifted: bool) -> pd.DataFrame:
    """Customers with a noisy churn label; ``drifted`` shifts spend and sessions and grows enterprise."""
    age = rng.integers(18, 80, size=n)
    spend = rng.normal(80 if drifted else 60, 15, size=n).clip(0, 400)
    sessions = rng.normal(2.5 if drifted else 5.0, 1.5, size=n).clip(0, 30)
    plan = rng.choice(PLANS, size=n, p=[0.4, 0.25, 0.35] if drifted else [0.6, 0.3, 0.1])
    logit = -0.5 + 0.03 * (spend - 60) - 0.35 * (sessions - 5) - 0.4 * (plan == "enterprise")
    churned = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({
        "customer_id": np.arange(first_id, first_id + n),
        "age": age,
        "monthly_spend": np.round(spend, 2),
        "sessions_per_week": np.round(sessions, 1),
        "plan": plan,
        "churned": churned,
    })


def train_model(train: pd.DataFrame, test: pd.DataFrame, params: dict[str, int]) -> tuple[bytes, str]:
    """Train like train.py does; return joblib bytes and metrics.json text."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    encode = ColumnTransformer([("plan", OneHotEncoder(handle_unknown="ignore"), ["plan"])], remainder="passthrough")
    model = Pipeline([("encode", encode), ("forest", RandomForestClassifier(random_state=SEED, **params))])
    model.fit(train[FEATURES], train["churned"])
    proba = model.predict_proba(test[FEATURES])[:, 1]
    metrics = {"accuracy": round(float(accuracy_score(test["churned"], proba > 0.5)), 4),
               "roc_auc": round(float(roc_auc_score(test["churned"], proba)), 4)}
    return joblib_bytes(model), json.dumps(metrics, indent=2) + "\n"


def build(dest: Path) -> Path:
    """Build the repo at ``dest`` and return its root."""
    rng = np.random.default_rng(SEED)
    train1, test1 = frame(rng, N_TRAIN, 1, False), frame(rng, N_TEST, 5001, False)
    train2, test2 = frame(rng, N_TRAIN, 10001, True), frame(rng, N_TEST, 15001, True)
    repo = GitRepo(dest)
    repo.commit("Churn service: training script, API, tests, CI", {
        "README.md": README,
        "requirements.txt": requirements(),
        ".python-version": "3.11.9\n",
        ".gitignore": "__pycache__/\n.venv/\n",
        "params.yaml": params_yaml(V1_PARAMS),
        "train.py": TRAIN_PY,
        "app.py": APP_PY,
        "Makefile": MAKEFILE,
        "Dockerfile": DOCKERFILE,
        ".github/workflows/ci.yml": CI,
        "tests/__init__.py": "",
        "tests/test_app.py": TEST_APP,
        "tests/test_features.py": TEST_FEATURES,
        "data/train.csv": csv_text(train1),
        "data/test.csv": csv_text(test1),
    })
    model1, metrics1 = train_model(train1, test1, V1_PARAMS)
    repo.commit("Train model v1", {"models/model.joblib": model1, "metrics.json": metrics1})
    repo.tag("v1.0", annotated=True)
    repo.commit("Refresh data with the latest customer export", {
        "data/train.csv": csv_text(train2), "data/test.csv": csv_text(test2),
    })
    model2, metrics2 = train_model(train2, test2, V2_PARAMS)
    repo.commit("Retrain with more and deeper trees", {
        "params.yaml": params_yaml(V2_PARAMS), "models/model.joblib": model2, "metrics.json": metrics2,
    })
    repo.tag("v1.1", annotated=True)
    return repo.root
