"""An at-scale churn project: DVC pipeline, continuous training, validation, MLflow tracking and registry."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from mlaudit.sample_projects import at_scale_files as F
from mlaudit.sample_projects.gitrepo import BASE_TIME, GitRepo
from mlaudit.sample_projects.mlflow_store import Run, Tracking, mlmodel
from mlaudit.sample_projects.parts import csv_text, fake_sha256, md5, pickle_bytes

NAME = "at_scale"
DESCRIPTION = (
    "Churn model under continuous training: dvc.yaml pipeline with dvc.lock hashes (data not available "
    "locally), pandera validation in CI, a model validation gate, weekly scheduled retraining, deploy "
    "workflow with an Argo canary rollout, dependabot, uv.lock, MLflow runs in mlruns/ and mlflow.db with "
    "a registered model (three versions, alias champion), Prometheus metrics and Evidently drift monitoring."
)

PLANTED: dict[str, str] = {
    "REPRO-VCS": "pass",
    "REPRO-DEPS-PINNED": "pass",
    "REPRO-LOCKFILE": "pass",
    "REPRO-PYTHON": "pass",
    "REPRO-SEEDS": "pass",
    "REPRO-PARAMS": "pass",
    "REPRO-PIPELINE": "pass",
    "REPRO-BINARIES": "pass",
    "REPRO-DATA-VERSIONED": "pass",
    "DATA-VALIDATION": "pass",
    "DATA-SCHEMA": "pass",
    "DRIFT-MONITORING": "pass",
    "INFRA-CI": "pass",
    "INFRA-TESTS": "pass",
    "INFRA-TRACKING": "pass",
    "INFRA-CT": "pass",
    "INFRA-CD": "pass",
    "INFRA-SERVING": "pass",
    "INFRA-ROLLBACK": "pass",
    "INFRA-DEP-UPDATES": "pass",
    "MON-PRODUCTION": "pass",
    "MON-SKEW": "pass",
    "MON-NUMERIC": "pass",
    "MON-INPUT-INVARIANTS": "pass",
    "LEAK-CODE-PREPROCESS": "pass",
    "LEAK-CODE-OVERSAMPLE": "pass",
    "LEAK-CODE-MULTITEST": "pass",
    "LEAK-CODE-TEST-STATS": "pass",
    "MODEL-UNSAFE": "pass",
    "MODEL-REGISTRY": "pass",
    "MODEL-METRICS": "pass",
    "MODEL-VALIDATION-GATE": "pass",
    "MODEL-LIB-MISMATCH": "pass",
    "MODEL-BASELINE": "pass",
    "MODEL-SLICES": "pass",
    "MODEL-TUNING": "fail",
}

SEED = 1234
FEATURES = ["tenure_months", "monthly_spend", "sessions_per_week", "region_code"]
REGIONS = ["north", "south", "east", "west"]
# (rows of the raw snapshot, n_estimators, max_depth) per training run
RELEASES = [(1200, 40, 2), (1500, 60, 3), (1800, 60, 3)]

# package -> (range in pyproject, version in uv.lock); scikit-learn/pandas/numpy follow the installed ones
PACKAGES = {
    "dvc": (">=3.50", "3.51.2"), "evidently": (">=0.4,<0.5", "0.4.33"), "fastapi": (">=0.110", "0.111.0"),
    "mlflow": (">=2.14,<3", "2.14.1"), "pandera": (">=0.19", "0.20.3"), "prometheus-client": (">=0.20", "0.20.0"),
    "pydantic": (">=2.7", "2.7.4"), "pyyaml": (">=6", "6.0.1"), "uvicorn": (">=0.30", "0.30.1"),
}


def packages() -> dict[str, tuple[str, str]]:
    """PACKAGES plus numpy, pandas and scikit-learn locked at the versions that wrote the models."""
    import sklearn

    return PACKAGES | {"numpy": (">=1.26", np.__version__), "pandas": (">=2.1", pd.__version__),
                       "scikit-learn": (">=1.3", sklearn.__version__)}


def pyproject() -> str:
    deps = "\n".join(f'    "{name}{spec}",' for name, (spec, _) in sorted(packages().items()))
    return F.PYPROJECT.format(deps=deps)


def uv_lock() -> str:
    """A uv.lock consistent with pyproject.toml: every dependency locked with a hash."""
    pkgs = sorted(packages().items())
    lines = ['version = 1', 'requires-python = ">=3.11, <3.12"', ""]
    lines += ['[[package]]', 'name = "churn-at-scale"', 'version = "0.3.0"', 'source = { editable = "." }',
              "dependencies = ["]
    lines += [f'    {{ name = "{name}" }},' for name, _ in pkgs]
    lines += ["]", "", "[package.metadata]", "requires-dist = ["]
    lines += [f'    {{ name = "{name}", specifier = "{spec}" }},' for name, (spec, _) in pkgs]
    lines += ["]", ""]
    for name, (_, version) in pkgs:
        stem = name.replace("-", "_")
        lines += [
            "[[package]]", f'name = "{name}"', f'version = "{version}"',
            'source = { registry = "https://pypi.org/simple" }',
            (f'sdist = {{ url = "https://files.pythonhosted.org/packages/source/{name[0]}/{name}/{stem}-{version}.tar.gz", '
            f'hash = "sha256:{fake_sha256(name, version, "sdist")}" }}'),
            "wheels = [",
            (f'    {{ url = "https://files.pythonhosted.org/packages/py3/{name[0]}/{name}/{stem}-{version}-py3-none-any.whl", '
            f'hash = "sha256:{fake_sha256(name, version, "wheel")}" }},'),
            "]", "",
        ]
    return "\n".join(lines)


def raw_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """A raw snapshot of ``n`` customer events over 2023-2024 (never committed: DVC tracks it)."""
    day = np.sort(rng.integers(0, 730, size=n))
    tenure = rng.integers(0, 120, size=n)
    spend = rng.gamma(4.0, 15.0, size=n)
    sessions = rng.normal(6, 2, size=n).clip(0, 40)
    region = rng.choice(REGIONS, size=n)
    logit = -0.8 + 0.02 * (spend - 60) - 0.3 * (sessions - 6) - 0.01 * tenure
    return pd.DataFrame({
        "customer_id": np.arange(1, n + 1),
        "event_date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d"),
        "tenure_months": tenure, "monthly_spend": np.round(spend, 2), "sessions_per_week": np.round(sessions, 1),
        "region": region, "churned": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int),
    })


def features(df: pd.DataFrame) -> pd.DataFrame:
    out = df[["tenure_months", "monthly_spend", "sessions_per_week"]].astype(float)
    out["region_code"] = df["region"].map({r: i for i, r in enumerate(REGIONS)})
    return out[FEATURES]


def train(raw: pd.DataFrame, n_estimators: int, max_depth: int) -> tuple[bytes, dict[str, float]]:
    """Train on events before 2024 and score on 2024, as the pipeline does."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import accuracy_score, roc_auc_score

    before = raw["event_date"] < "2024-01-01"
    tr, te = raw[before], raw[~before]
    model = GradientBoostingClassifier(random_state=SEED, n_estimators=n_estimators, max_depth=max_depth,
                                       learning_rate=0.1).fit(features(tr), tr["churned"])
    proba = model.predict_proba(features(te))[:, 1]
    metrics = {"accuracy": round(float(accuracy_score(te["churned"], proba > 0.5)), 4),
               "roc_auc": round(float(roc_auc_score(te["churned"], proba)), 4)}
    return pickle_bytes(model), metrics


def dvc_file(raw: bytes) -> str:
    return f"outs:\n- md5: {md5(raw)}\n  size: {len(raw)}\n  hash: md5\n  path: raw.csv\n"


def dvc_lock(sources: dict[str, str], raw: bytes, model: bytes, metrics: str, n_est: int, depth: int) -> str:
    """dvc.lock (schema 2.0) with the md5 of every dependency and output of the three stages."""
    def dep(path: str, data: bytes) -> str:
        return f"    - path: {path}\n      hash: md5\n      md5: {md5(data)}\n      size: {len(data)}\n"

    prepared = hashlib.md5(b"prepared" + raw).hexdigest() + ".dir"
    src = {p: sources[p].encode() for p in sources}
    return (
        "schema: '2.0'\nstages:\n"
        "  prepare:\n    cmd: python -m churn.prepare\n    deps:\n" + dep("data/raw.csv", raw)
        + dep("src/churn/prepare.py", src["src/churn/prepare.py"]) + dep("src/churn/schema.py", src["src/churn/schema.py"])
        + "    params:\n      params.yaml:\n        prepare:\n          split_date: '2024-01-01'\n          test_size: 0.2\n"
        + f"    outs:\n    - path: data/prepared\n      hash: md5\n      md5: {prepared}\n      size: {len(raw) + 120}\n      nfiles: 2\n"
        "  train:\n    cmd: python -m churn.train\n    deps:\n"
        + f"    - path: data/prepared\n      hash: md5\n      md5: {prepared}\n      size: {len(raw) + 120}\n      nfiles: 2\n"
        + dep("src/churn/features.py", src["src/churn/features.py"]) + dep("src/churn/train.py", src["src/churn/train.py"])
        + f"    params:\n      params.yaml:\n        seed: {SEED}\n        train:\n          learning_rate: 0.1\n"
        + f"          max_depth: {depth}\n          n_estimators: {n_est}\n"
        + "    outs:\n" + dep("models/model.pkl", model)
        + "  evaluate:\n    cmd: python -m churn.evaluate\n    deps:\n"
        + f"    - path: data/prepared\n      hash: md5\n      md5: {prepared}\n      size: {len(raw) + 120}\n      nfiles: 2\n"
        + dep("models/model.pkl", model) + dep("src/churn/evaluate.py", src["src/churn/evaluate.py"])
        + "    params:\n      params.yaml:\n        evaluate:\n          min_accuracy: 0.7\n"
        + "    outs:\n" + dep("metrics.json", metrics.encode())
    )


def sources() -> dict[str, str]:
    return {
        "src/churn/__init__.py": F.INIT, "src/churn/schema.py": F.SCHEMA, "src/churn/features.py": F.FEATURES,
        "src/churn/prepare.py": F.PREPARE, "src/churn/train.py": F.TRAIN, "src/churn/evaluate.py": F.EVALUATE,
        "src/churn/serve.py": F.SERVE, "src/churn/monitoring.py": F.MONITORING,
    }


def layout() -> dict[str, str | bytes]:
    """Everything committed in the first commit except data pointers and params."""
    return {
        "README.md": F.README, "pyproject.toml": pyproject(), "uv.lock": uv_lock(), ".python-version": F.PYTHON_VERSION,
        ".gitignore": F.ROOT_GITIGNORE, "dvc.yaml": F.DVC_YAML, ".dvc/config": F.DVC_CONFIG,
        ".dvc/.gitignore": F.DVC_GITIGNORE, ".dvcignore": "", "data/.gitignore": F.DATA_GITIGNORE,
        "Dockerfile": F.DOCKERFILE, "tests/test_features.py": F.TEST_FEATURES, "tests/test_schema.py": F.TEST_SCHEMA,
        "tests/test_model_quality.py": F.TEST_MODEL_QUALITY, ".github/workflows/ci.yml": F.CI,
        ".github/workflows/retrain.yml": F.RETRAIN, ".github/workflows/deploy.yml": F.DEPLOY,
        ".github/dependabot.yml": F.DEPENDABOT, "k8s/rollout.yaml": F.ROLLOUT,
        "monitoring/prometheus.yml": F.PROMETHEUS, "monitoring/alerts.yml": F.ALERTS, **sources(),
    }


def build(dest: Path) -> Path:
    """Build the repo at ``dest`` and return its root."""
    import sklearn

    rng = np.random.default_rng(SEED)
    repo = GitRepo(dest)
    tracking = Tracking(created_ms=BASE_TIME * 1000)
    first = RELEASES[0]
    raws = [csv_text(raw_frame(rng, n)).encode() for n, _, _ in RELEASES]
    repo.commit("Project layout: DVC pipeline, CI, retraining, deployment, monitoring", {
        **layout(), "params.yaml": F.PARAMS.format(n_estimators=first[1], max_depth=first[2]),
        "data/raw.csv.dvc": dvc_file(raws[0]),
    })
    for i, ((_, n_est, depth), raw) in enumerate(zip(RELEASES, raws, strict=True), start=1):
        if i > 1:
            repo.commit(f"Data snapshot {i}", {
                "data/raw.csv.dvc": dvc_file(raw),
                "params.yaml": F.PARAMS.format(n_estimators=n_est, max_depth=depth),
            })
        model, metrics = train(pd.read_csv(io.BytesIO(raw)), n_est, depth)
        metrics_text = json.dumps(metrics, indent=2) + "\n"
        run_id = hashlib.md5(f"churn-run-{i}".encode()).hexdigest()
        start_ms = (BASE_TIME + repo.tick * 3600 + 600) * 1000
        created = datetime.fromtimestamp(start_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        tracking.runs.append(Run(
            run_id=run_id, name=f"weekly-retrain-{i}", start_ms=start_ms, git_commit=repo.git("rev-parse", "HEAD"),
            params={"n_estimators": str(n_est), "max_depth": str(depth), "learning_rate": "0.1"},
            metrics=metrics, model_bytes=model, version=i,
            mlmodel=mlmodel(run_id, len(model), created, sklearn.__version__, FEATURES),
        ))
        tracking.champion = i
        repo.commit(f"Training run {i}: register churn-classifier version {i}", {
            "dvc.lock": dvc_lock(sources(), raw, model, metrics_text, n_est, depth),
            "metrics.json": metrics_text, "mlflow.db": tracking.sqlite_bytes(), **tracking.files(),
        })
        repo.tag(f"v1.{i - 1}", annotated=True)
    return repo.root
