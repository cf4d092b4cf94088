"""The store's drift cache: a repeated comparison is read back equal, other settings recompute, a busy store skips."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import scan
from mlaudit.checks.stats import drift_cache
from mlaudit.checks.stats.compare import compare
from mlaudit.core.config import AuditConfig
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store


def frame(seed: int, shift: float) -> str:
    rng = np.random.default_rng(seed)
    n = 2500
    return pd.DataFrame({"age": rng.normal(40 + shift, 10, n).round(1), "plan": rng.choice(["a", "b", "c"], n),
                         "flag": rng.integers(0, 2, n)}).to_csv(index=False)


@pytest.fixture
def pair(tmp_path: Path):
    """A store holding two profiled versions of one CSV, the second shifted; yields (db path, ref key, cur key)."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("v1", {"data/train.csv": frame(1, 0.0)})
    repo.commit("v2", {"data/train.csv": frame(2, 3.0)})
    db = tmp_path / "store.sqlite"
    scan(repo.root, db)
    with open_store(db) as store:
        keys = [v.key for v in dq.data_versions(store, "data/train.csv") if v.commit]
    assert len(keys) == 2
    return db, keys[0], keys[1]


def cached_rows(db: Path) -> list[tuple]:
    with open_store(db) as store:
        return store.db.execute("SELECT ref_key, cur_key, settings FROM drift_cache").fetchall()


def test_second_comparison_is_read_back_equal(pair) -> None:
    """The first compare stores one row; the second returns a report equal to the computed one (JSON-identical)."""
    db, ref, cur = pair
    with open_store(db) as store:
        first = compare(store, ref, cur)
    assert [r[:2] for r in cached_rows(db)] == [(ref, cur)]
    with open_store(db) as store:
        again = compare(store, ref, cur)
    assert json.dumps(again.to_dict(), sort_keys=True) == json.dumps(first.to_dict(), sort_keys=True)
    assert again.columns and again.columns[0].sample_size == first.columns[0].sample_size


def test_the_cache_is_really_read(pair) -> None:
    """A cached row is what compare returns (proved by altering it in the store), until the settings change."""
    db, ref, cur = pair
    with open_store(db) as store:
        compare(store, ref, cur)
        report = json.loads(store.db.execute("SELECT report FROM drift_cache").fetchone()[0])
        report["share_drifted"] = 0.123
        store.db.execute("UPDATE drift_cache SET report = ?", [json.dumps(report)])
        assert compare(store, ref, cur).share_drifted == 0.123
        other = AuditConfig(thresholds={"drift.share": 0.9})
        assert compare(store, ref, cur, other).share_drifted != 0.123
        assert compare(store, ref, cur, other).share_threshold == 0.9
    assert len(cached_rows(db)) == 1  # the pair's row was replaced, not added to


def test_busy_store_skips_caching(pair) -> None:
    """While another connection holds the write lock, compare still answers (without waiting) and caches nothing."""
    db, ref, cur = pair
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with open_store(db, readonly=True) as store:
            assert compare(store, ref, cur).columns
            assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert cached_rows(db) == []


def test_settings_key_follows_thresholds() -> None:
    """Any threshold in force changes the settings key; the same settings give the same key."""
    assert drift_cache.settings_key(AuditConfig()) == drift_cache.settings_key(AuditConfig())
    assert drift_cache.settings_key(AuditConfig()) != drift_cache.settings_key(AuditConfig(thresholds={"drift.ks": 0.01}))


def test_settings_key_ignores_thresholds_other_modules_declare(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan (every check loaded) and a report (few modules) key a comparison alike; a drift threshold still counts."""
    from mlaudit.core import config as config_module

    before = drift_cache.settings_key(AuditConfig())
    monkeypatch.setitem(config_module.THRESHOLDS, "zz.declared_by_a_check",
                        config_module.ThresholdSpec("zz.declared_by_a_check", 1.0, "test only"))
    assert drift_cache.settings_key(AuditConfig()) == before
    assert drift_cache.settings_key(AuditConfig(thresholds={"drift.share": 0.3})) != before
