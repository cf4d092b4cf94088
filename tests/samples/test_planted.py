"""mlaudit finds exactly the statuses each sample project plants (for the checks registered so far)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlaudit.sample_projects.registry import RECIPES

from mlaudit.audit import audit
from mlaudit.checks import all_checks


@pytest.fixture(scope="module")
def audited(sample_repo, tmp_path_factory: pytest.TempPathFactory):
    """Factory: the audit results of a sample project, computed once per module."""
    cache: dict[str, dict[str, tuple[str, str]]] = {}

    def factory(name: str) -> dict[str, tuple[str, str]]:
        if name not in cache:
            db = tmp_path_factory.mktemp("stores") / f"{name}.sqlite"
            result = audit(sample_repo(name), db)
            cache[name] = {r.check_id: (str(r.status), r.message) for r in result.results}
        return cache[name]

    return factory


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_audit_finds_the_planted_statuses(name: str, audited) -> None:
    """Every planted check that is registered reports the planted status."""
    registered = set(all_checks())
    results = audited(name)
    planted = {cid: want for cid, want in RECIPES[name].PLANTED.items() if cid in registered}
    wrong = {cid: f"planted {want}, got {results[cid][0]}: {results[cid][1]}"
             for cid, want in planted.items() if results[cid][0] != want}
    assert not wrong, wrong


def test_every_registered_check_runs_on_every_sample(audited) -> None:
    """No check errors on any sample project (the harness runs every check on every project)."""
    errors = {(name, cid): msg for name in RECIPES for cid, (status, msg) in audited(name).items() if status == "error"}
    assert not errors, errors


def test_planted_ids_are_catalogued() -> None:
    """Planted ids are spelled like catalogue ids (AREA-NAME in capitals)."""
    import re

    for recipe in RECIPES.values():
        assert all(re.fullmatch(r"[A-Z]+(-[A-Z]+)+", cid) for cid in recipe.PLANTED), recipe.NAME


def test_sample_audit_never_writes_into_the_repo(sample_repo, tmp_path: Path) -> None:
    """Auditing a sample project leaves every file (including .git) byte-identical."""
    from tests.snapshot import tree_snapshot

    root = sample_repo("small_service")
    before = tree_snapshot(root)
    audit(root, tmp_path / "again.sqlite")
    assert tree_snapshot(root) == before
