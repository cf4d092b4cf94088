"""DRIFT-HISTORY regression: a commit that drifts several data files is named once in the message."""

from __future__ import annotations

import numpy as np
import pandas as pd
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import audit


def table(seed: int, shift: float) -> str:
    rng = np.random.default_rng(seed)
    n = 1200
    return pd.DataFrame({"age": rng.normal(40 + shift, 10, n).round(1),
                         "plan": rng.choice(["basic", "pro"] if not shift else ["team", "max"], n)}).to_csv(index=False)


def test_drift_history_names_a_commit_once_when_it_drifts_two_files(tmp_path) -> None:
    """Two files drift in one commit: the FAIL message lists that commit once, not once per file."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("data", {"data/a.csv": table(1, 0), "data/b.csv": table(2, 0)})
    sha = repo.commit("new source", {"data/a.csv": table(3, 30), "data/b.csv": table(4, 30)})
    result = {r.check_id: r for r in audit(repo.root, tmp_path / "store.sqlite").results}["DRIFT-HISTORY"]
    assert result.status == "fail"
    assert result.message.count(sha[:10]) == 1
