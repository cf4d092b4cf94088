"""Stale caches: tree facts and per-tag verdicts are keyed by analyser version and config hash (issue 16, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlaudit.audit.history import maturity_history
from mlaudit.checks import context as context_module
from mlaudit.checks.context import CheckContext, analysis_key
from mlaudit.core.config import AuditConfig
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import open_tree
from mlaudit.store.db import open_store

TRAIN = "import numpy as np\nnp.random.seed(1)\nx = np.random.rand(3)\n"


def test_facts_cached_under_another_config_are_not_reused(make_repo, tmp_path: Path) -> None:
    """Facts stored under one analysis key are read back only under that key; another threshold recomputes them."""
    repo = make_repo("facts")
    repo.commit("code", {"train.py": TRAIN})
    info = open_repo(repo.root)
    old, new = AuditConfig(), AuditConfig(thresholds={"repro.pinned_share": 0.5})
    assert analysis_key(old) != analysis_key(new)
    with open_store(tmp_path / "s.sqlite", repo_root=repo.root) as store:
        tree = open_tree(info, info.head)
        ctx = CheckContext(info, store, tree, old)
        assert ctx.facts("code")["files"] == 1
        stale = json.dumps({**ctx.facts("code"), "files": 99})
        store.db.execute("UPDATE tree_facts SET payload = ? WHERE tree_key = ? AND kind = 'code'", [stale, ctx.tree_key()])
        assert CheckContext(info, store, tree, old).facts("code")["files"] == 99  # the cache is really used
        assert CheckContext(info, store, tree, new).facts("code")["files"] == 1  # but never under another key
        keys = {r[0] for r in store.db.execute("SELECT tree_key FROM tree_facts WHERE kind = 'code'")}
        assert len(keys) == 2 and all(k.startswith(info.head + "#") for k in keys)


def test_history_verdicts_follow_version_and_thresholds(make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Per-tag verdicts are reused under the same key, recomputed after a threshold change or an analyser upgrade."""
    repo = make_repo("hist")
    repo.commit("one", {"train.py": TRAIN, "requirements.txt": "numpy\n"})
    repo.tag("v1")
    repo.commit("two", {"requirements.txt": "numpy==1.26.4\n"})
    repo.tag("v2")
    db = tmp_path / "h.sqlite"
    first = maturity_history(repo.root, db, points=2, config=AuditConfig())
    assert first.computed == 2
    assert maturity_history(repo.root, db, points=2, config=AuditConfig()).computed == 0
    changed = AuditConfig(thresholds={"repro.pinned_share": 0.5})
    assert maturity_history(repo.root, db, points=2, config=changed).computed == 2
    monkeypatch.setattr(context_module, "ANALYSIS_VERSION", "next")
    assert maturity_history(repo.root, db, points=2, config=changed).computed == 2
    assert maturity_history(repo.root, db, points=2, config=changed).computed == 0
