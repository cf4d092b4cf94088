"""Model and tracking tables: one analysis per distinct model content, its versions, MLflow and metrics files.

- ``model_blobs``: one row per distinct content (key = git blob id; for files outside git objects such
  as MLflow artifacts or DVC cache files, the id git would give the same bytes): format, size, sha256, security
  verdict and the globals a pickle imports, estimator, library versions, hyperparameters, features.
  JSON columns hold lists/dicts.
- ``model_versions``: where each content appears: (path, key) per commit (source 'git'), in the working
  tree ('worktree'), as an MLflow artifact ('mlflow', with run_id) or a DVC output ('dvc').
- ``mlflow_*``: experiments, runs, params, metrics (last value per key), tags, registered models and
  their versions, read from ``mlruns/`` file stores and MLflow SQLite backends (``store_path`` names it).
- ``tracked_values``: plain metrics / params files (metrics.json, params.yaml, DVC metrics) per commit,
  flattened to dotted keys.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("mlaudit.models")


@MIGRATIONS()
def m001_models(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE model_blobs (
            key TEXT PRIMARY KEY, sha256 TEXT, size INTEGER, format TEXT, verdict TEXT,
            globals TEXT, dangerous TEXT, unknown TEXT, estimator TEXT, library_versions TEXT,
            hyperparameters TEXT, features TEXT, n_features INTEGER, classes TEXT, metadata TEXT,
            findings TEXT, error TEXT, analyzer INTEGER, seconds REAL
        );
        CREATE INDEX model_blobs_sha ON model_blobs(sha256);
        CREATE TABLE model_versions (
            path TEXT, key TEXT, source TEXT, commit_sha TEXT, committer_time INTEGER, status TEXT,
            run_id TEXT, PRIMARY KEY (path, key, source, commit_sha)
        );
        CREATE INDEX model_versions_key ON model_versions(key);
        CREATE INDEX model_versions_commit ON model_versions(commit_sha);
        CREATE TABLE sniffed_blobs (blob TEXT PRIMARY KEY, is_model INTEGER);
        CREATE TABLE mlflow_experiments (
            store_path TEXT, experiment_id TEXT, name TEXT, lifecycle_stage TEXT, artifact_location TEXT,
            PRIMARY KEY (store_path, experiment_id)
        );
        CREATE TABLE mlflow_runs (
            run_id TEXT PRIMARY KEY, store_path TEXT, experiment_id TEXT, run_name TEXT, status TEXT,
            start_time INTEGER, end_time INTEGER, lifecycle_stage TEXT, artifact_uri TEXT,
            source_commit TEXT, source_name TEXT
        );
        CREATE TABLE mlflow_params (run_id TEXT, key TEXT, value TEXT, PRIMARY KEY (run_id, key));
        CREATE TABLE mlflow_metrics (
            run_id TEXT, key TEXT, value REAL, step INTEGER, timestamp INTEGER, PRIMARY KEY (run_id, key)
        );
        CREATE TABLE mlflow_tags (run_id TEXT, key TEXT, value TEXT, PRIMARY KEY (run_id, key));
        CREATE TABLE mlflow_registered_models (
            store_path TEXT, name TEXT, creation_time INTEGER, last_updated_time INTEGER, description TEXT,
            PRIMARY KEY (store_path, name)
        );
        CREATE TABLE mlflow_model_versions (
            store_path TEXT, name TEXT, version TEXT, run_id TEXT, source TEXT, stage TEXT, status TEXT,
            creation_time INTEGER, aliases TEXT, PRIMARY KEY (store_path, name, version)
        );
        CREATE TABLE tracked_values (
            commit_sha TEXT, path TEXT, kind TEXT, key TEXT, value TEXT, number REAL,
            PRIMARY KEY (commit_sha, path, key)
        );
        CREATE INDEX tracked_values_path ON tracked_values(path);
        CREATE TABLE tracked_blobs (blob TEXT PRIMARY KEY, kind TEXT, payload TEXT);
        """
    )
