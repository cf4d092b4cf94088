"""The report's drift section: split pairs and data-file histories in every format, aggregated only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import audit
from mlaudit.core.config import AuditConfig
from mlaudit.report import Report, build_report, render
from mlaudit.report.drift import DriftComparison, threshold_text
from mlaudit.report.json import report_schema
from mlaudit.store.data_queries import DataVersion
from tests.report.helpers import make_report, result

CONFIG = AuditConfig(thresholds={"data.sample_rows": 5_000})
COLUMNS = 12  # numeric columns besides the categorical, boolean and identifier ones


def _csv(rows: int, shift: float, seed: int) -> str:
    """A wide CSV: numeric columns (the first half shifted by ``shift``), a category, a flag and an id."""
    rng = np.random.default_rng(seed)
    head = ",".join([f"f{i}" for i in range(COLUMNS)] + ["plan", "churned", "customer_id"])
    lines = [head]
    plans = np.array(["basic", "pro", "team"])
    for n in range(rows):
        nums = [rng.normal(shift if i < COLUMNS // 2 else 0.0, 1.0) for i in range(COLUMNS)]
        plan = plans[rng.integers(0, 3 if shift == 0 else 2)]
        lines.append(",".join([f"{v:.4f}" for v in nums] + [str(plan), str(int(rng.random() < 0.3)), f"c{seed}-{n}"]))
    return "\n".join(lines) + "\n"


def build_drift_repo(root: Path, rows: int) -> GitRepo:
    """train/test split from one distribution; a second commit shifts both (history drift, none between splits)."""
    repo = GitRepo(root)
    code = "import pandas as pd\ndf = pd.read_csv('data/train.csv')\n"
    repo.commit("data", {"train.py": code, "data/train.csv": _csv(rows, 0.0, 1), "data/test.csv": _csv(rows // 4, 0.0, 2)})
    repo.commit("new data", {"data/train.csv": _csv(rows, 1.5, 3), "data/test.csv": _csv(rows // 4, 1.5, 4)})
    return repo


def _report(base: Path, rows: int) -> Report:
    repo = build_drift_repo(base / f"repo{rows}", rows)
    db = base / f"drift{rows}.sqlite"
    audit(repo.root, db, config=CONFIG)
    return build_report(db, repo.root, config=CONFIG)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Report]:
    """The same project with few rows and with rows beyond the sample cap (sampled)."""
    base = tmp_path_factory.mktemp("drift")
    return {rows: _report(base, rows) for rows in (200, 8_000)}


def test_split_pair_and_history_are_compared(reports: dict[int, Report]) -> None:
    """train vs test is compared without drift; each file's change drifts in half its columns and the category."""
    drift = reports[200].drift
    assert drift is not None and [f.path for f in drift.files] == ["data/test.csv", "data/train.csv"]
    [split] = drift.splits
    assert (split.reference.path, split.current.path, split.kind) == ("data/train.csv", "data/test.csv", "test")
    assert split.drift is not None and not split.drift.dataset_drift
    assert {c.name for c in split.drift.columns} == {f"f{i}" for i in range(COLUMNS)} | {"plan", "churned"}
    assert "customer_id" in split.drift.skipped
    [train] = [f for f in drift.files if f.path == "data/train.csv"]
    [step] = train.shown
    assert step.drift is not None and step.drift.dataset_drift
    drifted = {c.name for c in step.drift.drifted_columns}
    assert {f"f{i}" for i in range(COLUMNS // 2)} <= drifted and not {f"f{i}" for i in range(COLUMNS // 2, COLUMNS)} & drifted
    assert step.columns[0].drifted  # drifted columns first


def test_sampled_results_are_marked(reports: dict[int, Report]) -> None:
    """Beyond data.sample_rows the comparison and each column say they were computed on a sample."""
    assert not reports[200].drift.splits[0].drift.sampled
    [big] = [f.shown[0] for f in reports[8_000].drift.files if f.path == "data/train.csv"]
    assert big.drift.sampled and all(c.sampled for c in big.columns)
    assert "sampled" in big.verdict


def test_json_carries_the_statistics(reports: dict[int, Report]) -> None:
    """JSON 1.1: per comparison the verdict, and per column statistic, p-value, effect size, threshold and sampling."""
    data = json.loads(render(reports[8_000], "json"))
    jsonschema.validate(data, report_schema())
    assert data["schema_version"] == "1.3"
    split = data["drift"]["splits"][0]
    assert split["compared"] and split["dataset_drift"] is False and split["columns_total"] == COLUMNS + 2
    col = split["columns"][0]
    for key in ("statistic", "p_value", "effect_size", "effect_name", "threshold", "drifted", "sampled", "sample_size"):
        assert key in col
    [history] = [f for f in data["drift"]["files"] if f["path"] == "data/train.csv"]
    assert history["changes"] == 1 and history["timeline"][0]["dataset_drift"] is True
    assert history["steps"][0]["sampled"] is True


def test_html_shows_drift_bars_and_tables(reports: dict[int, Report]) -> None:
    """HTML: a bar chart per split pair and per change, with the per-column table and the verdict."""
    html = render(reports[200], "html").decode()
    drift_part = html[html.index("Drift between splits"):html.index("<h2>ML Test Score")]
    assert drift_part.count("<svg") >= 3  # the split pair and the newest change of each of the two files
    assert "dataset drift" in drift_part and "p ≤ 0.05" in drift_part and "normed Wasserstein" in drift_part
    assert "<script" not in html.lower()


def test_html_drift_stays_aggregated(reports: dict[int, Report]) -> None:
    """40 times the rows change the HTML by a few KB at most: no raw value of the data reaches the report."""
    small, big = (len(render(reports[n], "html")) for n in (200, 8_000))
    assert big < 2 * 1024 * 1024 and abs(big - small) < 8 * 1024
    html = render(reports[8_000], "html").decode()
    assert not re.search(r"c3-\d+", html)  # identifiers of the data rows


def test_markdown_and_pdf_have_the_drift_section(reports: dict[int, Report], tmp_path: Path) -> None:
    """Markdown: a collapsed drift block with a column table; PDF: the drift pages render."""
    md = render(reports[200], "md").decode()
    assert "<details><summary>Drift: 0 of 1 split pairs" in md and "| column | test | statistic | p-value |" in md
    assert md.count("<details>") == md.count("</details>")
    pdf = render(reports[200], "pdf")
    assert pdf.startswith(b"%PDF-")
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        path = tmp_path / "r.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
        assert "Drift between splits" in text and "Drift over each data file's history" in text


def test_unavailable_versions_are_not_compared() -> None:
    """A version whose content is not available locally (a DVC pointer) is reported, not compared."""
    from mlaudit.report.drift import _compare

    ref = DataVersion("data/train.csv", "k1", "dvc", "a" * 40, 1, "A", "not available locally", None)
    cur = DataVersion("data/test.csv", "k2", "git", "a" * 40, 1, "A", "available", 10)
    item = _compare(None, "test", ref, cur, AuditConfig())  # type: ignore[arg-type]  (never reaches the store)
    assert item.drift is None and "not available locally" in item.error
    assert item.verdict == "not compared" and item.to_dict()["compared"] is False


def test_report_without_data_phase_has_null_drift() -> None:
    """When the data phase did not run, drift is null in JSON (still schema-valid) and absent elsewhere."""
    report = make_report([result("DRIFT-SPLITS", "unknown")])
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, report_schema())
    assert data["drift"] is None and "Drift between splits" not in render(report, "html").decode()


def test_threshold_text_names_the_kind_of_test() -> None:
    """p-value tests read "p ≤ t"; distance tests read "≥ t"."""
    from mlaudit.checks.stats.compare import ColumnDrift

    col = ColumnDrift("x", "numeric", "ks", 0.2, 0.01, 0.3, "normed Wasserstein", 0.05, True, False, 0.3, "drift", False, (5, 5))
    assert threshold_text(col) == "p ≤ 0.05"
    col.test, col.threshold = "wasserstein", 0.1
    assert threshold_text(col) == "≥ 0.1"


def _worst_case_drift():
    """Every limit reached: 8+ split pairs and 8+ files with 200 changes each, 60 columns per comparison."""
    from mlaudit.checks.stats.compare import ColumnDrift, DriftReport, VersionStep
    from mlaudit.report.drift import MAX_STEPS, DriftSummary, FileDrift

    cols = [ColumnDrift(f"a_rather_long_column_name_{i}", "numeric", "ks", 0.3, 1e-9 * i, 0.01 * i, "normed Wasserstein", 0.05,
                        i % 2 == 0, i % 3 == 0, 0.2, "moderate", True, (200_000, 200_000)) for i in range(60)]
    skipped = {f"text_{i}": "text column: not tested for distribution drift" for i in range(40)}
    drift = DriftReport("r", "c", cols, skipped=skipped, share_drifted=0.5, dataset_drift=True, sampled=True)
    v = lambda path, i: DataVersion(path, f"k{i}", "git", f"{i:040x}", i, "M", "available", 1)
    splits = [DriftComparison("test", v(f"d{i}/train.csv", 1), v(f"d{i}/test.csv", 1), drift) for i in range(8)]
    files = []
    for n in range(8):
        steps = [VersionStep(v(f"f{n}.csv", i), v(f"f{n}.csv", i + 1), drift) for i in range(200)]
        shown = [DriftComparison("change", s.before, s.after, s.report) for s in reversed(steps[-MAX_STEPS:])]
        files.append(FileDrift(f"f{n}.csv", steps, shown))
    return DriftSummary(0.5, splits, files, splits_more=4, files_more=12)


def test_html_stays_small_at_every_limit() -> None:
    """The most the drift section can hold (charts and tables capped) keeps the HTML far under 2 MB."""
    from mlaudit.report.figures import MAX_DRIFT_CHARTS
    from mlaudit.report.md import MAX_CHARS
    from mlaudit.report.model import Section

    report = make_report([result("DRIFT-SPLITS", "fail")])
    report.sections = [Section("drift", "Drift", 0.0, list(report.results), True)]
    report.drift = _worst_case_drift()
    html = render(report, "html").decode()
    drift_part = html[html.index("Drift between splits"):]
    assert drift_part.count("<svg") == MAX_DRIFT_CHARTS
    assert len(html.encode()) < 1_200_000, len(html.encode())
    assert "… and 4 more split pairs" in html and "40 more columns with smaller effects" in html
    md = render(report, "md").decode()
    assert len(md) <= MAX_CHARS and md.count("<details>") == md.count("</details>")


def test_pdf_fits_a_tall_drift_chart() -> None:
    """A comparison of many columns draws a chart taller than a page: it is narrowed to fit, never a layout error."""
    from mlaudit.report.drift import DriftSummary
    from mlaudit.report.model import Section

    report = make_report([result("DRIFT-SPLITS", "fail")])
    report.sections = [Section("drift", "Drift", 0.0, list(report.results), True)]
    report.drift = DriftSummary(0.5, _worst_case_drift().splits[:1])
    assert render(report, "pdf").startswith(b"%PDF-")
