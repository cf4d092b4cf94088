"""Not measured is not met: coverage on every result, no pass on unseen input or vacuous evidence (issue 16, item 2)."""

from __future__ import annotations

from mlaudit.checks.base import Status, result_from_row, result_row
from mlaudit.checks.models.validation_gate import gate_lines

CI = ("name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-22.04\n    steps:\n"
      "      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt\n      - run: pytest -q tests\n")
TRAIN = ("import numpy as np\nfrom sklearn.ensemble import RandomForestClassifier\nnp.random.seed(0)\n"
         "X = np.random.rand(10, 2)\nm = RandomForestClassifier(random_state=0).fit(X, X[:, 0] > 0.5)\n")
BROKEN = "def train(:\n    pass\n"  # not Python of any version


def test_assert_true_is_not_a_test(judge) -> None:
    """A test file whose only assertion is ``assert True`` is no test: INFRA-TESTS fails and says why."""
    r = judge({"tests/test_nothing.py": "def test_ok():\n    assert True\n\ndef test_pass():\n    pass\n",
               ".github/workflows/ci.yml": CI, "train.py": TRAIN}, "INFRA-TESTS")
    assert r.status == Status.FAIL and "cannot fail" in r.message
    real = judge({"tests/test_model.py": "from train import m\n\ndef test_fit():\n    assert m.n_features_in_ == 2\n",
                  ".github/workflows/ci.yml": CI, "train.py": TRAIN}, "INFRA-TESTS")
    assert real.status == Status.PASS


def test_evaluate_stage_without_threshold_is_not_a_gate(judge) -> None:
    """A DVC evaluate stage that only writes metrics is not a validation gate; one failing below a bar is."""
    dvc = "stages:\n  evaluate:\n    cmd: python evaluate.py\n    deps: [evaluate.py]\n    metrics: [metrics.json]\n"
    writes = "import json\nacc = 0.9\njson.dump({'acc': acc}, open('metrics.json', 'w'))\n"
    r = judge({"dvc.yaml": dvc, "evaluate.py": writes, "train.py": TRAIN}, "MODEL-VALIDATION-GATE")
    assert r.status == Status.FAIL and "no metric threshold" in r.message
    assert any("writing metrics is not a gate" in e.detail for e in r.evidence)
    gated = writes + "if acc < 0.8:\n    raise SystemExit('accuracy below the release bar')\n"
    ok = judge({"dvc.yaml": dvc, "evaluate.py": gated, "train.py": TRAIN}, "MODEL-VALIDATION-GATE")
    assert ok.status == Status.PASS and ok.points == 1


def test_metric_range_check_is_not_a_quality_gate(judge) -> None:
    """``assert 0 < precision < 1`` in a CI-run test checks the metric's range, not the model's quality."""
    test = "from train import m\n\ndef test_precision():\n    precision = 0.7\n    assert 0 < precision < 1\n"
    r = judge({"tests/test_quality.py": test, ".github/workflows/ci.yml": CI, "train.py": TRAIN}, "MODEL-VALIDATION-GATE")
    assert r.status == Status.FAIL
    assert gate_lines("assert 0 < precision < 1\nassert auc >= 0\nassert f1 <= 1.0\n") == []
    assert gate_lines("assert precision >= 0.75\nif auc < cfg.min_auc:\n    sys.exit(1)\nassert new_score > baseline_score\n") == [1, 2, 4]


def test_pass_on_partly_parsed_code_is_unknown_with_coverage(judge) -> None:
    """REPRO-SEEDS cannot pass when a script was not parsed: unknown, and coverage names the skipped file."""
    r = judge({"train.py": TRAIN, "other.py": BROKEN}, "REPRO-SEEDS")
    assert r.status == Status.UNKNOWN and r.points == 0
    assert "reads pass" in r.message
    assert r.coverage is not None and r.coverage.skipped_total == 1
    assert r.coverage.skipped[0]["what"] == "other.py" and "not parsed" in r.coverage.skipped[0]["why"]
    assert any("parsed" in line for line in r.coverage.analysed)
    clean = judge({"train.py": TRAIN}, "REPRO-SEEDS")
    assert clean.status == Status.PASS and clean.coverage is not None and clean.coverage.skipped_total == 0


def test_no_training_on_unparsed_code_is_unknown_not_na(judge) -> None:
    """'No training found' is not N/A when a script that might train could not be parsed."""
    r = judge({"prep.py": "import pandas as pd\n", "model.py": BROKEN}, "REPRO-PARAMS")
    assert r.status == Status.UNKNOWN
    assert "model.py" in r.message
    na = judge({"prep.py": "import pandas as pd\n"}, "REPRO-PARAMS")
    assert na.status == Status.NOT_APPLICABLE


def test_presence_pass_stands_with_skipped_files(judge) -> None:
    """A practice that was found (tracking calls) still passes when another file was skipped; coverage says so."""
    track = "import mlflow\nmlflow.log_metric('acc', 0.9)\n" + TRAIN
    r = judge({"train.py": track, "other.py": BROKEN}, "INFRA-TRACKING")
    assert r.status in (Status.PASS, Status.WARN)
    assert r.coverage is not None and r.coverage.skipped_total == 1 and r.coverage.claim == "presence"


def test_coverage_survives_the_store_and_json(judge) -> None:
    """Coverage is in the result's JSON and is read back from a check_results row."""
    r = judge({"train.py": TRAIN, "other.py": BROKEN}, "REPRO-SEEDS")
    d = r.to_dict()
    assert d["coverage"]["skipped"][0]["what"] == "other.py"
    back = result_from_row(result_row(1, "WORKTREE", r))
    assert back.coverage is not None and back.coverage.to_dict() == r.coverage.to_dict()
