"""Shared fixtures: real git repos with fixed dates, a fresh store, offscreen Qt."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep stores and settings written by tests out of the real user folders."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture
def make_repo(tmp_path: Path):
    """Factory: ``make_repo(name="repo")`` returns a real, empty GitRepo with fixed author and dates."""
    from mlaudit.sample_projects.gitrepo import GitRepo

    def factory(name: str = "repo", branch: str = "main") -> GitRepo:
        return GitRepo(tmp_path / name, branch=branch)

    return factory


@pytest.fixture(scope="session")
def sample_repo(tmp_path_factory: pytest.TempPathFactory):
    """Factory: ``sample_repo(name)`` builds that sample project once per session; treat it as read-only."""
    from mlaudit.sample_projects.registry import build_sample

    built: dict[str, Path] = {}

    def factory(name: str) -> Path:
        if name not in built:
            built[name] = build_sample(name, tmp_path_factory.mktemp("samples") / name)
        return built[name]

    return factory


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A store file outside any audited repo."""
    return tmp_path / "stores" / "audit.sqlite"


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    """Fail a test that leaves a worker thread running (as napari does)."""
    before = {t.ident for t in threading.enumerate()}
    yield
    leftover = [t for t in threading.enumerate() if t.ident not in before and t.is_alive() and not t.daemon]
    for t in leftover:
        t.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"test left threads running: {still}"
