"""Every registered check has a documentation page; the README keeps its two set-up commands."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mlaudit.checks import all_checks

ROOT = Path(__file__).resolve().parents[2]


def gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "packaging" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_check_has_a_doc_page() -> None:
    """docs/checks/<ID>.md exists for every registered check (regenerate: python packaging/gen_docs.py)."""
    missing = [cid for cid in all_checks() if not (ROOT / "docs" / "checks" / f"{cid}.md").exists()]
    assert not missing, f"no docs page for {missing}; run python packaging/gen_docs.py"


def test_every_report_section_has_a_doc_page() -> None:
    """docs/report/ has the overview, one page per area and the provenance page."""
    from mlaudit.checks import AREAS

    for name in [*AREAS, "overview", "provenance"]:
        assert (ROOT / "docs" / "report" / f"{name}.md").exists(), name


def test_generated_pages_describe_the_check(tmp_path: Path) -> None:
    """A generated page names the check, its help text and its planted status in the sample projects."""
    module = gen_docs()
    assert module.main([str(tmp_path)]) == 0
    check = all_checks()["REPRO-VCS"]
    page = (tmp_path / "checks" / "REPRO-VCS.md").read_text()
    assert check.title in page and check.help.split(".")[0] in page
    assert "`notebook_prototype`: **pass**" in page
    assert module.stale(tmp_path) == []
    (tmp_path / "checks" / "REPRO-VCS.md").unlink()
    assert module.stale(tmp_path) == ["checks/REPRO-VCS.md"]


def test_readme_first_section_has_the_two_commands() -> None:
    """The README's first section holds the demo command and the test command, exactly."""
    text = (ROOT / "README.md").read_text()
    first = text.split("\n## ")[1]
    assert first.startswith("Two commands")
    assert "python -m pip install -e . && mlaudit demo" in first
    assert 'python -m pip install -e ".[test]" && python -m pytest -n 2' in first
