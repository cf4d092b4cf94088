"""DATA-SCHEMA: an MLflow model signature (MLmodel ``signature: inputs:``) declares the model's input schema."""

from __future__ import annotations

from mlaudit.checks.base import Status

TRAIN = "import pandas as pd\ndf = pd.read_csv('data/wine.csv')\nmodel.fit(df.drop(columns='q'), df['q'])\n"
SIGNED = ("artifact_path: model\nflavors:\n  sklearn:\n    pickled_model: model.pkl\nsignature:\n"
          "  inputs: '[{\"type\": \"double\", \"name\": \"alcohol\"}]'\n  outputs: '[{\"type\": \"long\"}]'\n")
UNSIGNED = "artifact_path: model\nflavors:\n  sklearn:\n    pickled_model: model.pkl\n"


def test_mlmodel_signature_is_a_declared_schema(judge) -> None:
    """A committed MLmodel with signature inputs passes (manual: nothing validates against it in CI), with its line."""
    r = judge({"train.py": TRAIN, "model/MLmodel": SIGNED}, "DATA-SCHEMA")
    assert r.status == Status.PASS and r.points == 0.5
    assert any(e.path == "model/MLmodel" and e.line == 5 and "signature" in e.detail for e in r.evidence)


def test_mlmodel_without_signature_is_no_schema(judge) -> None:
    """An MLmodel with no signature declares nothing: data used with no schema still fails."""
    r = judge({"train.py": TRAIN, "model/MLmodel": UNSIGNED}, "DATA-SCHEMA")
    assert r.status == Status.FAIL
