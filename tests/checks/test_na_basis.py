"""A verdict is unknown only when what was skipped could have changed it (issue 16: not measured is not met)."""

from __future__ import annotations

from mlaudit.checks.base import Status

TRAIN = ("import numpy as np\nfrom sklearn.ensemble import RandomForestClassifier\nnp.random.seed(0)\n"
         "X = np.random.rand(10, 2)\nm = RandomForestClassifier(random_state=0).fit(X, X[:, 0] > 0.5)\n")
BROKEN_PLAIN = "def report(:\n    print('done')\n"  # names no serving framework
BROKEN_SERVING = "from flask import Flask\napp = Flask(__name__)\n@app.route('/predict'\ndef predict(:\n    pass\n"


def test_unparsed_code_without_serving_words_leaves_no_served_model_standing(judge) -> None:
    """MON-PRODUCTION's N/A ("no served model") stands when the unparsed file names no serving framework."""
    r = judge({"train.py": TRAIN, "report.py": BROKEN_PLAIN}, "MON-PRODUCTION")
    assert r.status == Status.NOT_APPLICABLE
    assert r.coverage is not None and r.coverage.skipped_total == 1 and r.coverage.skipped[0]["what"] == "report.py"


def test_unparsed_serving_code_makes_no_served_model_unknown(judge) -> None:
    """An unparsed file that names Flask could hold the served model: the N/A becomes unknown and says why."""
    r = judge({"train.py": TRAIN, "app.py": BROKEN_SERVING}, "MON-PRODUCTION")
    assert r.status == Status.UNKNOWN and "app.py" in r.message


def test_no_model_file_does_not_depend_on_code(judge) -> None:
    """MODEL-SKEW-FEATURES' N/A (no model file) stands with an unparsed script; REPRO-SEEDS still turns unknown."""
    files = {"train.py": TRAIN, "other.py": BROKEN_PLAIN}
    assert judge(files, "MODEL-SKEW-FEATURES").status == Status.NOT_APPLICABLE
    assert judge(files, "REPRO-SEEDS").status == Status.UNKNOWN
