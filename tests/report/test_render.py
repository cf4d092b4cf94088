"""The four renderers on a real audited repo: schema-valid JSON, self-contained HTML, PDF, short Markdown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from mlaudit.audit import audit
from mlaudit.core.config import AuditConfig
from mlaudit.core.errors import MlauditError, StoreError
from mlaudit.report import build_report, render, write_report
from mlaudit.report.json import report_dict, report_schema
from mlaudit.report.md import MAX_CHARS
from tests.report.conftest import Audited, build_small_repo
from tests.report.helpers import make_report, result


def test_json_is_valid_against_the_shipped_schema(audited: Audited) -> None:
    """The JSON report validates against resources/schemas/report.schema.json and round-trips."""
    data = json.loads(render(audited.report, "json"))
    jsonschema.validate(data, report_schema())
    assert data == json.loads(json.dumps(report_dict(audited.report), default=str))
    assert data["schema_version"] == "1.3"
    assert set(data["provenance"]) >= {"repo", "head", "dirty", "scanned_at", "mlaudit_version", "thresholds"}
    assert data["provenance"]["head"] == audited.report.provenance.head
    assert data["stage"]["operating"] in ("prototyping", "small user base", "at scale")
    assert set(data["ml_test_score"]["sections"]) == {"data", "model", "infrastructure", "monitoring"}
    assert len(data["ml_test_score"]["tests"]) == 28
    assert {c["id"] for c in data["checks"]} == {r.check_id for r in audited.report.results}


def test_schema_rejects_a_wrong_stage(audited: Audited) -> None:
    """The schema is strict where CI relies on it: an unknown stage name is invalid."""
    data = json.loads(render(audited.report, "json"))
    data["stage"]["operating"] = "production"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema())


def test_html_is_self_contained(audited: Audited) -> None:
    """HTML: inline SVG charts, no script, no external resource, provenance and thresholds shown."""
    html = render(audited.report, "html").decode()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 3
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    p = audited.report.provenance
    for text in (p.repo, p.head, p.mlaudit_version, "repro.pinned_share", "Decision matrix", "ML Test Score"):
        assert text in html


def test_html_escapes_evidence() -> None:
    """Text from the audited repo is escaped, never injected as markup."""
    from mlaudit.checks.base import Evidence

    bad = result("REPRO-SEEDS", "fail", 0, evidence=[Evidence("<script>alert(1)</script>", path="a<b>.py")],
                 message="<img src=x onerror=alert(1)>")
    html = render(make_report([bad]), "html").decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_size_does_not_grow_with_rows(tmp_path: Path) -> None:
    """Aggregated data only: 20,000 more data rows change the HTML report by less than 2 KB."""
    sizes = []
    for rows in (40, 20_000):
        repo = build_small_repo(tmp_path / f"r{rows}", rows=rows)
        db = tmp_path / f"s{rows}.sqlite"
        audit(repo.root, db, config=AuditConfig())
        sizes.append(len(render(build_report(db, repo.root, config=AuditConfig()), "html")))
    assert abs(sizes[1] - sizes[0]) < 2048
    assert max(sizes) < 2 * 1024 * 1024


def test_pdf_renders_with_page_numbers(audited: Audited, tmp_path: Path) -> None:
    """PDF: a valid document of several pages with "page N of M" footers (text checked with pdftotext when present)."""
    path = write_report(audited.report, "pdf", tmp_path / "audit.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 5
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
        assert f"page 2 of {pages}" in text and "Executive summary" in text and "Decision matrix" in text
        assert "Appendix A" in text and audited.report.provenance.head[:10] in text


def test_markdown_fits_a_pull_request_comment(audited: Audited) -> None:
    """Markdown: verdict first, details collapsed, well under GitHub's comment limit."""
    md = render(audited.report, "md").decode()
    assert md.startswith("## ML audit of repo") and "**Operating stage:**" in md
    assert md.count("<details>") == md.count("</details>") == 3
    assert len(md) < MAX_CHARS


def test_markdown_truncates_huge_reports() -> None:
    """Thousands of failing checks still give a comment under the limit, with its details closed."""
    results = [result("REPRO-SEEDS", "fail", 0, message="x" * 190)] * 2000
    md = render(make_report(results), "md").decode()
    assert len(md) <= MAX_CHARS and "more in the HTML or JSON report" in md
    assert md.count("<details>") == md.count("</details>")


def test_unknown_format_is_a_user_error(audited: Audited) -> None:
    """An unknown format names the valid ones."""
    with pytest.raises(MlauditError, match="html, pdf, md, json"):
        render(audited.report, "docx")


def test_report_needs_a_scanned_store(tmp_path: Path) -> None:
    """Building a report from a missing or empty store tells the user to scan first."""
    with pytest.raises(StoreError, match="mlaudit scan"):
        build_report(tmp_path / "missing.sqlite")
    from mlaudit.store.db import open_store

    open_store(tmp_path / "empty.sqlite").close()
    with pytest.raises(StoreError, match="mlaudit scan"):
        build_report(tmp_path / "empty.sqlite")


def test_sections_say_not_scanned(audited: Audited) -> None:
    """Areas whose scan phase did not run say "not scanned" instead of passing silently."""
    from mlaudit.audit.phases import all_phases

    phases = {p.name for p in all_phases()}
    for sec in audited.report.sections:
        if sec.area in ("data", "models") and sec.area not in phases:
            assert not sec.scanned and sec.note.startswith("not scanned")
