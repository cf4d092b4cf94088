"""Coverage in every report format: per area "measured N of M checks; K unknown because …", per check analysed/skipped."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from mlaudit.sample_projects.gitrepo import GitRepo
from pypdf import PdfReader

from mlaudit.audit import audit
from mlaudit.core.config import AuditConfig
from mlaudit.report import build_report, render, write_report
from mlaudit.report.json import report_schema

TRAIN = ("import numpy as np\nfrom sklearn.ensemble import RandomForestClassifier\nnp.random.seed(0)\n"
         "X = np.random.rand(10, 2)\nm = RandomForestClassifier(random_state=0).fit(X, X[:, 0] > 0.5)\n")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    """A repo whose second script does not parse, audited once."""
    base = tmp_path_factory.mktemp("coverage")
    repo = GitRepo(base / "repo")
    repo.commit("code", {"train.py": TRAIN, "broken.py": "def f(:\n    pass\n", "requirements.txt": "numpy==1.26.4\n"})
    db = base / "s.sqlite"
    audit(repo.root, db, config=AuditConfig())
    return build_report(db, repo.root, config=AuditConfig())


def test_json_has_area_and_check_coverage(report) -> None:
    """JSON: each area says how many checks were measured and why the others are unknown; each check its coverage."""
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, report_schema())
    repro = data["area_details"]["repro"]
    assert repro["total"] >= repro["measured"] > 0
    assert repro["coverage"].startswith(f"measured {repro['measured']} of {repro['total']} checks")
    assert any(u.startswith("REPRO-SEEDS: broken.py") for u in repro["unknown"])
    assert "unknown because" in repro["coverage"]
    seeds = next(c for c in data["checks"] if c["id"] == "REPRO-SEEDS")
    assert seeds["status"] == "unknown"
    assert seeds["coverage"]["skipped"] == [{"what": "broken.py", "why": seeds["coverage"]["skipped"][0]["why"]}]
    assert "not parsed" in seeds["coverage"]["skipped"][0]["why"]
    assert all(c["coverage"] is not None and c["coverage"]["analysed"] for c in data["checks"])
    states = {n["state"] for s in data["stage"]["needs"] for n in s["needs"]}
    assert "not measured" in states and states <= {"met", "partly met", "not met", "not measured", "n/a"}
    assert all(n["met"] == (n["state"] == "met") for s in data["stage"]["needs"] for n in s["needs"])


def test_html_and_markdown_show_coverage(report) -> None:
    """HTML and Markdown carry the area coverage line and the skipped file of a check."""
    html = render(report, "html").decode()
    assert "Coverage:" in html and "unknown because" in html and "<code>broken.py</code>" in html
    assert "not measured" in html
    md = render(report, "md").decode()
    assert "| coverage |" in md and "measured " in md and "broken.py" in md


def test_pdf_shows_coverage(report, tmp_path: Path) -> None:
    """The PDF carries the area coverage line, need states and skipped files (text extracted with pypdf)."""
    path = write_report(report, "pdf", tmp_path / "audit.pdf")
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())
    assert "Coverage: measured" in text and "unknown because" in text
    assert "not measured" in text and "skipped broken.py" in text
