"""Fixtures for scanner tests: the tree of a small real repo."""

from __future__ import annotations

import pytest

from mlaudit.core.repo import open_repo
from mlaudit.core.tree import TreeSource, open_tree


@pytest.fixture
def tree_of(make_repo):
    """Factory: ``tree_of(files)`` commits ``files`` to a fresh repo and returns its working tree."""
    counter = iter(range(1000))

    def factory(files: dict[str, str | bytes]) -> TreeSource:
        repo = make_repo(f"repo{next(counter)}")
        repo.commit("files", files)
        return open_tree(open_repo(repo.root))

    return factory
