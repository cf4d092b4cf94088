"""MODEL-VALIDATION-GATE: two computations of a metric agreeing (abs(a - b) < eps) is not a quality bar."""

from __future__ import annotations

from mlaudit.checks.base import Status
from mlaudit.checks.models.validation_gate import gate_lines

CI = ("name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-22.04\n    steps:\n      - uses: actions/checkout@v4\n"
      "      - run: pytest tests\n")
TRAIN = "from sklearn.linear_model import LogisticRegression\nm = LogisticRegression().fit([[0], [1]], [0, 1])\n"
AGREE = ("from train import m\n\n\ndef test_eval_matches_train():\n    train_acc, eval_acc = 0.91, 0.91\n"
         "    assert abs(train_acc - eval_acc) < 0.001\n")


def test_agreement_between_runs_is_not_a_gate() -> None:
    """abs(x - y) < eps compares two values with each other; acc >= 0.8 and abs(loss) > max_loss are bars."""
    text = "assert abs(a_acc - b_acc) < 0.001\nassert acc >= 0.8\nif abs(loss) > max_loss:\n    raise SystemExit(1)\n"
    assert gate_lines(text) == [2, 3]


def test_ci_test_that_only_checks_agreement_does_not_pass(judge) -> None:
    """A CI-run test asserting train/eval metric agreement is no validation gate: the check does not pass."""
    r = judge({"tests/test_eval.py": AGREE, ".github/workflows/ci.yml": CI, "train.py": TRAIN}, "MODEL-VALIDATION-GATE")
    assert r.status == Status.FAIL
    gated = AGREE + "    assert eval_acc >= 0.85\n"
    ok = judge({"tests/test_eval.py": gated, ".github/workflows/ci.yml": CI, "train.py": TRAIN}, "MODEL-VALIDATION-GATE")
    assert ok.status == Status.PASS


BEHAVIOURAL = ("import pytest\nfrom train import m\n\n\n@pytest.mark.parametrize('text, label', [('cnn for text', 'nlp')])\n"
               "def test_directional(text, label):\n    prediction = m.predict([[0]])[0]\n    assert label == prediction\n")
SHAPE_ONLY = "from train import m\n\n\ndef test_shape():\n    preds = m.predict([[0], [1]])\n    assert len(preds) == 2\n"


def test_behavioural_model_test_run_by_ci_is_a_gate(judge) -> None:
    """A CI-run test asserting the model's prediction equals the expected label gates a release; a length check does not."""
    r = judge({"tests/test_behaviour.py": BEHAVIOURAL, ".github/workflows/ci.yml": CI, "train.py": TRAIN}, "MODEL-VALIDATION-GATE")
    assert r.status == Status.PASS and any(e.path == "tests/test_behaviour.py" and e.line == 8 for e in r.evidence)
    shape = judge({"tests/test_shape.py": SHAPE_ONLY, ".github/workflows/ci.yml": CI, "train.py": TRAIN}, "MODEL-VALIDATION-GATE")
    assert shape.status == Status.FAIL
