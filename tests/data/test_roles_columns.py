"""Data roles and columns by content (issue 16, item 7): outputs and lists are not training data, columns match
ignoring case and renames, row ids and text dates are not drift-tested, "not comparable" is its own result,
the target is found through an arithmetic identity, and split pairs are related files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mlaudit.audit.run import audit
from mlaudit.checks.leakage.data import _identity_target
from mlaudit.checks.stats.compare import compare
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store

TRAIN_PY = "import pandas as pd\ndf = pd.read_csv('data/train.csv')\npd.DataFrame({'p': [1]}).to_csv('out/scores.csv')\n"


def _table(rows: int, seed: int, shift: float = 0.0, upper: bool = False) -> str:
    rng = np.random.default_rng(seed)
    head = "Instant,Created_On,Temp,Season\n" if upper else "instant,created_on,temp,season\n"
    out = [head]
    for i in range(rows):
        day = f"2011-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:00:00"
        out.append(f"{i + 1},{day},{rng.normal(20 + shift, 3):.3f},{'abcd'[i % 4]}\n")
    return "".join(out)


def _audit(repo, tmp_path: Path, name: str):
    db = tmp_path / f"{name}.sqlite"
    result = audit(repo.root, db)
    return {r.check_id: r for r in result.results}, db


def test_outputs_submissions_and_lists_are_not_training_data(make_repo, tmp_path: Path) -> None:
    """A submission template, a written prediction file and a one-column label list do not drive DATA-QUALITY."""
    repo = make_repo("roles")
    dup = "a,b\n" + "1,2\n" * 30  # all rows duplicated: a quality problem if it were profiled
    repo.commit("data", {"train.py": TRAIN_PY, "data/train.csv": _table(60, 1),
                         "data/sample_submission.csv": dup, "out/scores.csv": dup,
                         "data/labels.csv": "label\n" + "cat\n" * 30, "data/.gitignore": "*.zip\n", "data/README.md": "# data\n"})
    by_id, db = _audit(repo, tmp_path, "roles")
    quality = by_id["DATA-QUALITY"]
    assert str(quality.status) == "pass", quality.message
    left_out = {e.path for e in quality.evidence if e.detail.startswith("not profiled as training data")}
    assert left_out == {"data/sample_submission.csv", "out/scores.csv", "data/labels.csv"}
    with open_store(db, repo_root=repo.root) as store:
        assert {v.path for v in dq.current_data_files(store)} >= {"data/train.csv"}
        assert "data/.gitignore" not in {v.path for v in dq.current_data_files(store)}


def test_ids_and_text_dates_are_not_drift_tested_and_case_renames_match(make_repo, tmp_path: Path) -> None:
    """Column names changed only in case still match; the row id and the text date are skipped with reasons."""
    repo = make_repo("cols")
    repo.commit("v1", {"data/train.csv": _table(200, 1)})
    repo.commit("v2", {"data/train.csv": _table(200, 2, shift=8.0, upper=True)})
    by_id, db = _audit(repo, tmp_path, "cols")
    with open_store(db, repo_root=repo.root) as store:
        v1, v2 = [v for v in dq.data_versions(store, "data/train.csv") if v.commit]
        report = compare(store, v1.key, v2.key)
    tested = {c.name for c in report.columns}
    assert tested == {"temp", "season"}
    assert "identifier" in report.skipped["instant"] and "date" in report.skipped["created_on"]
    assert any(c.name == "temp" and c.drifted for c in report.columns)
    assert {(c.kind, c.before, c.column) for c in report.schema_changes if c.kind == "renamed"} >= {("renamed", "temp", "Temp")}
    assert str(by_id["DRIFT-HISTORY"].status) in ("warn", "fail")


def test_zero_comparable_columns_is_not_comparable(make_repo, tmp_path: Path) -> None:
    """Two versions sharing no testable column are "not comparable": DRIFT-HISTORY is unknown, never a pass."""
    repo = make_repo("nc")
    repo.commit("v1", {"data/train.csv": "x,y\n" + "".join(f"{i % 7},{i % 3}\n" for i in range(50))})
    repo.commit("v2", {"data/train.csv": "u,v\n" + "".join(f"{i % 5 + 100},{i % 9 + 50}\n" for i in range(50))})
    by_id, db = _audit(repo, tmp_path, "nc")
    history = by_id["DRIFT-HISTORY"]
    assert str(history.status) == "unknown" and "not comparable" in history.message
    with open_store(db, repo_root=repo.root) as store:
        v1, v2 = [v for v in dq.data_versions(store, "data/train.csv") if v.commit]
        report = compare(store, v1.key, v2.key)
    assert report.verdict == "not comparable" and report.to_dict()["comparable"] is False


def test_target_from_an_arithmetic_identity_of_train_only_columns() -> None:
    """train has casual, registered and count (= casual + registered) that test lacks: count is the target."""
    rng = np.random.default_rng(0)
    casual, registered = rng.integers(0, 50, 40), rng.integers(0, 200, 40)
    train = pd.DataFrame({"datetime": range(40), "temp": rng.normal(size=40), "casual": casual,
                          "registered": registered, "count": casual + registered})
    target = _identity_target(train, ["casual", "registered", "count"])
    assert target is not None and target.column == "count" and "count = casual + registered" in target.source
    assert _identity_target(train, ["casual", "registered"]) is None  # two parts, no sum: still unknown
    noisy = train.assign(count=train["count"] + rng.integers(1, 3, 40))
    assert _identity_target(noisy, ["casual", "registered", "count"]) is None


def test_split_pairs_need_a_shared_column(make_repo, tmp_path: Path) -> None:
    """train_x.csv and test_x.csv with no column in common are two unrelated files, not a split pair."""
    repo = make_repo("pairs")
    repo.commit("d", {"data/train.csv": _table(40, 1), "data/test.csv": _table(40, 2),
                      "other/train_log.csv": "a,b\n1,2\n3,4\n", "other/test_log.csv": "q,r\n5,6\n7,8\n"})
    _, db = _audit(repo, tmp_path, "pairs")
    with open_store(db, repo_root=repo.root) as store:
        pairs = {(p.reference.path, p.current.path) for p in dq.split_pairs(store)}
    assert pairs == {("data/train.csv", "data/test.csv")}


def test_holdout_pairs_with_the_one_table_of_the_same_columns(make_repo, tmp_path: Path) -> None:
    """dataset.csv + holdout.csv with the same columns are a real train/holdout pair; an unrelated table is not."""
    repo = make_repo("holdout")
    repo.commit("d", {"datasets/dataset.csv": _table(40, 1), "datasets/holdout.csv": _table(30, 2),
                      "datasets/tags.csv": "tag,count\nnlp,3\ncv,4\n"})
    _, db = _audit(repo, tmp_path, "holdout")
    with open_store(db, repo_root=repo.root) as store:
        pairs = [(p.reference.path, p.current.path, p.kind) for p in dq.split_pairs(store)]
    assert pairs == [("datasets/dataset.csv", "datasets/holdout.csv", "holdout")]


def test_text_dates_are_dates_for_temporal_leakage() -> None:
    """A text column named created_on holding timestamps is a date column by content."""
    from mlaudit.checks.leakage.measures import as_dates

    s = pd.Series([f"2020-02-{d:02d} 06:30:41" for d in range(1, 21)], name="created_on")
    assert as_dates(s) is not None
    assert as_dates(pd.Series([f"item {i}" for i in range(20)], name="title")) is None
