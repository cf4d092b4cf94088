"""MODEL-LIB-MISMATCH reads the versions an MLflow model's MLmodel records for the model files of its folder."""

from __future__ import annotations

import pickle


def _mlflow_model(mlflow_version: str) -> dict[str, str | bytes]:
    mlmodel = (f"artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n"
               f"mlflow_version: {mlflow_version}\nrun_id: abc\n")
    return {"model/MLmodel": mlmodel, "model/data/model.pkl": pickle.dumps({"coef": [1.0]}, protocol=4),
            "requirements.txt": "mlflow==2.9.2\npandas\n", "serve.py": "import mlflow\nm = mlflow.pyfunc.load_model('model')\n"}


def test_mlmodel_version_is_compared_with_the_pin(make_repo, tmp_path) -> None:
    """mlflow 2.9.2 recorded and pinned: pass; recorded 2.1.0 against the 2.9.2 pin: fail, naming both."""
    from mlaudit.audit.run import audit

    for recorded, expected in (("2.9.2", "pass"), ("2.1.0", "fail")):
        repo = make_repo(f"mlm{recorded}")
        repo.commit("model", _mlflow_model(recorded))
        [r] = [r for r in audit(repo.root, tmp_path / f"{recorded}.sqlite").results if r.check_id == "MODEL-LIB-MISMATCH"]
        assert str(r.status) == expected, r.message
        assert any("MLmodel" in (e.path or "") for e in r.evidence)
