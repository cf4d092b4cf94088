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


def test_unreadable_data_file_outside_any_pair_leaves_no_pair_standing() -> None:
    """DRIFT-SPLITS / LEAK-OVERLAP "no train/test pair": a skipped data file that no name could pair does not undo it."""
    from mlaudit.checks.coverage import NA_BASIS, Coverage

    cov = Coverage(["data"], claim="all")
    cov.add_skipped("data/prices.csv", "could not be read", "data", [])
    assert cov.blocking(NA_BASIS["DRIFT-SPLITS"]) == 0 and cov.blocking(NA_BASIS["DRIFT-HISTORY"]) == 0
    cov.add_skipped("data/test.csv", "content not available locally", "data", ["split"])
    assert cov.blocking(NA_BASIS["DRIFT-SPLITS"]) == 1 and cov.blocking(None) == 2
    cov.add_skipped("data/prices_v.csv", "could not be read", "data", ["versions"])
    assert cov.blocking(NA_BASIS["DATA-SCHEMA-CHANGE"]) == 1
    cov.add_skipped("store", "coverage could not be computed")  # untagged: always blocks
    assert cov.blocking(NA_BASIS["DRIFT-SPLITS"]) == 2


def test_audit_keeps_no_pair_na_beside_an_unreadable_table(make_repo, tmp_path) -> None:
    """A real audit: an unprofilable CSV (too many columns) outside any pair leaves DRIFT-SPLITS N/A, listed as skipped."""
    from mlaudit.audit.run import audit

    wide = ",".join(f"c{i}" for i in range(10_050)) + "\n" + ",".join("1" for _ in range(10_050)) + "\n"
    repo = make_repo("wide")
    repo.commit("data", {"train.py": TRAIN, "data/prices.csv": wide, "data/drinks.csv": "a,b\n1,2\n3,4\n"})
    by_id = {r.check_id: r for r in audit(repo.root, tmp_path / "s.sqlite").results}
    splits = by_id["DRIFT-SPLITS"]
    assert str(splits.status) == "not applicable"
    assert splits.coverage is not None and [s["what"] for s in splits.coverage.skipped] == ["data/prices.csv"]


def test_sql_or_shell_cell_does_not_block_a_leakage_pass(judge) -> None:
    """LEAK-CODE-PREPROCESS passes beside a notebook cell holding SQL; a broken cell that splits and fits blocks it."""
    import json

    def notebook(*cells: str) -> str:
        return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in cells]})

    clean = ("from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n"
             "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)\nsc = StandardScaler().fit(X_tr)\n")
    sql = notebook(clean, "select * from stl_load_errors;\n")
    assert judge({"nb.ipynb": sql}, "LEAK-CODE-PREPROCESS").status == Status.PASS
    broken = notebook(clean, "sc2 = StandardScaler().fit(X\nX_a, X_b = train_test_split(X)\n")
    assert judge({"nb.ipynb": broken}, "LEAK-CODE-PREPROCESS").status == Status.UNKNOWN
