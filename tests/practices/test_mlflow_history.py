"""MLflow file stores committed and later deleted are read from git history and joined to the model versions."""

from __future__ import annotations

import pickle

from mlaudit.scanners.mlflow_history import artifact_run, read_history

EXP, RUN = "141659962871032424", "1c713b454ac74c22890c43ef6dc683a6"
META = f"run_id: {RUN}\nexperiment_id: '{EXP}'\nstatus: 3\nstart_time: 1700000000000\nend_time: 1700000001000\n"


def _store_files() -> dict[str, str | bytes]:
    run = f"mlruns/{EXP}/{RUN}"
    return {f"mlruns/{EXP}/meta.yaml": f"experiment_id: '{EXP}'\nname: heart\nlifecycle_stage: active\n",
            f"{run}/meta.yaml": META, f"{run}/params/max_iter": "200", f"{run}/metrics/accuracy": "1 0.81 0\n2 0.86 1\n",
            f"{run}/tags/mlflow.runName": "lr", "mlruns/models/heart/meta.yaml": "name: heart\n",
            f"mlartifacts/{EXP}/{RUN}/artifacts/model/model.pkl": pickle.dumps({"coef": [0.5, 1.5]}, protocol=4),
            "heart.csv": "age,chol,target\n63,233,1\n37,250,0\n41,204,0\n", "train.py": "model.fit(X, y)\n"}


def test_runs_are_rebuilt_from_blobs() -> None:
    """Run meta, params, last metric and tags come from the blobs; the registry folder is no experiment."""
    files = {p: t.encode() if isinstance(t, str) else t for p, t in _store_files().items()}
    history = read_history([(p, p) for p in files], lambda blob: files[blob])
    [store] = history.stores
    assert store.store_path == "mlruns (git history)" and [r["run_id"] for r in store.runs] == [RUN]
    assert store.runs[0]["status"] == "FINISHED" and store.params == [(RUN, "max_iter", "200")]
    assert [(m[0], m[1], m[2], m[3]) for m in store.metrics] == [(RUN, "accuracy", 0.86, 1)]
    assert artifact_run(f"mlartifacts/{EXP}/{RUN}/artifacts/model/model.pkl", {RUN}, {}) == RUN
    assert artifact_run("models/model.pkl", {RUN}, {}) is None


def test_deleted_store_still_gives_the_model_its_run(make_repo, tmp_path) -> None:
    """Committed with the model, then deleted: lineage and metrics of the historical version come from the run."""
    from mlaudit.audit.run import audit
    from mlaudit.store.db import open_store

    repo = make_repo("mlflowgone")
    repo.commit("train and log", _store_files())
    repo.commit("clean up", {"README.md": "moved to a server\n"},
                remove=[p for p in _store_files() if p.startswith(("mlruns/", "mlartifacts/"))])
    db = tmp_path / "s.sqlite"
    by_id = {r.check_id: r for r in audit(repo.root, db).results}
    assert str(by_id["MODEL-METRICS"].status) == "pass"
    assert any("1 run(s)" in e.detail and "1 param(s)" in e.detail for e in by_id["REPRO-LINEAGE"].evidence)
    with open_store(db, repo_root=repo.root) as store:
        assert store.db.execute("SELECT store_path FROM mlflow_runs WHERE run_id = ?", [RUN]).fetchone()[0] == "mlruns (git history)"
        assert {r for r, in store.db.execute("SELECT run_id FROM model_versions WHERE source = 'git'")} == {RUN}
