"""Static files of the ``at_scale`` sample project: code, pipeline, workflows, deployment, monitoring."""

from __future__ import annotations

PYPROJECT = """[project]
name = "churn-at-scale"
version = "0.3.0"
requires-python = ">=3.11,<3.12"
dependencies = [
{deps}
]

[project.optional-dependencies]
dev = ["pytest>=8.2"]

[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"
"""

PYTHON_VERSION = "3.11.9\n"

README = """# churn at scale

Continuous training of the churn model. `dvc repro` runs prepare -> train -> evaluate from
`params.yaml`; runs are tracked in MLflow and released through the model registry (alias `champion`).
A scheduled workflow retrains weekly; deployments roll out as a canary with automatic rollback.
"""

PARAMS = """seed: 1234
prepare:
  test_size: 0.2
  split_date: "2024-01-01"
train:
  n_estimators: {n_estimators}
  max_depth: {max_depth}
  learning_rate: 0.1
evaluate:
  min_accuracy: 0.70
"""

DVC_YAML = """stages:
  prepare:
    cmd: python -m churn.prepare
    deps:
    - data/raw.csv
    - src/churn/prepare.py
    - src/churn/schema.py
    params:
    - prepare
    outs:
    - data/prepared
  train:
    cmd: python -m churn.train
    deps:
    - data/prepared
    - src/churn/train.py
    - src/churn/features.py
    params:
    - seed
    - train
    outs:
    - models/model.pkl
  evaluate:
    cmd: python -m churn.evaluate
    deps:
    - data/prepared
    - models/model.pkl
    - src/churn/evaluate.py
    params:
    - evaluate
    metrics:
    - metrics.json:
        cache: false
"""

DVC_CONFIG = """[core]
    remote = storage
['remote "storage"']
    url = s3://churn-ml-artifacts/dvc
"""

DVC_GITIGNORE = "/config.local\n/tmp\n/cache\n"

DATA_GITIGNORE = "/raw.csv\n/prepared\n"

ROOT_GITIGNORE = "__pycache__/\n/models/\n.venv/\nmlartifacts/\n"

INIT = '"""Churn model: data preparation, training, evaluation, serving and monitoring."""\n'

SCHEMA = '''"""The schema every data snapshot must satisfy (checked in prepare and in CI)."""
import pandera as pa

RAW_SCHEMA = pa.DataFrameSchema(
    {
        "customer_id": pa.Column(int, unique=True),
        "event_date": pa.Column("datetime64[ns]"),
        "tenure_months": pa.Column(int, pa.Check.in_range(0, 240)),
        "monthly_spend": pa.Column(float, pa.Check.ge(0)),
        "sessions_per_week": pa.Column(float, pa.Check.in_range(0, 100)),
        "region": pa.Column(str, pa.Check.isin(["north", "south", "east", "west"])),
        "churned": pa.Column(int, pa.Check.isin([0, 1])),
    },
    strict=True,
)


def validate(df):
    """Raise when a snapshot breaks the schema."""
    return RAW_SCHEMA.validate(df, lazy=True)
'''

FEATURES = '''"""Feature code shared by training and serving."""
import pandas as pd

REGIONS = {"north": 0, "south": 1, "east": 2, "west": 3}
COLUMNS = ["tenure_months", "monthly_spend", "sessions_per_week", "region_code"]


def build_features(df: pd.DataFrame) -> pd.DataFrame:
    """Model inputs from raw columns."""
    out = df[["tenure_months", "monthly_spend", "sessions_per_week"]].astype(float)
    out["region_code"] = df["region"].map(REGIONS)
    return out[COLUMNS]
'''

PREPARE = '''"""Validate the raw snapshot and split it by time (train before split_date, test after)."""
from pathlib import Path

import pandas as pd
import yaml

from churn.schema import validate


def main() -> None:
    params = yaml.safe_load(open("params.yaml"))["prepare"]
    df = validate(pd.read_csv("data/raw.csv", parse_dates=["event_date"]))
    cut = pd.Timestamp(params["split_date"])
    out = Path("data/prepared")
    out.mkdir(parents=True, exist_ok=True)
    df[df["event_date"] < cut].to_csv(out / "train.csv", index=False)
    df[df["event_date"] >= cut].to_csv(out / "test.csv", index=False)


if __name__ == "__main__":
    main()
'''

TRAIN = '''"""Train the model with the seeded params and log the run to MLflow."""
import pickle
import random

import mlflow
import numpy as np
import pandas as pd
import yaml
from sklearn.ensemble import GradientBoostingClassifier

from churn.features import build_features


def main() -> None:
    params = yaml.safe_load(open("params.yaml"))
    random.seed(params["seed"])
    np.random.seed(params["seed"])
    train = pd.read_csv("data/prepared/train.csv")
    mlflow.set_experiment("churn")
    with mlflow.start_run():
        mlflow.log_params(params["train"])
        model = GradientBoostingClassifier(random_state=params["seed"], **params["train"])
        model.fit(build_features(train), train["churned"])
        if not np.isfinite(model.train_score_).all():
            raise ValueError("training loss is not finite: check the features for NaN or infinite values")
        mlflow.sklearn.log_model(model, "model", registered_model_name="churn-classifier")
    with open("models/model.pkl", "wb") as f:
        pickle.dump(model, f)


if __name__ == "__main__":
    main()
'''

EVALUATE = '''"""Score the model on the held-out period against a baseline and per region; write metrics.json, log to MLflow."""
import json
import pickle

import mlflow
import pandas as pd
import yaml
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, roc_auc_score

from churn.features import build_features


def main() -> None:
    train = pd.read_csv("data/prepared/train.csv")
    test = pd.read_csv("data/prepared/test.csv")
    with open("models/model.pkl", "rb") as f:
        model = pickle.load(f)
    features = build_features(test)
    proba = pd.Series(model.predict_proba(features)[:, 1], index=test.index)
    baseline = DummyClassifier(strategy="prior").fit(build_features(train), train["churned"])
    metrics = {"accuracy": accuracy_score(test["churned"], proba > 0.5), "roc_auc": roc_auc_score(test["churned"], proba),
               "baseline_accuracy": accuracy_score(test["churned"], baseline.predict(features))}
    per_region = {f"accuracy_{region}": accuracy_score(rows["churned"], proba[rows.index] > 0.5)
                  for region, rows in test.groupby("region")}
    mlflow.log_metrics({**metrics, **per_region})
    json.dump({**metrics, "per_region": per_region}, open("metrics.json", "w"), indent=2)
    min_accuracy = yaml.safe_load(open("params.yaml"))["evaluate"]["min_accuracy"]
    if metrics["accuracy"] < min_accuracy:
        raise SystemExit(f"accuracy {metrics['accuracy']:.3f} is below the release bar {min_accuracy}")


if __name__ == "__main__":
    main()
'''

SERVE = '''"""HTTP serving: the registered champion model is loaded once; inputs validated; metrics exported."""
import logging
import time

import mlflow.pyfunc
import pandas as pd
from fastapi import FastAPI
from prometheus_client import Counter, Histogram, make_asgi_app
from pydantic import BaseModel, Field

from churn.features import build_features

log = logging.getLogger("churn.predictions")
PREDICTIONS = Counter("churn_predictions_total", "Predictions served", ["outcome"])
LATENCY = Histogram("churn_prediction_latency_seconds", "Prediction latency")

app = FastAPI(title="churn")
app.mount("/metrics", make_asgi_app())
MODEL = mlflow.pyfunc.load_model("models:/churn-classifier@champion")


class Customer(BaseModel):
    tenure_months: int = Field(ge=0, le=240)
    monthly_spend: float = Field(ge=0, le=10_000)
    sessions_per_week: float = Field(ge=0, le=100)
    region: str = Field(pattern="^(north|south|east|west)$")


@app.post("/predict")
async def predict(batch: list[Customer]) -> list[float]:
    start = time.perf_counter()
    frame = pd.DataFrame([c.model_dump() for c in batch])
    scores = [float(s) for s in MODEL.predict(build_features(frame))]
    LATENCY.observe(time.perf_counter() - start)
    for customer, score in zip(batch, scores):
        PREDICTIONS.labels(outcome="churn" if score > 0.5 else "stay").inc()
        log.info("prediction input=%s score=%.4f", customer.model_dump(), score)
    return scores
'''

MONITORING = '''"""Daily drift report of served inputs against the training reference (Evidently)."""
import pandas as pd
from evidently.metric_preset import DataDriftPreset
from evidently.report import Report


def drift_report(reference: pd.DataFrame, current: pd.DataFrame) -> dict:
    """Run Evidently's data-drift preset; the caller alerts when dataset drift is detected."""
    report = Report(metrics=[DataDriftPreset()])
    report.run(reference_data=reference, current_data=current)
    return report.as_dict()


def should_retrain(result: dict) -> bool:
    """Trigger retraining when Evidently flags dataset drift."""
    return bool(result["metrics"][0]["result"]["dataset_drift"])
'''

TEST_FEATURES = '''"""Feature code: every region is mapped, the column order is fixed."""
import pandas as pd

from churn.features import COLUMNS, build_features


def test_columns_and_regions():
    df = pd.DataFrame({"tenure_months": [1, 2], "monthly_spend": [10.0, 20.0],
                       "sessions_per_week": [1.0, 2.0], "region": ["north", "west"]})
    out = build_features(df)
    assert list(out.columns) == COLUMNS
    assert out["region_code"].tolist() == [0, 3]
'''

TEST_SCHEMA = '''"""The data schema rejects a bad snapshot."""
import pandas as pd
import pandera as pa
import pytest

from churn.schema import validate


def test_rejects_unknown_region():
    df = pd.DataFrame({"customer_id": [1], "event_date": pd.to_datetime(["2024-01-02"]), "tenure_months": [3],
                       "monthly_spend": [20.0], "sessions_per_week": [2.0], "region": ["mars"], "churned": [0]})
    with pytest.raises(pa.errors.SchemaErrors):
        validate(df)
'''

TEST_MODEL_QUALITY = '''"""Release gate: the trained model must reach the accuracy floor set in params.yaml."""
import json

import yaml


def test_accuracy_above_threshold():
    floor = yaml.safe_load(open("params.yaml"))["evaluate"]["min_accuracy"]
    metrics = json.load(open("metrics.json"))
    assert metrics["accuracy"] >= floor, f"accuracy {metrics['accuracy']} below the release floor {floor}"
'''

CI = """name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - uses: astral-sh/setup-uv@v3
      - run: uv sync --frozen --extra dev
      - name: Unit tests
        run: uv run pytest -q tests/test_features.py tests/test_schema.py
      - name: Validate data
        run: |
          uv run dvc pull data/raw.csv
          uv run python -c "import pandas as pd; from churn.schema import validate; validate(pd.read_csv('data/raw.csv', parse_dates=['event_date']))"
      - name: Model validation gate
        run: |
          uv run dvc repro
          uv run pytest -q tests/test_model_quality.py
"""

RETRAIN = """name: retrain
on:
  schedule:
    - cron: "0 3 * * 1"
  workflow_dispatch:
jobs:
  retrain:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - uses: astral-sh/setup-uv@v3
      - run: uv sync --frozen
      - run: uv run dvc pull
      - name: Train and evaluate
        run: uv run dvc repro
      - name: Model validation gate
        run: uv run pytest -q tests/test_model_quality.py
      - run: uv run dvc push
"""

DEPLOY = """name: deploy
on:
  push:
    tags: ["v*"]
jobs:
  deploy:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - name: Build and push the serving image
        run: |
          docker build -t ghcr.io/example/churn:${{ github.ref_name }} .
          docker push ghcr.io/example/churn:${{ github.ref_name }}
      - name: Roll out as a canary
        run: kubectl argo rollouts set image churn churn=ghcr.io/example/churn:${{ github.ref_name }}
"""

DEPENDABOT = """version: 2
updates:
  - package-ecosystem: pip
    directory: "/"
    schedule:
      interval: weekly
  - package-ecosystem: github-actions
    directory: "/"
    schedule:
      interval: weekly
"""

ROLLOUT = """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: churn
spec:
  replicas: 4
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app: churn
  template:
    metadata:
      labels:
        app: churn
    spec:
      containers:
        - name: churn
          image: ghcr.io/example/churn:v1.0
          ports:
            - containerPort: 8000
  strategy:
    canary:
      steps:
        - setWeight: 10
        - pause: {duration: 10m}
        - analysis:
            templates:
              - templateName: churn-error-rate
        - setWeight: 50
        - pause: {duration: 10m}
      abortScaleDownDelaySeconds: 30
"""

PROMETHEUS = """global:
  scrape_interval: 30s
rule_files:
  - alerts.yml
scrape_configs:
  - job_name: churn
    metrics_path: /metrics
    static_configs:
      - targets: ["churn:8000"]
"""

ALERTS = """groups:
  - name: churn
    rules:
      - alert: ChurnPredictionLatencyHigh
        expr: histogram_quantile(0.99, rate(churn_prediction_latency_seconds_bucket[5m])) > 0.2
        for: 10m
      - alert: ChurnPredictionShareShift
        expr: rate(churn_predictions_total{outcome="churn"}[1h]) / rate(churn_predictions_total[1h]) > 0.4
        for: 1h
"""

DOCKERFILE = """FROM python:3.11.9-slim-bookworm@sha256:8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN pip install --no-cache-dir uv==0.4.18 && uv sync --frozen --no-dev
COPY src/ src/
CMD ["uv", "run", "uvicorn", "churn.serve:app", "--host", "0.0.0.0", "--port", "8000"]
"""
