"""Scope = HEAD: files that exist only on other refs never drive a current-state verdict (issue 16, item 1)."""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import pytest

from mlaudit.audit.run import audit
from mlaudit.core.roles import classify_by_rules
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store
from mlaudit.store.model_queries import all_versions, current_commit, list_models, versions_in_scope
from tests.models.corpus import global_call

CURRENT_STATE = ("REPRO-LINEAGE", "REPRO-DETERMINISM", "MODEL-METRICS", "MODEL-REGISTRY", "MODEL-PICKLE", "MODEL-LIB-MISMATCH",
                 "MODEL-SKEW-FEATURES", "MON-SKEW",
                 "DRIFT-MODEL-DATA", "MON-STALENESS", "DATA-QUALITY", "DRIFT-HISTORY", "DATA-SCHEMA-CHANGE")
SITE_ONLY = ("sitemap.xml.gz", "site/model.pkl", "site/stats.csv", "site/search.csv")


def _csv(rows: int, shift: float = 0.0) -> str:
    return "a,b\n" + "".join(f"{i + shift},{(i * 7) % 5}\n" for i in range(rows))


@pytest.fixture
def gh_pages_repo(make_repo):
    """main: code, data and a model; gh-pages (orphan): a gzipped sitemap, a dangerous pickle, CSVs."""
    repo = make_repo("ghp")
    repo.commit("train", {"train.py": "import pandas as pd\ndf = pd.read_csv('data/train.csv')\n",
                          "data/train.csv": _csv(60), "models/model.pkl": pickle.dumps({"w": [1.0, 2.0]}, protocol=4)})
    repo.git("checkout", "-q", "--orphan", "gh-pages")
    repo.git("rm", "-q", "-r", "--cached", ".")
    for p in ("train.py", "data/train.csv", "models/model.pkl"):
        (repo.root / p).unlink()
    repo.commit("site", {"sitemap.xml.gz": gzip.compress(b"<?xml version='1.0'?><urlset></urlset>", mtime=0),
                         "site/model.pkl": global_call("os", "system", "echo pwned"),
                         "site/stats.csv": _csv(80, 50.0), "site/search.csv": "term,hits\nx,1\ny,2\n"})
    repo.commit("site again", {"site/stats.csv": _csv(90, 500.0)})
    repo.git("checkout", "-q", "-f", "main")
    return repo


def test_no_current_state_verdict_draws_on_a_file_absent_from_head(gh_pages_repo, tmp_path: Path) -> None:
    """gh-pages files feed no current-state check; the dangerous pickle there is still reported with its commit."""
    db = tmp_path / "s.sqlite"
    result = audit(gh_pages_repo.root, db)
    by_id = {r.check_id: r for r in result.results}
    head_files = set(gh_pages_repo.git("ls-tree", "-r", "--name-only", "HEAD").splitlines())
    for check_id in CURRENT_STATE:
        r = by_id[check_id]
        for e in r.evidence:
            assert e.path is None or e.path not in SITE_ONLY, (check_id, e)
            assert e.path is None or e.path in head_files or e.path.startswith("mlruns"), (check_id, e)
    unsafe = by_id["MODEL-UNSAFE"]
    assert unsafe.status == "fail"
    site = [e for e in unsafe.evidence if e.path == "site/model.pkl"]
    assert site and site[0].commit  # reported with the commit (its ref) it lives on
    with open_store(db, repo_root=gh_pages_repo.root) as store:
        assert [v.path for v in list_models(store)] == ["models/model.pkl"]
        assert {v.path for v in versions_in_scope(store)} == {"models/model.pkl"}
        assert "site/model.pkl" in {v.path for v in all_versions(store)}  # history and security still see it
        assert {v.path for v in dq.current_data_files(store)} == {"data/train.csv"}
        assert current_commit(store) == gh_pages_repo.git("rev-parse", "main")


def test_detached_head_judges_the_default_branch(gh_pages_repo, tmp_path: Path) -> None:
    """With HEAD detached on gh-pages, the project is still main: no gh-pages model is current."""
    gh_pages_repo.git("checkout", "-q", "--detach", "gh-pages")
    db = tmp_path / "d.sqlite"
    audit(gh_pages_repo.root, db)
    with open_store(db, repo_root=gh_pages_repo.root) as store:
        assert current_commit(store) == gh_pages_repo.git("rev-parse", "main")
        assert "sitemap.xml.gz" not in {v.path for v in list_models(store)}
        assert "site/model.pkl" not in {v.path for v in versions_in_scope(store) if v.source == "git"}


def test_gzip_name_and_nested_models_folder_are_not_models_by_name() -> None:
    """``*.gz`` and ``src/models/*`` get no model role by name; a root ``models/`` still does; scripts keep theirs."""
    assert classify_by_rules("sitemap.xml.gz")[0] != "model"
    assert classify_by_rules("src/models/train_model.py")[0] == "code"
    assert classify_by_rules("pkg/models/.gitkeep")[0] == "other"
    assert classify_by_rules("models/weights")[0] == "model"
    assert classify_by_rules("data/README.md")[0] == "docs"
    assert classify_by_rules("data/.gitignore")[0] == "other"
    assert classify_by_rules("data/make_dataset.py")[0] == "code"


def test_text_that_starts_like_a_pickle_is_not_a_model(make_repo, tmp_path: Path) -> None:
    """A requirements.txt whose first lines parse as a protocol-0 GLOBAL is not a current model."""
    repo = make_repo("req")
    repo.commit("deps", {"requirements.txt": "click\nSphinx\ncoverage\nawscli\nflake8\n", "train.py": "x = 1\n"})
    db = tmp_path / "r.sqlite"
    audit(repo.root, db)
    with open_store(db, repo_root=repo.root) as store:
        assert list_models(store) == []
        assert versions_in_scope(store) == []


def test_pickled_arrays_are_data_not_a_model(make_repo, tmp_path: Path) -> None:
    """A pickle that only rebuilds numpy arrays (saved fold indices) is no current model; security still sees it."""
    import numpy as np

    repo = make_repo("folds")
    repo.commit("folds", {"folds.pkl": pickle.dumps([np.arange(5), np.arange(5, 10)], protocol=4), "train.py": "x = 1\n"})
    db = tmp_path / "f.sqlite"
    audit(repo.root, db)
    with open_store(db, repo_root=repo.root) as store:
        assert list_models(store) == []
        assert "folds.pkl" in {v.path for v in all_versions(store)}


def test_pickled_splitter_is_not_a_model(make_repo, tmp_path: Path) -> None:
    """A pickled StratifiedKFold (a splitter holding fold indices) is not a current model."""
    from sklearn.model_selection import StratifiedKFold

    repo = make_repo("kfold")
    repo.commit("kfold", {"Data/kfold.pkl": pickle.dumps(StratifiedKFold(n_splits=3), protocol=4), "train.py": "x = 1\n"})
    db = tmp_path / "k.sqlite"
    audit(repo.root, db)
    with open_store(db, repo_root=repo.root) as store:
        assert list_models(store) == []
        assert versions_in_scope(store) == []
