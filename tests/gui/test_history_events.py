"""History events: DVC-tracked data and models committed under mlruns/ count as data and model changes."""

from __future__ import annotations

import pickle

from mlaudit.audit import scan
from mlaudit.store.db import open_store
from mlaudit.store.history_queries import commit_events

DOT_DVC = "outs:\n- md5: {md5}\n  size: 120\n  path: raw.csv\n"


def test_dvc_hash_change_is_a_data_event(make_repo, tmp_path):
    """Commits that change data/raw.csv.dvc show one data file changed; a code-only commit shows none."""
    repo = make_repo()
    repo.commit("track data", {"data/raw.csv.dvc": DOT_DVC.format(md5="a" * 32), "train.py": "x = 1\n"})
    repo.commit("new data snapshot", {"data/raw.csv.dvc": DOT_DVC.format(md5="b" * 32)})
    repo.commit("code only", {"train.py": "x = 2\n"})
    repo.commit("log a run", {"mlruns/0/abc/artifacts/model/model.pkl": pickle.dumps({"w": [1.0, 2.0]}),
                              "mlruns/0/abc/artifacts/model/MLmodel": "flavors:\n  python_function: {}\n"})
    db = tmp_path / "store.sqlite"
    scan(repo.root, db)
    with open_store(db) as store:
        events = {e["message"]: e["roles"] for e in commit_events(store)}
    assert events["new data snapshot"].get("data") == 1
    assert events["track data"].get("data") == 1
    assert "data" not in events["code only"]
    assert events["log a run"].get("model") == 1 and "model" not in events["code only"]
