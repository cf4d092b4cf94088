"""Code facts from ast over scripts and notebook cells, and unreadable sources recorded with a reason."""

from __future__ import annotations

import json

import pytest

from mlaudit.scanners.code import code_facts

SEEDS = """\
import random, torch
import numpy as np
import tensorflow as tf
from numpy.random import default_rng
from sklearn.model_selection import KFold, train_test_split
from sklearn.ensemble import RandomForestClassifier as RFC
random.seed(0)
torch.manual_seed(0)
tf.random.set_seed(0)
rng = default_rng(0)
bad = default_rng()
x = np.random.rand(3)
a, b = train_test_split([1, 2], random_state=0)
c, d = train_test_split([1, 2])
KFold(5, shuffle=True)
KFold(5)
RFC(n_estimators=100, max_depth=3, n_jobs=-1)
RFC(**params)
df.sample(frac=0.5)
RFC(random_state=None)
"""

SERVE = """\
import joblib, logging
from flask import Flask, request
from fastapi import FastAPI
from pydantic import BaseModel
from prometheus_client import Histogram
log = logging.getLogger(__name__)
app = FastAPI()
web = Flask(__name__)
MODEL = joblib.load("m.joblib")

class Item(BaseModel):
    x: float

@app.on_event("startup")
def boot():
    global M2
    M2 = joblib.load("m2.joblib")

@app.post("/score")
async def score(item: Item):
    log.info("prediction %s", item)
    return MODEL.predict([[item.x]])

@web.route("/legacy", methods=["POST"])
def legacy(payload):
    m = joblib.load("m.joblib")
    if "x" not in payload:
        raise ValueError("x missing")
    return m.predict([[payload["x"]]])
"""


def facts_of(tree_of, files: dict[str, str]) -> dict:
    return code_facts(tree_of(files))


def test_seeds_and_unseeded_call_sites(tree_of) -> None:
    """Seeding calls, seeded generators and estimators, and unseeded sites are found with their lines."""
    facts = facts_of(tree_of, {"train.py": SEEDS})
    assert [(s["lib"], s["line"]) for s in facts["seeds"]] == [("random", 7), ("torch", 8), ("tensorflow", 9), ("numpy", 10)]
    assert [(u["call"], u["line"]) for u in facts["unseeded"]] == [
        ("numpy.random.default_rng", 11), ("train_test_split", 14), ("KFold", 15), ("RandomForestClassifier", 17),
        ("RandomForestClassifier", 18), ("DataFrame.sample", 19), ("RandomForestClassifier", 20)]
    assert [r["line"] for r in facts["random_state"]] == [13]  # RFC(**params): params is not visible, so not seeded
    assert [(r["lib"], r["line"]) for r in facts["rng_use"]] == [("numpy", 12)]
    assert facts["hyper_literals"] == [{"path": "train.py", "line": 17, "cell": None, "call": "RandomForestClassifier",
                                        "names": ["n_estimators", "max_depth"], "training": True}]


def test_tracking_validation_schemas_and_params(tree_of) -> None:
    """Tracking calls, validation libraries, schema declarations, asserts and config reads are recorded."""
    code = """\
import mlflow, wandb, yaml
import pandera as pa
from dvclive import Live
import great_expectations as gx
cfg = yaml.safe_load(open("conf/train.yaml"))
schema = pa.DataFrameSchema({"a": pa.Column(int)})
class Rows(pa.DataFrameModel):
    a: int
mlflow.log_metric("acc", 1.0)
wandb.init(project="x")
with Live() as live:
    pass
assert set(df.columns) == {"a"}
json.dump(m, open("metrics.json", "w"))
"""
    facts = facts_of(tree_of, {"pipeline/run.py": code})
    assert sorted({t["tool"] for t in facts["tracking"] if t["via"] == "call"}) == ["dvclive", "mlflow", "wandb"]
    assert sorted({v["tool"] for v in facts["validation"]}) == ["assert", "great_expectations", "pandera"]
    assert [(s["name"], s["line"]) for s in facts["schemas"]] == [("pandera.DataFrameSchema", 6), ("Rows", 7)]
    assert [p["source"] for p in facts["params_reads"] if p["via"] == "file"] == ["conf/train.yaml"]


def test_serving_handlers_model_loads_and_monitoring(tree_of) -> None:
    """Handlers, their input validation, model-load placement, prediction logs and metrics are found."""
    facts = facts_of(tree_of, {"serve.py": SERVE})
    assert {s["framework"] for s in facts["serving"]} == {"fastapi", "flask"}
    assert [(h["name"], h["validated"], h["is_async"]) for h in facts["handlers"]] == [
        ("score", "pydantic", True), ("legacy", "explicit", False)]
    assert [(m["line"], m["placement"]) for m in facts["model_loads"]] == [(9, "module"), (17, "startup"), (26, "handler")]
    assert [p["line"] for p in facts["prediction_logs"]] == [21]
    assert {m["tool"] for m in facts["monitoring"]} == {"prometheus"}


def test_test_files_and_kinds(tree_of) -> None:
    """Test files are counted by kind; what they import is not the project's practice, except a data-validation
    suite (pandera here), which is kept and marked as living in the tests."""
    facts = facts_of(tree_of, {
        "tests/test_feat.py": "def test_a():\n    assert add(1) == 2\n",
        "tests/test_data.py": "import pandera\ndef test_b():\n    validate(read_csv('x'))\n",
        "tests/test_model.py": "import mlflow\ndef test_c():\n    assert model.predict([1])\n",
        "tests/helpers.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
    })
    assert [(t["path"], t["kinds"]) for t in facts["tests"]] == [
        ("tests/test_data.py", ["code", "data"]), ("tests/test_feat.py", ["code"]), ("tests/test_model.py", ["code", "model"])]
    assert facts["tracking"] == []
    assert [(v["path"], v["tool"], v["in_tests"]) for v in facts["validation"]] == [("tests/test_data.py", "pandera", True)]


def test_notebook_cells_share_imports_and_point_at_cells(tree_of) -> None:
    """A notebook is one module: imports of early cells resolve later calls; evidence names cell and line."""
    nb = {"cells": [{"cell_type": "markdown", "source": "# t"},
                    {"cell_type": "code", "source": "%matplotlib inline\nimport numpy as np"},
                    {"cell_type": "code", "source": "x = 1\nnp.random.seed(3)"}]}
    facts = facts_of(tree_of, {"nb.ipynb": json.dumps(nb)})
    assert [(s["line"], s["cell"]) for s in facts["seeds"]] == [(2, 2)]


def test_notebook_with_a_broken_cell_still_reads_the_others(tree_of) -> None:
    """When one cell does not parse, the others are analysed and the broken cell is recorded."""
    nb = {"cells": [{"cell_type": "code", "source": "import random"}, {"cell_type": "code", "source": "def f(:\n"},
                    {"cell_type": "code", "source": "random.seed(1)"}]}
    facts = facts_of(tree_of, {"nb.ipynb": json.dumps(nb)})
    assert [(s["cell"], s["call"]) for s in facts["seeds"]] == [(2, "random.seed")]
    assert [(u["cell"], u["reason"].split(" (")[0]) for u in facts["unreadable"]] == [(1, "syntax error")]


@pytest.mark.parametrize("content, reason", [
    ("print 'hi'\n" + "lambda (x, y): x\n" * 4, "Python 2 syntax"), ("x = (\n", "syntax error"), ("x = 1\0\n", "the file contains null bytes"),
])
def test_unreadable_sources_are_recorded(tree_of, content: str, reason: str) -> None:
    """Python 2, syntax errors and null bytes are recorded as unreadable with the reason, never raised."""
    facts = facts_of(tree_of, {"bad.py": content, "good.py": "import random\nrandom.seed(1)\n"})
    assert [u["reason"].startswith(reason) for u in facts["unreadable"]] == [True]
    assert facts["files"] == 1 and len(facts["seeds"]) == 1
