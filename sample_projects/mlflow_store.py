"""Write MLflow tracking data by hand (MLflow is not installed): an ``mlruns/`` file store and an SQLite backend.

The layouts follow MLflow 2.x: ``mlruns/<experiment>/<run>/{meta.yaml,params,metrics,tags,artifacts}``,
``mlruns/models/<name>/version-<n>/meta.yaml``; and the SQL tables experiments, runs, params, metrics,
latest_metrics, tags, experiment_tags, registered_models, model_versions, registered_model_aliases.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ARTIFACT_ROOT = "file:///builds/churn/mlruns"

SCHEMA = """
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
CREATE TABLE experiments (experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL, artifact_location VARCHAR(256),
  lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT,
  CONSTRAINT experiment_pk PRIMARY KEY (experiment_id), UNIQUE (name));
CREATE TABLE experiment_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), experiment_id INTEGER NOT NULL,
  CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id), FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500),
  entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT,
  deleted_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200),
  experiment_id INTEGER, CONSTRAINT run_pk PRIMARY KEY (run_uuid), FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT param_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL,
  run_uuid VARCHAR(32) NOT NULL, step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL,
  CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE TABLE latest_metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL,
  is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE TABLE registered_models (name VARCHAR(256) NOT NULL, creation_time BIGINT, last_updated_time BIGINT,
  description VARCHAR(5000), CONSTRAINT registered_model_pk PRIMARY KEY (name), UNIQUE (name));
CREATE TABLE registered_model_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), name VARCHAR(256) NOT NULL,
  CONSTRAINT registered_model_tag_pk PRIMARY KEY (key, name), FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE cascade);
CREATE TABLE model_versions (name VARCHAR(256) NOT NULL, version INTEGER NOT NULL, creation_time BIGINT,
  last_updated_time BIGINT, description VARCHAR(5000), user_id VARCHAR(256), current_stage VARCHAR(20),
  source VARCHAR(500), run_id VARCHAR(32), status VARCHAR(20), status_message VARCHAR(500), run_link VARCHAR(500),
  storage_location VARCHAR(500), CONSTRAINT model_version_pk PRIMARY KEY (name, version),
  FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE cascade);
CREATE TABLE model_version_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), name VARCHAR(256) NOT NULL,
  version INTEGER NOT NULL, CONSTRAINT model_version_tag_pk PRIMARY KEY (key, name, version),
  FOREIGN KEY(name, version) REFERENCES model_versions (name, version) ON UPDATE cascade);
CREATE TABLE registered_model_aliases (alias VARCHAR(256) NOT NULL, version INTEGER NOT NULL, name VARCHAR(256) NOT NULL,
  CONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias),
  FOREIGN KEY(name) REFERENCES registered_models (name) ON DELETE cascade ON UPDATE cascade);
"""
ALEMBIC_HEAD = "4465047574b1"


@dataclass(slots=True)
class Run:
    """One finished training run, with the model version it registered."""

    run_id: str
    name: str
    start_ms: int
    git_commit: str
    params: dict[str, str]
    metrics: dict[str, float]
    model_bytes: bytes
    mlmodel: str
    version: int
    extra_tags: dict[str, str] = field(default_factory=dict)

    def tags(self) -> dict[str, str]:
        return {
            "mlflow.runName": self.name, "mlflow.source.git.commit": self.git_commit,
            "mlflow.source.name": "src/churn/train.py", "mlflow.source.type": "LOCAL", "mlflow.user": "ci",
            **self.extra_tags,
        }

    @property
    def end_ms(self) -> int:
        return self.start_ms + 95_000

    def artifact_uri(self, experiment_id: int) -> str:
        return f"{ARTIFACT_ROOT}/{experiment_id}/{self.run_id}/artifacts"


@dataclass(slots=True)
class Tracking:
    """The experiment ``churn`` (id 1) with its runs and the registered model ``churn-classifier``."""

    created_ms: int
    runs: list[Run] = field(default_factory=list)
    model_name: str = "churn-classifier"
    experiment_id: int = 1
    champion: int | None = None

    def files(self) -> dict[str, str | bytes]:
        """Every file of the ``mlruns/`` store, by repo path."""
        exp, out = self.experiment_id, {}
        last = max([r.end_ms for r in self.runs], default=self.created_ms)
        out["mlruns/0/meta.yaml"] = _yaml({"artifact_location": f"{ARTIFACT_ROOT}/0", "creation_time": self.created_ms,
                                           "experiment_id": "0", "last_update_time": self.created_ms,
                                           "lifecycle_stage": "active", "name": "Default"})
        out[f"mlruns/{exp}/meta.yaml"] = _yaml({"artifact_location": f"{ARTIFACT_ROOT}/{exp}",
                                                "creation_time": self.created_ms, "experiment_id": str(exp),
                                                "last_update_time": last, "lifecycle_stage": "active", "name": "churn"})
        for run in self.runs:
            base = f"mlruns/{exp}/{run.run_id}"
            out[f"{base}/meta.yaml"] = _yaml({
                "artifact_uri": run.artifact_uri(exp), "end_time": run.end_ms, "entry_point_name": "''",
                "experiment_id": f"'{exp}'", "lifecycle_stage": "active", "run_id": run.run_id, "run_name": run.name,
                "run_uuid": run.run_id, "source_name": "''", "source_type": 4, "source_version": "''",
                "start_time": run.start_ms, "status": 3, "tags": "[]", "user_id": "ci",
            })
            for key, value in run.params.items():
                out[f"{base}/params/{key}"] = value
            for key, value in run.metrics.items():
                out[f"{base}/metrics/{key}"] = f"{run.end_ms - 1000} {value} 0\n"
            for key, value in run.tags().items():
                out[f"{base}/tags/{key}"] = value
            out[f"{base}/artifacts/model/MLmodel"] = run.mlmodel
            out[f"{base}/artifacts/model/model.pkl"] = run.model_bytes
            out[f"{base}/artifacts/model/requirements.txt"] = "mlflow==2.14.1\nscikit-learn\n"
        models = f"mlruns/models/{self.model_name}"
        if self.runs:
            out[f"{models}/meta.yaml"] = _yaml({"creation_timestamp": self.runs[0].end_ms, "description": "''",
                                                "last_updated_timestamp": last, "name": self.model_name})
        for run in self.runs:
            out[f"{models}/version-{run.version}/meta.yaml"] = _yaml({
                "creation_timestamp": run.end_ms, "current_stage": "None", "description": "''",
                "last_updated_timestamp": run.end_ms, "name": self.model_name, "run_id": run.run_id,
                "run_link": "''", "source": f"{run.artifact_uri(exp)}/model", "status": "READY",
                "status_message": "''", "user_id": "ci", "version": run.version,
            })
        if self.champion is not None:
            out[f"{models}/aliases/champion"] = str(self.champion)
        return out

    def sqlite_bytes(self) -> bytes:
        """The same content as an MLflow SQLite backend (``mlflow.db``)."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "mlflow.db"
            con = sqlite3.connect(path)
            try:
                self._fill(con)
                con.commit()
            finally:
                con.close()
            return path.read_bytes()

    def _fill(self, con: sqlite3.Connection) -> None:
        exp = self.experiment_id
        con.executescript(SCHEMA)
        con.execute("INSERT INTO alembic_version VALUES (?)", (ALEMBIC_HEAD,))
        last = max([r.end_ms for r in self.runs], default=self.created_ms)
        con.executemany("INSERT INTO experiments VALUES (?,?,?,?,?,?)", [
            (0, "Default", f"{ARTIFACT_ROOT}/0", "active", self.created_ms, self.created_ms),
            (exp, "churn", f"{ARTIFACT_ROOT}/{exp}", "active", self.created_ms, last),
        ])
        for r in self.runs:
            con.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                r.run_id, r.name, "UNKNOWN", "", "", "ci", "FINISHED", r.start_ms, r.end_ms, None, "",
                "active", r.artifact_uri(exp), exp))
            con.executemany("INSERT INTO params VALUES (?,?,?)", [(k, v, r.run_id) for k, v in r.params.items()])
            con.executemany("INSERT INTO metrics VALUES (?,?,?,?,?,?)",
                            [(k, v, r.end_ms - 1000, r.run_id, 0, 0) for k, v in r.metrics.items()])
            con.executemany("INSERT INTO latest_metrics VALUES (?,?,?,?,?,?)",
                            [(k, v, r.end_ms - 1000, 0, 0, r.run_id) for k, v in r.metrics.items()])
            con.executemany("INSERT INTO tags VALUES (?,?,?)", [(k, v, r.run_id) for k, v in r.tags().items()])
        if self.runs:
            con.execute("INSERT INTO registered_models VALUES (?,?,?,?)",
                        (self.model_name, self.runs[0].end_ms, last, "Churn classifier released by the CT pipeline"))
        for r in self.runs:
            con.execute("INSERT INTO model_versions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                self.model_name, r.version, r.end_ms, r.end_ms, "", "ci", "None", f"{r.artifact_uri(exp)}/model",
                r.run_id, "READY", "", "", f"{r.artifact_uri(exp)}/model"))
        if self.champion is not None:
            con.execute("INSERT INTO registered_model_aliases VALUES (?,?,?)", ("champion", self.champion, self.model_name))


def _yaml(mapping: dict[str, object]) -> str:
    """MLflow's meta.yaml style: sorted keys, scalars as written."""
    return "".join(f"{key}: {mapping[key]}\n" for key in sorted(mapping))


def mlmodel(run_id: str, size: int, created: str, sklearn_version: str, features: list[str]) -> str:
    """The ``MLmodel`` file MLflow writes next to a logged scikit-learn model."""
    inputs = ", ".join(f'{{"type": "double", "name": "{f}", "required": true}}' for f in features)
    return (
        "artifact_path: model\nflavors:\n  python_function:\n    env:\n      conda: conda.yaml\n"
        "      virtualenv: python_env.yaml\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n"
        "    predict_fn: predict\n    python_version: 3.11.9\n  sklearn:\n    code: null\n"
        f"    pickled_model: model.pkl\n    serialization_format: cloudpickle\n    sklearn_version: {sklearn_version}\n"
        f"mlflow_version: 2.14.1\nmodel_size_bytes: {size}\nmodel_uuid: {run_id[::-1]}\nrun_id: {run_id}\n"
        f"signature:\n  inputs: '[{inputs}]'\n  outputs: '[{{\"type\": \"long\", \"required\": true}}]'\n"
        f"utc_time_created: '{created}'\n"
    )
