"""Metadata read without loading, checked against the live scikit-learn objects that were saved."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from mlaudit.scanners.models import scan_model_bytes
from tests.models import corpus

FRAME = pd.DataFrame({"age": np.arange(40.0), "income": np.arange(40.0) * 3 % 7, "visits": np.arange(40) % 5})
TARGET = np.array(["stay", "churn"])[np.arange(40) % 2]


def _models() -> dict[str, object]:
    return {
        "logreg": LogisticRegression(C=0.25, max_iter=50).fit(FRAME, TARGET),
        "forest": RandomForestClassifier(n_estimators=4, max_depth=3, random_state=7).fit(FRAME, TARGET),
        "pipeline": Pipeline([("scale", StandardScaler(with_mean=False)), ("clf", LogisticRegression(C=2.0))]).fit(FRAME, TARGET),
        "ridge_numpy": Ridge(alpha=0.5).fit(FRAME.to_numpy(), np.arange(40.0)),
    }


MODELS = _models()


def _dump(model: object, how: str) -> bytes:
    if how.startswith("pickle"):
        return pickle.dumps(model, protocol=int(how[-1]))
    buf = io.BytesIO()
    joblib.dump(model, buf, compress={"joblib": 0, "joblib-zlib": 3, "joblib-gzip": ("gzip", 3), "joblib-lz4": ("lz4", 1),
                                      "joblib-xz": ("xz", 1), "joblib-bz2": ("bz2", 1)}[how])
    return buf.getvalue()


def _primitive_params(model: object) -> dict[str, object]:
    return {k: v for k, v in model.get_params(deep=True).items() if isinstance(v, (int, float, str, bool, type(None)))}


HOWS = ["pickle0", "pickle2", "pickle4", "pickle5", "joblib", "joblib-zlib", "joblib-gzip", "joblib-lz4", "joblib-xz", "joblib-bz2"]


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("name", sorted(MODELS))
def test_metadata_matches_live_object(name: str, how: str) -> None:
    """Class, sklearn version, hyperparameters, features and classes equal the live model's."""
    model = MODELS[name]
    report = scan_model_bytes(_dump(model, how), f"{name}.bin")
    assert report.verdict == "safe", report.unknown
    assert report.format == ("pickle" if how.startswith("pickle") else "joblib")
    assert report.estimator == f"{type(model).__module__}.{type(model).__name__}"
    assert report.library_versions == {"scikit-learn": sklearn.__version__}
    expected = _primitive_params(model)
    assert {k: report.hyperparameters.get(k) for k in expected} == expected
    if hasattr(model, "feature_names_in_"):
        assert report.features == list(model.feature_names_in_)
    else:
        assert report.features is None
    assert report.n_features == model.n_features_in_
    if hasattr(model, "classes_"):
        assert report.classes == list(model.classes_)


def test_pipeline_steps_are_listed() -> None:
    """A pipeline's steps and their classes are part of the hyperparameters."""
    report = scan_model_bytes(_dump(MODELS["pipeline"], "joblib"), "p.joblib")
    assert report.hyperparameters["steps"] == [["scale", "sklearn.preprocessing._data.StandardScaler"],
                                               ["clf", "sklearn.linear_model._logistic.LogisticRegression"]]


def test_model_inside_a_dict() -> None:
    """A model saved inside a dict is found, and the container is named."""
    report = scan_model_bytes(pickle.dumps({"model": MODELS["logreg"], "threshold": 0.5}), "bundle.pkl")
    assert report.estimator.endswith("LogisticRegression") and report.metadata["container"] == "dict"


def test_other_formats_headers() -> None:
    """ONNX inputs, safetensors and GGUF headers are read."""
    onnx = scan_model_bytes(corpus.onnx_model(), "m.onnx")
    assert onnx.features == ["X"] and onnx.n_features == 3 and onnx.metadata["producer"] == "skl2onnx"
    assert onnx.metadata["opset"] == {"": 17}
    st = scan_model_bytes(corpus.safetensors_file(), "m.safetensors")
    assert (st.format, st.metadata["tensors"], st.metadata["parameters"]) == ("safetensors", 2, 9)
    gg = scan_model_bytes(corpus.gguf_file(), "m.gguf")
    assert (gg.format, gg.estimator, gg.metadata["parameters"]) == ("gguf", "llama", 256)


def test_npy_and_npz() -> None:
    """Plain .npy and .npz files are recognised and safe."""
    buf = io.BytesIO()
    np.save(buf, np.arange(6).reshape(2, 3))
    report = scan_model_bytes(buf.getvalue(), "w.npy")
    assert report.format == "npy" and report.verdict == "safe" and report.metadata["npy"]["shape"] == [2, 3]
    buf = io.BytesIO()
    np.savez(buf, a=np.arange(3), b=np.ones(2))
    report = scan_model_bytes(buf.getvalue(), "w.npz")
    assert report.format == "npz" and report.verdict == "safe"


def test_joblib_object_array_is_followed() -> None:
    """An object array in a joblib file is a nested pickle; the stream after it is read too."""
    buf = io.BytesIO()
    joblib.dump({"names": np.array(["a", None], dtype=object), "after": LogisticRegression(C=3.0)}, buf)
    report = scan_model_bytes(buf.getvalue(), "o.joblib")
    assert report.error is None and report.hyperparameters["C"] == 3.0


def test_legacy_torch_stream() -> None:
    """A legacy (non-zip) PyTorch file: magic, protocol, sys info, the object with persistent ids, keys, raw bytes."""

    class _Storages(pickle.Pickler):
        def persistent_id(self, obj: object) -> object:
            return ("storage", "FloatStorage", "0", "cpu", 4) if obj == "tensor" else None

    buf = io.BytesIO()
    for head in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
        pickle.dump(head, buf, protocol=2)
    _Storages(buf, protocol=2).dump({"weight": "tensor", "epoch": 3})
    pickle.dump(["0"], buf, protocol=2)
    buf.write(b"\x00" * 16)
    report = scan_model_bytes(buf.getvalue(), "old.pt")
    assert report.format == "pytorch-legacy" and report.verdict == "safe"
    assert not any(f.kind == "trailing-data" for f in report.findings)


def test_keras_hdf5_config_and_skops_schema() -> None:
    """HDF5 Keras files expose their model_config; skops schemas list the types they construct."""
    config = corpus.keras_config(lambda_layer=True)
    h5 = b"\x89HDF\r\n\x1a\n" + b"\x00" * 64 + json.dumps(config).encode() + b"\x00" * 8 + b'{"keras_version": "2.15.0"}'
    report = scan_model_bytes(h5, "model.h5")
    assert report.format == "keras-h5" and report.verdict == "dangerous" and report.library_versions["keras"] == "2.15.0"
    schema = {"__class__": "LogisticRegression", "__module__": "sklearn.linear_model._logistic", "protocol": 1,
              "content": {"coef_": {"__class__": "ndarray", "__module__": "numpy"},
                          "helper": {"__class__": "Evil", "__module__": "acme.hooks"}}}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("schema.json", json.dumps(schema))
    report = scan_model_bytes(buf.getvalue(), "m.skops")
    assert report.format == "skops" and report.estimator == "sklearn.linear_model._logistic.LogisticRegression"
    assert report.verdict == "inconclusive" and report.unknown == ["acme.hooks.Evil"]


def test_mlmodel_signature_and_flavor() -> None:
    """An MLflow MLmodel file gives the signature's feature names and flags pickle-based flavors."""
    from mlaudit.sample_projects.mlflow_store import mlmodel

    report = scan_model_bytes(mlmodel("r" * 32, 10, "now", "1.5.0", ["age", "plan"]).encode(), "model/MLmodel")
    assert report.format == "mlmodel" and report.features == ["age", "plan"]
    assert report.library_versions["scikit-learn"] == "1.5.0" and any(f.kind == "mlflow-pickle-flavor" for f in report.findings)
