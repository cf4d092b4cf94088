"""Fixtures for check tests: run chosen checks on the working tree of a small real repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlaudit.checks.base import CheckResult, run_checks
from mlaudit.checks.context import CheckContext
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import open_tree
from mlaudit.store.db import open_store


@pytest.fixture
def judge(make_repo, tmp_path: Path):
    """Factory: ``judge(files, check_id)`` commits ``files`` to a fresh repo and returns that check's result."""
    counter = iter(range(1000))

    def factory(files: dict[str, str | bytes], check_id: str) -> CheckResult:
        repo = make_repo(f"repo{next(counter)}")
        repo.commit("files", files)
        info = open_repo(repo.root)
        tree = open_tree(info)
        with open_store(tmp_path / f"store{next(counter)}.sqlite", repo_root=repo.root) as store:
            [result] = run_checks(CheckContext(info, store, tree), [check_id])
        return result

    return factory
