"""Models declared by a DVC pipeline, read from dvc.yaml and dvc.lock without the DVC cache."""

from __future__ import annotations

from mlaudit.scanners.pipeline import pipeline_facts

DVC_YAML = """\
artifacts:
  churn:
    path: models/model.pkl
    type: model
stages:
  featurize:
    cmd: python featurize.py
    deps: [data/raw.csv, featurize.py]
    outs: [data/features.csv]
  train:
    cmd: python train.py
    deps: [data/features.csv, train.py]
    params: [train.n_estimators]
    outs: [models/model.pkl]
    metrics: [{scores.json: {cache: false}}]
metrics:
  - eval/metrics.json
"""
DVC_LOCK = """\
schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data/features.csv
      md5: aaa
    - path: train.py
      md5: bbb
    params:
      params.yaml:
        train.n_estimators: 100
    outs:
    - path: models/model.pkl
      md5: ccc
"""


def test_a_hashed_model_out_is_a_declared_model_version(tree_of) -> None:
    """The train stage's model out: its md5 and its deps' md5 from dvc.lock, params, metrics, artifact name."""
    facts = pipeline_facts(tree_of({"dvc.yaml": DVC_YAML, "dvc.lock": DVC_LOCK, "params.yaml": "train:\n  n_estimators: 100\n"}))
    assert facts["dvc"]["models"] == [{
        "path": "models/model.pkl", "stage": "train", "md5": "ccc",
        "deps": [{"path": "data/features.csv", "md5": "aaa"}, {"path": "train.py", "md5": "bbb"}],
        "params": ["params.yaml:train.n_estimators"], "metrics": ["scores.json", "eval/metrics.json"],
        "artifact": "churn", "dvc_yaml": "dvc.yaml", "lock": "dvc.lock"}]


def test_without_a_lock_the_model_is_declared_but_unhashed(tree_of) -> None:
    """No dvc.lock (pipeline never run): the model is declared, with no md5; data outs are not models."""
    facts = pipeline_facts(tree_of({"sub/dvc.yaml": DVC_YAML}))
    [model] = facts["dvc"]["models"]
    assert (model["path"], model["md5"], model["lock"], model["deps"][0]) == (
        "sub/models/model.pkl", None, None, {"path": "sub/data/features.csv", "md5": None})


def test_model_checks_see_a_declared_model_whose_content_is_absent(make_repo, tmp_path) -> None:
    """No model bytes in git, but dvc.lock hashes one: UNSAFE/PICKLE unknown (not inspected), METRICS and
    LINEAGE judged from the pipeline's declarations, never "no model found"."""
    from mlaudit.audit.run import audit

    repo = make_repo("dvcrepo")
    repo.commit("pipeline", {"dvc.yaml": DVC_YAML, "dvc.lock": DVC_LOCK, "params.yaml": "train:\n  n_estimators: 100\n",
                             "train.py": "import pickle\nfrom sklearn.svm import SVC\npickle.dump(SVC().fit(X, y), open('m', 'wb'))\n"})
    by_id = {r.check_id: r for r in audit(repo.root, tmp_path / "s.sqlite").results}
    assert str(by_id["MODEL-UNSAFE"].status) == "unknown"
    assert str(by_id["MODEL-PICKLE"].status) == "unknown"
    assert (str(by_id["MODEL-METRICS"].status), by_id["MODEL-METRICS"].value) == ("pass", {"declared": 1, "with_metrics": 1})
    assert (str(by_id["REPRO-LINEAGE"].status), by_id["REPRO-LINEAGE"].value) == ("pass", {"declared": 1, "traced": 1})
