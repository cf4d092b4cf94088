"""Drive the real window on each sample project: open, scan, every view, compare, drift, findings, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView, QWidget

from mlaudit.audit import audit
from tests.gui.conftest import SHOTS, open_and_wait, settle, wait_until

SAMPLES = ["notebook_prototype", "small_service", "at_scale"]


@pytest.fixture(scope="module")
def scanned(sample_repo, tmp_path_factory):
    """Factory: a sample project and a store already holding its audit (scanned once per module, headless)."""
    done: dict[str, tuple[Path, Path]] = {}

    def factory(name: str) -> tuple[Path, Path]:
        if name not in done:
            repo = sample_repo(name)
            db = tmp_path_factory.mktemp("gui-stores") / f"{name}.sqlite"
            audit(repo, db)
            done[name] = (repo, db)
        return done[name]

    return factory


def visible_errors(view) -> list[str]:
    return [b.text() for b in view.findChildren(QLabel, "errorBanner") if b.isVisibleTo(view) and b.text()]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_view_renders_for_each_sample(qtbot, window, scanned, name):
    """Each view of each sample project shows its content (or a clear notice) without an error; a screenshot is saved."""
    repo, db = scanned(name)
    open_and_wait(qtbot, window, repo, db)
    assert window.session.report is not None, window.session.report_error
    folder = SHOTS / name
    folder.mkdir(parents=True, exist_ok=True)
    for view_name, view in window.views.items():
        window.show_view(view_name)
        settle(window)
        assert window.stack.currentWidget() is view
        assert not visible_errors(view), f"{view_name}: {visible_errors(view)}"
        window.grab().save(str(folder / f"{view_name}.png"))
    assert window.findChild(QTableView, "decisionMatrix") is not None


@pytest.mark.parametrize("name", ["notebook_prototype", "small_service"])
def test_overview_fits_the_default_window_width(qtbot, window, scanned, name):
    """At the default window size the overview (cards, charts) needs no horizontal scrolling: nothing is cut off."""
    from PySide6.QtWidgets import QScrollArea

    repo, db = scanned(name)
    window.resize(1280, 820)
    open_and_wait(qtbot, window, repo, db)
    overview = window.show_view("overview")
    settle(window)
    qtbot.wait(50)
    scroll = overview.findChild(QScrollArea)
    assert scroll.horizontalScrollBar().maximum() == 0, f"overview {overview.body.width()} px wide in a {scroll.viewport().width()} px viewport"


def test_open_unscanned_repo_scans_in_the_pool(qtbot, window, sample_repo, tmp_path):
    """A repo with no store is scanned by a worker; progress shows in the status bar, and the overview fills in."""
    db = tmp_path / "fresh.sqlite"
    seen: list[str] = []
    window.pool.progress.connect(lambda channel, event: seen.append(event.phase))
    open_and_wait(qtbot, window, sample_repo("notebook_prototype"), db)
    assert db.exists()
    assert {"git", "checks"} <= set(seen)
    assert window.session.report.results
    assert window.recent()[0] == str(sample_repo("notebook_prototype"))
    assert window.start.recent.count() == 1


def test_compare_two_model_versions(qtbot, window, scanned):
    """Models -> compare selected version with the one before: both sides shown and differences highlighted."""
    repo, db = scanned("at_scale")
    open_and_wait(qtbot, window, repo, db)
    models = window.show_view("models")
    settle(window)
    models.inventory_view.selectRow(0)
    models.versions_view.selectRow(models.versions.rowCount() - 1)
    models.compare_selected()
    settle(window)
    compare = window.views["compare"]
    assert window.current_view() is compare
    # the file's versions in git history and in the MLflow store: same content, so only where/when they were seen differ
    assert compare.grid.rowCount() >= 3
    assert "fields differ" in compare.summary.text()
    a, b = compare.default_pair()
    assert a.key != b.key and Path(a.path).name == Path(b.path).name
    compare.select(a, b)
    settle(window)
    rows = {compare.grid.item(i, 0).text(): (compare.grid.item(i, 1).text(), compare.grid.item(i, 2).text())
            for i in range(compare.grid.rowCount())}
    assert rows["sha256"][0] != rows["sha256"][1]
    highlighted = compare.grid.item(list(rows).index("sha256"), 1).background().color().name()
    assert highlighted == "#fff3c4"
    compare.only_diff.setChecked(True)
    assert all(compare.grid.item(i, 1).text() != compare.grid.item(i, 2).text() for i in range(compare.grid.rowCount()))


def test_unsafe_pickle_in_history_is_listed_first(qtbot, window, scanned):
    """A dangerous pickle that was deleted from the tree still appears in Models, first, with its verdict."""
    repo, db = scanned("notebook_prototype")
    open_and_wait(qtbot, window, repo, db)
    models = window.show_view("models")
    proxy = models.inventory_view.model()
    first = models.inventory.record(proxy.mapToSource(proxy.index(0, 0)).row())
    assert (first.path, first.worst, first.deleted) == ("models/helper.pkl", "dangerous", True)
    assert any("os" in g for g in first.dangerous)


def test_drift_between_two_data_versions(qtbot, window, scanned):
    """Drift compares two chosen data versions from the store: per-column results, a summary and the charts."""
    repo, db = scanned("small_service")
    open_and_wait(qtbot, window, repo, db)
    drift = window.show_view("drift")
    settle(window)
    drift.select(0, drift.cur_box.count() - 1)
    settle(window)
    assert drift.columns_model.rowCount() > 0
    assert "columns drifted" in drift.summary.text()
    assert drift.charts.findChild(QWidget, "chart_drift_0") is not None


def test_filter_findings_and_open_evidence(qtbot, window, scanned):
    """Findings filter by text and status; selecting evidence with a path shows the file with the line highlighted."""
    repo, db = scanned("notebook_prototype")
    open_and_wait(qtbot, window, repo, db)
    findings = window.show_view("findings")
    total = findings.proxy.rowCount()
    assert total == findings.model.rowCount() > 5
    findings.search.setText("LEAK-")
    assert 0 < findings.proxy.rowCount() < total
    findings.search.setText("")
    findings.status_box.setCurrentIndex(findings.status_box.findData("problems"))
    problems = findings.proxy.rowCount()
    assert 0 < problems < total
    for row in range(problems):
        record = findings.model.record(findings.proxy.mapToSource(findings.proxy.index(row, 0)).row())
        assert str(record.status) in ("fail", "warn", "error")
        if any(e.path and e.line for e in record.evidence):
            break
    else:
        pytest.fail("no failing finding with a file:line evidence in notebook_prototype")
    findings.table.selectRow(row)
    evidence_row = next(i for i, e in enumerate(record.evidence) if e.path and e.line)
    findings.evidence_list.setCurrentRow(evidence_row)
    settle(window)
    ev = record.evidence[evidence_row]
    assert ev.path in findings.viewer_title.text()
    assert findings.viewer.toPlainText()
    selections = findings.viewer.extraSelections()
    assert len(selections) == 1
    text = (repo / ev.path).read_text()
    if ev.path.endswith(".ipynb"):  # a notebook is shown cell by cell: the line is counted inside its cell
        source = json.loads(text)["cells"][ev.cell]["source"]
        text = "".join(source) if isinstance(source, list) else source
    assert selections[0].cursor.block().text() == text.split("\n")[ev.line - 1]


def test_evidence_commit_shows_diff(qtbot, window, scanned):
    """Evidence naming a commit opens the commit with its diff, added lines highlighted."""
    from mlaudit.checks.base import Evidence
    from mlaudit.core.progress import Progress
    from mlaudit.gui.evidence import load_evidence

    repo, _db = scanned("notebook_prototype")
    from mlaudit.core.gitcmd import run_git

    head = run_git(repo, ["rev-list", "--max-parents=0", "HEAD"]).decode().split()[0]
    shown = load_evidence(repo, Evidence("x", commit=head), Progress())
    assert shown.kind == "diff" and f"commit {head}" in shown.text
    window.views["findings"].viewer.show_text(shown)
    assert window.views["findings"].viewer.extraSelections()


def test_evidence_actions_enabled_only_when_they_can_show_something(qtbot, window, scanned):
    """The file button needs a path and the commit button a commit; disabled ones say why in their tooltip."""
    from mlaudit.checks.base import CheckResult, Evidence, Status
    from mlaudit.core.gitcmd import run_git

    repo, db = scanned("notebook_prototype")
    open_and_wait(qtbot, window, repo, db)
    findings = window.show_view("findings")
    head = run_git(repo, ["rev-parse", "HEAD"]).decode().strip()
    path = run_git(repo, ["ls-files"]).decode().split()[0]
    binary = run_git(repo, ["ls-files", "*.pkl"]).decode().split()[0]
    rows = [CheckResult("T-FILE", Status.FAIL, message="path only", evidence=[Evidence("in the tree", path=path, line=1)]),
            CheckResult("T-BINARY", Status.FAIL, message="a pickle", evidence=[Evidence("a model", path=binary)]),
            CheckResult("T-COMMIT", Status.FAIL, message="commit only", evidence=[Evidence("a commit", commit=head)]),
            CheckResult("T-NONE", Status.WARN, message="no evidence")]
    findings.model.set_rows(rows)

    def select(check_id: str) -> None:
        row = next(r for r in range(findings.proxy.rowCount())
                   if findings.model.record(findings.proxy.mapToSource(findings.proxy.index(r, 0)).row()).check_id == check_id)
        findings.table.selectRow(row)
        settle(window)

    select("T-FILE")
    assert findings.file_button.isEnabled() and path in findings.file_button.toolTip()
    assert not findings.commit_button.isEnabled() and "no commit" in findings.commit_button.toolTip()
    assert path in findings.viewer_title.text()

    select("T-BINARY")
    assert not findings.file_button.isEnabled() and "binary" in findings.file_button.toolTip()

    select("T-COMMIT")
    assert findings.commit_button.isEnabled() and head[:10] in findings.commit_button.toolTip()
    assert not findings.file_button.isEnabled() and "no file" in findings.file_button.toolTip()
    findings.viewer.setPlainText("")
    qtbot.mouseClick(findings.commit_button, Qt.MouseButton.LeftButton)
    settle(window)
    assert f"commit {head}" in findings.viewer.toPlainText()

    select("T-NONE")
    assert not findings.file_button.isEnabled() and not findings.commit_button.isEnabled()
    assert "no evidence" in findings.commit_button.toolTip() and "no evidence" in findings.file_button.toolTip()
    assert not findings.evidence_list.item(0).flags() & Qt.ItemFlag.ItemIsSelectable


def _blocks(document):
    block = document.begin()
    while block.isValid():
        yield block
        block = block.next()


def test_export_every_report_format(qtbot, window, scanned, tmp_path):
    """The Report view previews the report and exports each format through the pool."""
    from mlaudit.report import FORMATS

    repo, db = scanned("small_service")
    open_and_wait(qtbot, window, repo, db)
    report = window.show_view("report")
    settle(window)
    assert "audit" in report.preview.toPlainText().lower()
    items = {b.text().strip() for b in _blocks(report.preview.document()) if b.textList() is not None}
    whys = {s.why.strip() for s in window.session.report.scorecard.decision.next_steps}
    assert whys and not items & whys, "a next step's second line became a list item of its own"
    for fmt in FORMATS:
        target = tmp_path / f"report.{fmt}"
        with qtbot.waitSignal(report.exported, timeout=180_000, raising=False) as blocker:
            report.export(fmt, target)
        assert blocker.signal_triggered, f"{fmt}: {window.status_label.toolTip() or window.status_label.text()}"
        assert blocker.args == [fmt, str(target)]
        assert target.stat().st_size > 200
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_history_scores_tags(qtbot, window, scanned):
    """History lists commits with their data/model events and scores tags into the maturity chart."""
    repo, db = scanned("at_scale")
    open_and_wait(qtbot, window, repo, db)
    history = window.show_view("history")
    settle(window)
    commits = history.findChild(QTableView, "commitTable")
    assert commits.model().rowCount() >= 3
    with qtbot.waitSignal(window.audit_ready, timeout=120_000):
        history.judge_history()
    settle(window)
    assert len(window.session.report.history) >= 2
    wait_until(qtbot, lambda: history.findChild(object, "chart_history") is not None)


def test_overview_tooltips_and_shortcuts(qtbot, window, scanned):
    """Check help appears as tooltips; Ctrl+8 goes to Findings and Ctrl+F focuses its filter."""
    repo, db = scanned("notebook_prototype")
    open_and_wait(qtbot, window, repo, db)
    findings = window.views["findings"]
    findings.refresh()
    index = findings.proxy.index(0, 3)
    tip = findings.proxy.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tip and len(tip) > 20
    qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view() is findings
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    wait_until(qtbot, lambda: findings.search.hasFocus() or window.focusWidget() is findings.search, timeout=5)


def test_gui_command_writes_a_screenshot_of_every_view(qtbot, scanned, tmp_path):
    """`mlaudit gui PATH --screenshots DIR` renders each view to DIR/<view>.png and exits 0."""
    from click.testing import CliRunner

    from mlaudit.cli import cli
    from mlaudit.gui.views import VIEW_CLASSES

    repo, db = scanned("small_service")
    out = tmp_path / "shots"
    result = CliRunner().invoke(cli, ["gui", str(repo), "--db", str(db), "--screenshots", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.png")) == sorted(f"{c.name}.png" for c in VIEW_CLASSES)
    assert all(p.stat().st_size > 5000 for p in out.glob("*.png"))

