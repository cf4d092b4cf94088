"""MLflow 3 logged models (``<experiment>/models/m-<id>/``) are joined to the run that produced them."""

from __future__ import annotations

import pickle

from mlaudit.scanners.code import code_facts

EXP = "mlruns/123"
RUN = "a" * 32
MODEL = "m-0123456789abcdef"


def _store() -> dict[str, str | bytes]:
    run, model = f"{EXP}/{RUN}", f"{EXP}/models/{MODEL}"
    return {f"{EXP}/meta.yaml": "experiment_id: '123'\nname: wine\nlifecycle_stage: active\nartifact_location: x\n",
            f"{run}/meta.yaml": f"run_id: {RUN}\nexperiment_id: '123'\nstatus: 3\nstart_time: 1\nend_time: 2\n",
            f"{run}/params/learning_rate": "0.01", f"{run}/metrics/val_rmse": "1 0.72 0\n",
            f"{run}/outputs/{MODEL}/meta.yaml": f"destination_id: {MODEL}\ndestination_type: MODEL_OUTPUT\n",
            f"{model}/meta.yaml": f"model_id: {MODEL}\nname: model\nsource_run_id: {RUN}\nexperiment_id: '123'\n",
            f"{model}/artifacts/MLmodel": f"flavors:\n  sklearn:\n    pickled_model: model.pkl\nrun_id: {RUN}\n",
            f"{model}/artifacts/model.pkl": pickle.dumps({"coef": [1.0, 2.0]}, protocol=4)}


def test_logged_model_gets_its_source_run(make_repo, tmp_path) -> None:
    """The model's version row carries the source run (not the m-<id> folder name), so its params and metrics count."""
    from mlaudit.audit.run import audit
    from mlaudit.store.db import open_store

    repo = make_repo("mlflow3")
    repo.commit("runs", _store())
    db = tmp_path / "s.sqlite"
    by_id = {r.check_id: r for r in audit(repo.root, db).results}
    with open_store(db, repo_root=repo.root) as store:
        runs = {r[0] for r in store.db.execute("SELECT run_id FROM model_versions WHERE source = 'mlflow'")}
    assert runs == {RUN}
    assert str(by_id["MODEL-METRICS"].status) == "pass"
    assert any("1 run(s)" in e.detail and "1 param(s)" in e.detail for e in by_id["REPRO-LINEAGE"].evidence)


def test_keras_callbacks_and_layers_keywords_are_hyperparameters(tree_of) -> None:
    """EarlyStopping(patience=3) and Dropout(rate=0.2) hard-code training choices; positional sizes are not counted."""
    code = ("from tensorflow import keras\nstop = keras.callbacks.EarlyStopping(patience=3)\n"
            "drop = keras.layers.Dropout(rate=0.2)\ndense = keras.layers.Dense(64)\nmodel.fit(X, y, callbacks=[stop])\n")
    facts = code_facts(tree_of({"train.py": code}))
    assert [(h["call"], h["names"], h["line"]) for h in facts["hyper_literals"]] == [
        ("EarlyStopping", ["patience"], 2), ("Dropout", ["rate"], 3)]
