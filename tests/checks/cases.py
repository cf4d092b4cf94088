"""Small repositories that make each practice check pass, fail, or give unknown / not applicable."""

from __future__ import annotations

TRAIN_SEEDED = """\
import random
import numpy as np
import yaml
from sklearn.ensemble import RandomForestClassifier
p = yaml.safe_load(open("params.yaml"))
random.seed(p["seed"])
np.random.seed(p["seed"])
model = RandomForestClassifier(random_state=p["seed"], **p["model"])
model.fit([[0], [1]], [0, 1])
"""
TRAIN_BAD = """\
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
X = np.random.rand(10, 2)
X_train, X_test = train_test_split(X)
LogisticRegression(C=0.5, max_iter=300).fit(X_train, [0, 1] * 2)
"""
TRAIN_MIXED = TRAIN_SEEDED + "from sklearn.model_selection import train_test_split\na, b = train_test_split([1, 2, 3])\n" \
    "from sklearn.svm import SVC\nSVC(C=2.0).fit([[0]], [0])\nrng = np.random.default_rng()\n"  # a new, unseeded generator
PARAMS = "seed: 1\nmodel:\n  n_estimators: 10\n"
PY2 = "print 'hello'\n" + "f = lambda (x, y): x\n" * 4  # Python 2 beyond what the tolerant parse path recovers
README = {"README.md": "# notes\n"}
PUSH_CI = "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-22.04\n    steps:\n      - run: {cmd}\n"
SCHEDULE_CI = "on:\n  schedule:\n    - cron: '0 3 * * 1'\njobs:\n  retrain:\n    runs-on: ubuntu-22.04\n    steps:\n      - run: {cmd}\n"
DISPATCH_CI = "on: workflow_dispatch\njobs:\n  retrain:\n    runs-on: ubuntu-22.04\n    steps:\n      - run: {cmd}\n"
SCHEMA_PY = "import pandera as pa\nSCHEMA = pa.DataFrameSchema({'age': pa.Column(int)})\n\ndef validate(df):\n    return SCHEMA.validate(df)\n"
APP = """\
import joblib
from fastapi import FastAPI
from pydantic import BaseModel, Field
app = FastAPI()
MODEL = joblib.load("model.joblib")

class Row(BaseModel):
    age: int = Field(ge=0)

@app.post("/predict")
def predict(row: Row):
    return {"p": float(MODEL.predict([[row.age]])[0])}
"""
APP_PER_REQUEST = """\
import joblib
from fastapi import FastAPI
app = FastAPI()

@app.post("/predict")
def predict(payload: dict):
    model = joblib.load("model.joblib")
    return {"p": model.predict([payload["x"]])}
"""
APP_TWO_HANDLERS = APP + """
@app.post("/explain")
def explain(payload: dict):
    return {"features": list(payload)}
"""
APP_LOGGING = APP.replace("    return {", "    log.info('prediction %s', row)\n    return {").replace(
    "import joblib\n", "import joblib\nimport logging\nlog = logging.getLogger('p')\n")
APP_PROM = APP_LOGGING.replace("import joblib\n", "import joblib\nfrom prometheus_client import Counter\nC = Counter('p', 'p')\n")
ALERTS = "groups:\n  - name: model\n    rules:\n      - alert: LatencyHigh\n        expr: latency > 1\n"
ROLLOUT = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec:\n  strategy:\n    canary:\n      steps:\n        - setWeight: 10\n"
DEPENDABOT = "version: 2\nupdates:\n  - package-ecosystem: {eco}\n    directory: /\n    schedule:\n      interval: weekly\n"
UV_LOCK = 'version = 1\n[[package]]\nname = "numpy"\nversion = "1.26.4"\n[[package]]\nname = "pandas"\nversion = "2.2.0"\n'
PYPROJECT = '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = ["numpy>=1.26", "pandas>=2"]\n'
DATA = {"data/train.csv": "age,y\n1,0\n2,1\n"}

# (check id, files, expected status, expected points or None)
CASES: list[tuple[str, dict[str, str], str, float | None]] = [
    ("REPRO-DEPS-PINNED", {"requirements.txt": "numpy==1.26.4\npandas==2.2.0\n", "train.py": TRAIN_SEEDED}, "pass", 1),
    ("REPRO-DEPS-PINNED", {"pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK, "train.py": "x = 1\n"}, "pass", 1),
    ("REPRO-DEPS-PINNED", {"requirements.txt": "numpy==1.26.4\npandas>=2\nscipy==1.13.0\n"}, "warn", 0.5),
    ("REPRO-DEPS-PINNED", {"requirements.txt": "numpy\npandas>=2\n"}, "fail", 0),
    ("REPRO-DEPS-PINNED", {"train.py": TRAIN_SEEDED}, "fail", 0),
    ("REPRO-DEPS-PINNED", {"pyproject.toml": "[project\nname=", "train.py": "x = 1\n"}, "unknown", None),
    ("REPRO-DEPS-PINNED", README, "not applicable", None),
    ("REPRO-LOCKFILE", {"pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK}, "pass", 1),
    ("REPRO-LOCKFILE", {"requirements.txt": "numpy==1.26.4 \\\n    --hash=sha256:abc\n"}, "pass", 1),
    ("REPRO-LOCKFILE", {"pyproject.toml": PYPROJECT.replace('"pandas>=2"', '"pandas>=2", "scipy"'), "uv.lock": UV_LOCK}, "warn", 0.5),
    ("REPRO-LOCKFILE", {"requirements.txt": "numpy==1.26.4\n"}, "warn", 0.5),
    ("REPRO-LOCKFILE", {"requirements.txt": "numpy\n"}, "fail", 0),
    ("REPRO-LOCKFILE", README, "not applicable", None),
    ("REPRO-PYTHON", {".python-version": "3.11.9\n", "train.py": "x = 1\n"}, "pass", 1),
    ("REPRO-PYTHON", {"Dockerfile": "FROM python:3.12.4-slim\n", "app.py": "x = 1\n"}, "pass", 1),
    ("REPRO-PYTHON", {"pyproject.toml": PYPROJECT}, "warn", 0.5),
    ("REPRO-PYTHON", {"train.py": "x = 1\n"}, "fail", 0),
    ("REPRO-PYTHON", README, "not applicable", None),
    ("REPRO-SEEDS", {"train.py": TRAIN_SEEDED}, "pass", 1),
    ("REPRO-SEEDS", {"train.py": TRAIN_MIXED}, "warn", 0.5),
    ("REPRO-SEEDS", {"train.py": TRAIN_BAD}, "fail", 0),
    ("REPRO-SEEDS", {"train.py": PY2}, "unknown", None),
    ("REPRO-SEEDS", {"util.py": "x = 1\n"}, "not applicable", None),
    ("REPRO-PARAMS", {"train.py": TRAIN_SEEDED, "params.yaml": PARAMS}, "pass", 1),
    ("REPRO-PARAMS", {"train.py": TRAIN_MIXED, "params.yaml": PARAMS}, "warn", 0.5),
    ("REPRO-PARAMS", {"train.py": TRAIN_BAD}, "fail", 0),
    ("REPRO-PARAMS", {"train.py": PY2}, "unknown", None),
    ("REPRO-PARAMS", {"util.py": "x = 1\n"}, "not applicable", None),
    ("REPRO-PIPELINE", {"train.py": TRAIN_SEEDED, ".github/workflows/ci.yml": PUSH_CI.format(cmd="python train.py")}, "pass", 1),
    ("REPRO-PIPELINE", {"train.py": TRAIN_SEEDED, "Makefile": "train:\n\tpython train.py\n"}, "pass", 0.5),
    ("REPRO-PIPELINE", {"train.py": TRAIN_BAD}, "fail", 0),
    ("REPRO-PIPELINE", README, "not applicable", None),
    ("DATA-VALIDATION", {"schema.py": SCHEMA_PY, **DATA,
                         ".github/workflows/ci.yml": PUSH_CI.format(cmd="python -c 'import schema' # validate data")}, "pass", 1),
    ("DATA-VALIDATION", {"schema.py": SCHEMA_PY, **DATA}, "warn", 0.5),
    ("DATA-VALIDATION", {"train.py": TRAIN_BAD, **DATA, "app.py": APP}, "fail", 0),
    ("DATA-VALIDATION", {"train.py": PY2}, "unknown", None),
    ("DATA-VALIDATION", README, "not applicable", None),
    ("DATA-SCHEMA", {"schema.py": SCHEMA_PY, **DATA}, "pass", 0.5),
    ("DATA-SCHEMA", {"data/train.schema.json": "{}", **DATA}, "pass", 0.5),
    ("DATA-SCHEMA", {"train.py": TRAIN_BAD, **DATA}, "fail", 0),
    ("DATA-SCHEMA", {"train.py": PY2}, "unknown", None),
    ("DATA-SCHEMA", README, "not applicable", None),
    ("INFRA-CI", {".github/workflows/ci.yml": PUSH_CI.format(cmd="pytest")}, "pass", 1),
    ("INFRA-CI", {".gitlab-ci.yml": "test:\n  script:\n    - pytest\n"}, "pass", 1),
    ("INFRA-CI", {".github/workflows/nightly.yml": SCHEDULE_CI.format(cmd="pytest")}, "warn", 0.5),
    ("INFRA-CI", {"train.py": TRAIN_BAD}, "fail", 0),
    ("INFRA-CI", {".github/workflows/ci.yml": "on: [push\njobs: {"}, "unknown", None),
    ("INFRA-TESTS", {"tests/test_x.py": "def test_a():\n    assert sum([1, 2]) == 3\n", ".github/workflows/ci.yml": PUSH_CI.format(cmd="pytest -q")}, "pass", 1),
    ("INFRA-TESTS", {"tests/test_x.py": "def test_a():\n    assert sum([1, 2]) == 3\n"}, "warn", 0.5),
    ("INFRA-TESTS", {"tests/test_x.py": "def test_a():\n    assert 1\n", ".github/workflows/ci.yml": PUSH_CI.format(cmd="pytest -q")}, "fail", 0),
    ("INFRA-TESTS", {"train.py": TRAIN_BAD}, "fail", 0),
    ("INFRA-TESTS", README, "not applicable", None),
    ("INFRA-TRACKING", {"train.py": TRAIN_SEEDED + "import mlflow\nmlflow.log_params(p)\n"}, "pass", 1),
    ("INFRA-TRACKING", {"train.py": TRAIN_SEEDED, "mlruns/0/meta.yaml": "name: Default\n"}, "warn", 0.5),
    ("INFRA-TRACKING", {"train.py": TRAIN_BAD}, "fail", 0),
    ("INFRA-TRACKING", {"train.py": PY2}, "unknown", None),
    ("INFRA-TRACKING", {"util.py": "x = 1\n"}, "not applicable", None),
    ("INFRA-CT", {"train.py": TRAIN_SEEDED, ".github/workflows/retrain.yml": SCHEDULE_CI.format(cmd="python train.py")}, "pass", 1),
    ("INFRA-CT", {"train.py": TRAIN_SEEDED, ".github/workflows/retrain.yml": DISPATCH_CI.format(cmd="python train.py")}, "warn", 0.5),
    ("INFRA-CT", {"train.py": TRAIN_SEEDED, "Makefile": "train:\n\tpython train.py\n"}, "fail", 0),
    ("INFRA-CT", {"util.py": "x = 1\n"}, "not applicable", None),
    ("INFRA-CD", {".github/workflows/deploy.yml": PUSH_CI.format(cmd="docker push ghcr.io/x/model:1")}, "pass", 1),
    ("INFRA-CD", {"Dockerfile": "FROM python:3.11.9\nCMD [\"uvicorn\", \"app:app\"]\n"}, "warn", 0.5),
    ("INFRA-CD", {"train.py": TRAIN_BAD}, "fail", 0),
    ("INFRA-CD", {".github/workflows/deploy.yml": "on: [push\n"}, "unknown", None),
    ("INFRA-SERVING", {"app.py": APP}, "pass", 1),
    ("INFRA-SERVING", {"app.py": APP_PER_REQUEST}, "warn", 0.5),
    ("INFRA-SERVING", {"train.py": TRAIN_BAD}, "fail", 0),
    ("INFRA-SERVING", {"app.py": PY2}, "unknown", None),
    ("INFRA-ROLLBACK", {"app.py": APP, "k8s/rollout.yaml": ROLLOUT}, "pass", 1),
    ("INFRA-ROLLBACK", {"app.py": APP}, "fail", 0),
    ("INFRA-ROLLBACK", {"train.py": TRAIN_BAD}, "not applicable", None),
    ("INFRA-DEP-UPDATES", {"requirements.txt": "numpy\n", ".github/dependabot.yml": DEPENDABOT.format(eco="pip")}, "pass", 1),
    ("INFRA-DEP-UPDATES", {"requirements.txt": "numpy\n", "renovate.json": "{}"}, "pass", 1),
    ("INFRA-DEP-UPDATES", {"requirements.txt": "numpy\n", ".github/dependabot.yml": DEPENDABOT.format(eco="github-actions")}, "warn", 0.5),
    ("INFRA-DEP-UPDATES", {"requirements.txt": "numpy\n"}, "fail", 0),
    ("INFRA-DEP-UPDATES", README, "not applicable", None),
    ("MON-PRODUCTION", {"app.py": APP_PROM, "monitoring/alerts.yml": ALERTS}, "pass", 1),
    ("MON-PRODUCTION", {"app.py": APP_LOGGING}, "warn", 0.5),
    ("MON-PRODUCTION", {"app.py": APP_PROM.replace("import joblib\n", "import joblib\nimport sentry_sdk\n")}, "pass", 1),
    ("MON-PRODUCTION", {"app.py": APP}, "fail", 0),
    ("MON-PRODUCTION", {"train.py": TRAIN_BAD}, "not applicable", None),
    ("MON-INPUT-INVARIANTS", {"app.py": APP}, "pass", 1),
    ("MON-INPUT-INVARIANTS", {"app.py": APP_TWO_HANDLERS}, "warn", 0.5),
    ("MON-INPUT-INVARIANTS", {"app.py": APP_PER_REQUEST}, "fail", 0),
    ("MON-INPUT-INVARIANTS", {"app.py": "import streamlit as st\nst.write('hi')\n"}, "unknown", None),
    ("MON-INPUT-INVARIANTS", {"train.py": TRAIN_BAD}, "not applicable", None),
]

CASES += [
    ("DATA-VALIDATION", {"data/raw.parquet": "PAR1", "README.md": "x"}, "fail", 0),
    ("DATA-SCHEMA", {"exports/users.csv": "a\n1\n"}, "fail", 0),
]
UV_PROJECT = '[[package]]\nname = "x"\nversion = "1"\nsource = { editable = "." }\n[package.metadata]\nrequires-dist = [\n' \
    '  { name = "numpy", specifier = ">=1.20" },\n  { name = "pandas", specifier = ">=2" },\n]\n'
CASES += [("REPRO-LOCKFILE", {"pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK + UV_PROJECT}, "warn", 0.5)]
CASES += [
    ("INFRA-CT", {"train.py": TRAIN_SEEDED, "k8s/cron.yaml": "kind: CronJob\nspec:\n  schedule: '0 2 * * *'\n  args: [python, train.py]\n"},
     "pass", 1),
    ("INFRA-CT", {"train.py": TRAIN_SEEDED, "flows/train_flow.py": "from prefect import flow\n@flow\ndef train():\n    pass\n"}, "warn", 0.5),
]
# without a scan the store holds no history, so REPRO-BINARIES cannot tell (history cases: test_binaries.py)
CASES += [("REPRO-BINARIES", {"train.py": "x = 1\n"}, "unknown", None)]

# MON-SKEW: training and serving feature code
FEATURES_MOD = """\
import pandas as pd


def build_features(df):
    out = df[["age", "spend"]].astype(float)
    out["ratio"] = out["spend"] / (out["age"] + 1)
    return out
"""
TRAIN_SHARED = "from sklearn.linear_model import LogisticRegression\nfrom features import build_features\n" \
    "import pandas as pd\ndf = pd.read_csv('data/train.csv')\nLogisticRegression().fit(build_features(df), df['y'])\n"
APP_SHARED = APP.replace("import joblib\n", "import joblib\nfrom features import build_features\n")
TRAIN_OWN = TRAIN_SHARED.replace("from features import build_features\n", FEATURES_MOD.replace("import pandas as pd\n", ""))
APP_COPY = APP.replace("import joblib\n", "import joblib\n" + FEATURES_MOD.replace("import pandas as pd\n", ""))
APP_RENAMED_COPY = APP_COPY.replace("def build_features", "def make_inputs")
APP_OWN_VERSION = APP.replace("import joblib\n", "import joblib\n\n\ndef build_features(df):\n    return df[['age', 'spend']] * 2\n")
CASES += [
    ("MON-SKEW", {"features.py": FEATURES_MOD, "train.py": TRAIN_SHARED, "app.py": APP_SHARED}, "pass", 1),
    ("MON-SKEW", {"src/shop/__init__.py": "", "src/shop/features.py": FEATURES_MOD,
                  "src/shop/train.py": TRAIN_SHARED.replace("from features", "from .features"),
                  "src/shop/serve.py": APP_SHARED.replace("from features", "from shop.features")}, "pass", 1),
    ("MON-SKEW", {"train.py": TRAIN_OWN, "app.py": APP_COPY}, "fail", 0),
    ("MON-SKEW", {"train.py": TRAIN_OWN, "app.py": APP_RENAMED_COPY}, "fail", 0),
    ("MON-SKEW", {"train.py": TRAIN_OWN, "app.py": APP_OWN_VERSION}, "fail", 0),
    ("MON-SKEW", {"features.py": FEATURES_MOD, "train.py": TRAIN_SHARED + TRAIN_OWN.split("import pandas as pd\n")[0],
                  "app.py": APP_SHARED.replace("import joblib\n", "import joblib\n" + FEATURES_MOD.replace("build_features", "clean_features"))},
     "warn", 0),
    ("MON-SKEW", {"train.py": TRAIN_OWN, "app.py": APP}, "warn", 0),
    ("MON-SKEW", {"app.py": APP}, "unknown", None),
    ("MON-SKEW", {"train.py": TRAIN_OWN}, "not applicable", None),
]

# Evaluation practices: MODEL-TUNING, MODEL-BASELINE, MODEL-SLICES, MODEL-FAIRNESS
TUNE = "from sklearn.model_selection import GridSearchCV as GS\nfrom sklearn.svm import SVC\n" \
    "search = GS(SVC(), {'C': [0.1, 1, 10]}, cv=5)\nsearch.fit([[0], [1]] * 5, [0, 1] * 5)\n"
OPTUNA = "import optuna\nfrom sklearn.svm import SVC\nstudy = optuna.create_study()\nSVC().fit([[0]], [0])\n"
SWEEP = "method: bayes\nmetric:\n  name: val_loss\nparameters:\n  lr:\n    min: 0.001\n    max: 0.1\n"
BASELINE_EVAL = "from sklearn import dummy\nfrom sklearn.linear_model import LogisticRegression\n" \
    "ref = dummy.DummyClassifier().fit([[0], [1]], [0, 1])\nLogisticRegression().fit([[0], [1]], [0, 1])\n"
BASELINE_KEY = "import json\nfrom sklearn.svm import SVC\nm = SVC().fit([[0], [1]], [0, 1])\n" \
    "\"\"\"No baseline in this docstring counts.\"\"\"\njson.dump({'baseline_auc': 0.5}, open('m.json', 'w'))\n"
DOCSTRING_ONLY = "\"\"\"We should add a baseline some day.\"\"\"\nfrom sklearn.svm import SVC\nSVC().fit([[0], [1]], [0, 1])\n"
SLICE_LOOP = "import pandas as pd\nfrom sklearn.metrics import accuracy_score\nfrom sklearn.svm import SVC\n" \
    "df = pd.read_csv('data/test.csv')\nm = SVC().fit(df[['a']], df['y'])\nfor region, rows in df.groupby('region'):\n" \
    "    print(region, accuracy_score(rows['y'], m.predict(rows[['a']])))\n"
SLICE_APPLY = "import pandas as pd\nfrom sklearn.svm import SVC\nfrom sklearn.metrics import f1_score\n" \
    "df = pd.read_csv('t.csv')\nSVC().fit(df[['a']], df['y'])\nper = df.groupby('seg').apply(lambda g: f1_score(g.y, g.p))\n"
GROUPBY_NO_METRIC = "import pandas as pd\nfrom sklearn.svm import SVC\ndf = pd.read_csv('t.csv')\n" \
    "SVC().fit(df[['a']], df['y'])\nfor k, g in df.groupby('seg'):\n    print(k, len(g))\n"
FAIR = "from fairlearn.metrics import MetricFrame\nfrom sklearn.metrics import recall_score\n" \
    "mf = MetricFrame(metrics=recall_score, y_true=[0, 1], y_pred=[0, 1], sensitive_features=['a', 'b'])\n"
DVC_EVAL = "stages:\n  evaluate:\n    cmd: python -m shop.evaluate\n    deps:\n      - src/shop/evaluate.py\n"
CI_PYTEST = PUSH_CI.format(cmd="pytest -q")
CASES += [
    ("MODEL-TUNING", {"train.py": TUNE, ".github/workflows/ci.yml": PUSH_CI.format(cmd="python train.py")}, "pass", 1),
    ("MODEL-TUNING", {"src/shop/__init__.py": "", "src/shop/evaluate.py": OPTUNA, "dvc.yaml": DVC_EVAL}, "pass", 1),
    ("MODEL-TUNING", {"train.py": TUNE}, "warn", 0.5),
    ("MODEL-TUNING", {"train.py": TRAIN_SEEDED, "sweep.yaml": SWEEP}, "warn", 0.5),
    ("MODEL-TUNING", {"train.py": TRAIN_SEEDED}, "fail", 0),
    ("MODEL-TUNING", {"app.py": APP}, "not applicable", None),
    ("MODEL-TUNING", {"train.py": PY2}, "unknown", None),
    ("MODEL-BASELINE", {"train.py": TRAIN_SEEDED, "tests/test_model.py": BASELINE_EVAL.replace("ref =", "def test_beats():\n    ref =")
                        .replace("\nLogistic", "\n    Logistic"), ".github/workflows/ci.yml": CI_PYTEST}, "pass", 1),
    ("MODEL-BASELINE", {"evaluate.py": BASELINE_EVAL}, "warn", 0.5),
    ("MODEL-BASELINE", {"evaluate.py": BASELINE_KEY}, "warn", 0.5),
    ("MODEL-BASELINE", {"evaluate.py": DOCSTRING_ONLY}, "fail", 0),
    ("MODEL-BASELINE", {"README.md": "# notes\n"}, "not applicable", None),
    ("MODEL-SLICES", {"evaluate.py": SLICE_LOOP, "Makefile": "eval:\n\tpython evaluate.py\n"}, "pass", 1),
    ("MODEL-SLICES", {"evaluate.py": SLICE_APPLY}, "warn", 0.5),
    ("MODEL-SLICES", {"evaluate.py": GROUPBY_NO_METRIC}, "fail", 0),
    ("MODEL-SLICES", {"app.py": APP}, "not applicable", None),
    ("MODEL-FAIRNESS", {"train.py": TRAIN_SEEDED, "fairness.py": FAIR, ".github/workflows/ci.yml": PUSH_CI.format(cmd="python fairness.py")},
     "pass", 1),
    ("MODEL-FAIRNESS", {"train.py": TRAIN_SEEDED, "fairness.py": FAIR}, "warn", 0.5),
    ("MODEL-FAIRNESS", {"train.py": TRAIN_SEEDED}, "fail", 0),
    ("MODEL-FAIRNESS", {"README.md": "# notes\n"}, "not applicable", None),
]
NAN_GUARD = TRAIN_SEEDED + "loss = 0.5\nassert np.isfinite(loss), 'training diverged'\n"
NAN_CLEANING = TRAIN_SEEDED + "x = np.array([1.0, np.nan])\nx = x[~np.isnan(x)]\n"
KERAS_NAN = "from tensorflow import keras\nmodel = keras.Sequential()\nmodel.fit([[0]], [0], callbacks=[keras.callbacks.TerminateOnNaN()])\n"
CASES += [
    ("MON-NUMERIC", {"train.py": NAN_GUARD, "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n"}, "pass", 1),
    ("MON-NUMERIC", {"train.py": KERAS_NAN}, "warn", 0.5),
    ("MON-NUMERIC", {"train.py": NAN_CLEANING}, "fail", 0),
    ("MON-NUMERIC", {"README.md": "# notes\n"}, "not applicable", None),
]
