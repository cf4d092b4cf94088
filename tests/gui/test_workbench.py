"""The auditor's workbench: help pages, shortcuts, evidence of any size (notebooks by cell, big files at the line), diffs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from mlaudit.checks.base import Evidence
from mlaudit.core.progress import Progress
from tests.gui.conftest import SHOTS


def highlighted_text(viewer) -> str:
    """The text of the one highlighted line of an evidence viewer."""
    selections = viewer.extraSelections()
    assert len(selections) == 1, f"expected one highlighted line, got {len(selections)}"
    return selections[0].cursor.block().text()


def big_notebook(cells: int = 40, output_bytes: int = 150_000) -> dict:
    """A notebook of code and markdown cells whose outputs (base64 images) make it several MB."""
    out = []
    for i in range(cells):
        if i % 5 == 4:
            out.append({"cell_type": "markdown", "metadata": {}, "source": [f"## Section {i}\n", "Some notes."]})
            continue
        image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "A" * output_bytes}}
        source = [f"x_{i} = {i}\n", f"y_{i} = x_{i} * 2  # cell {i} line 2\n", f"print(y_{i})"]
        out.append({"cell_type": "code", "execution_count": i, "metadata": {}, "outputs": [image], "source": source})
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": out}


def test_check_reference_filters_and_shows_the_page(qtbot, window):
    """Help > Check reference lists every check; typing filters it; the page is the bundled docs page of the check."""
    from mlaudit.checks.base import all_checks
    from mlaudit.gui.help_dialog import CheckHelpDialog

    dialog = CheckHelpDialog(window, "REPRO-SEEDS")
    qtbot.addWidget(dialog)
    assert dialog.list.count() == len(all_checks())
    assert dialog.current_check() == "REPRO-SEEDS"
    page = dialog.page.toPlainText()
    assert all_checks()["REPRO-SEEDS"].title in page and "What to do when it does not pass" in page
    dialog.search.setText("overlap")
    visible = [dialog.list.item(i).data(0x0100) for i in range(dialog.list.count()) if not dialog.list.item(i).isHidden()]
    assert "LEAK-OVERLAP" in visible and "REPRO-SEEDS" not in visible
    assert dialog.current_check() in visible
    from PySide6.QtCore import QUrl

    dialog._follow(QUrl("MODEL-UNSAFE.md"))
    assert dialog.current_check() == "MODEL-UNSAFE"
    dialog._follow(QUrl("../report/leakage.md"))
    assert "LEAK-OVERLAP" in dialog.page.toPlainText()


def test_help_menu_has_check_reference_and_shortcuts(qtbot, window):
    """The Help menu opens the check pages (F1) and a table of every keyboard shortcut of the window."""
    from mlaudit.gui.help_dialog import ShortcutsDialog

    titles = [a.text() for m in window.menuBar().actions() if m.text() == "&Help" for a in m.menu().actions()]
    assert "&Check reference" in titles and "&Keyboard shortcuts" in titles
    window.open_check_help("LEAK-TEMPORAL")
    assert window.help_dialog.current_check() == "LEAK-TEMPORAL"
    window.help_dialog.close()
    dialog = ShortcutsDialog(window.actions(), window)
    qtbot.addWidget(dialog)
    rows = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert rows.get("Open folder\u2026") and rows.get("Check reference")
    assert rows["Keyboard shortcuts"] == "Ctrl+/"


def test_notebook_of_several_mb_opens_at_the_cell_and_line(make_repo):
    """A 5 MB notebook opens rendered cell by cell (outputs left out, numbered) with the evidence line highlighted."""
    from mlaudit.gui.evidence import MAX_TEXT_BYTES, load_evidence
    from mlaudit.gui.views.findings import CodeViewer

    repo = make_repo()
    text = json.dumps(big_notebook())
    assert len(text) > 2 * MAX_TEXT_BYTES
    sha = repo.commit("a big notebook", {"analysis.ipynb": text})
    for commit in (None, sha):  # the working tree and a commit read from git objects
        shown = load_evidence(repo.root, Evidence("x", path="analysis.ipynb", cell=12, line=2, commit=commit), Progress())
        assert shown.kind == "file", shown.text
        assert "cell 12" in shown.title
        assert "# \u2500\u2500 cell 12 \u00b7 code \u00b7 1 output(s) not shown" in shown.text
        assert "## Section 14" in shown.text and "AAAA" not in shown.text
        viewer = CodeViewer()
        viewer.show_text(shown)
        assert highlighted_text(viewer) == "y_12 = x_12 * 2  # cell 12 line 2"


def test_file_larger_than_the_pane_limit_opens_at_the_line(make_repo):
    """A text file of several MB opens at the evidence line (a window of lines around it, the range stated)."""
    from mlaudit.gui.evidence import MAX_TEXT_BYTES, load_evidence
    from mlaudit.gui.views.findings import CodeViewer

    repo = make_repo()
    lines = [f"row_{i},{i * 3},{'x' * 40}" for i in range(1, 150_001)]
    body = "\n".join(lines) + "\n"
    assert len(body) > 2 * MAX_TEXT_BYTES
    sha = repo.commit("big log", {"logs/train.log": body})
    for commit in (None, sha):
        shown = load_evidence(repo.root, Evidence("x", path="logs/train.log", line=120_000, commit=commit), Progress())
        assert shown.kind == "file", shown.text
        assert "of 150000" in shown.text.splitlines()[0]
        viewer = CodeViewer()
        viewer.show_text(shown)
        assert highlighted_text(viewer) == lines[120_000 - 1]


def test_commit_diff_of_a_merge_shows_the_patch(make_repo):
    """'Show the commit' on a merge shows its patch against the first parent, not only a diffstat."""
    from mlaudit.gui.evidence import load_evidence

    repo = make_repo()
    repo.commit("base", {"train.py": "a = 1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature", {"train.py": "a = 1\nb = 2  # from the branch\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("other", {"README.md": "hello\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
    merge = repo.git("rev-parse", "HEAD").strip()
    shown = load_evidence(repo.root, Evidence("x", commit=merge), Progress())
    assert shown.kind == "diff"
    assert "+b = 2  # from the branch" in shown.text


def test_commit_diff_is_cut_at_the_cap_and_says_so(make_repo):
    """A huge diff is read only up to the cap (git is stopped there) and the cut is stated."""
    from mlaudit.gui.evidence import commit_diff

    repo = make_repo()
    sha = repo.commit("big", {"data.csv": "".join(f"{i},{i}\n" for i in range(200_000))})
    data, cut = commit_diff(repo.root, sha, max_bytes=100_000)
    assert cut and len(data) == 100_000
    full, cut_full = commit_diff(repo.root, sha, max_bytes=50_000_000)
    assert not cut_full and full.startswith(data)


@pytest.mark.parametrize("cell, line", [(0, 1), (3, 3), (39, 2)])
def test_render_notebook_maps_cell_lines(cell: int, line: int) -> None:
    """render_notebook's highlighted line is the given line of the given cell, for first, middle and last cells."""
    from mlaudit.gui.evidence import render_notebook

    nb = big_notebook(cells=40, output_bytes=10)
    text, target = render_notebook(json.dumps(nb).encode(), cell, line)
    source = "".join(nb["cells"][cell]["source"]).split("\n")
    assert text.split("\n")[target - 1] == source[line - 1]


def test_render_notebook_refuses_what_is_not_a_notebook(tmp_path: Path) -> None:
    """Invalid JSON or JSON that is not a notebook gives None (the file is then shown as text)."""
    from mlaudit.gui.evidence import render_notebook

    assert render_notebook(b"{not json", 0, 1) is None
    assert render_notebook(b"[1, 2]", 0, 1) is None


@pytest.mark.parametrize("value, text", [
    (4294967295.0, "4,294,967,295"), (0.123456, "0.1235"), (12345.678, "12,346"), (3, "3"), (1_000_000, "1,000,000"),
    (2.5e-7, "2.5e-07"), (float("nan"), "n/a"), (float("inf"), "\u221e"), (True, "yes"), (None, ""),
    ({"max_depth": 4.0, "features": ["a", "b"]}, "max_depth: 4, features: a, b"),
])
def test_values_reach_the_user_readable(value, text) -> None:
    """Numbers, mappings and lists are shown formatted (no reprs, no 4.29497e+09)."""
    from mlaudit.gui.widgets import readable

    assert readable(value) == text


def test_data_view_diffs_two_versions_with_a_key(qtbot, window, make_repo, store_path):
    """Data view: select a file's newest version, diff it against the previous one by a key; changed cells are listed."""
    from tests.gui.conftest import open_and_wait, settle
    from tests.workbench.test_data_diff import versions

    a, b = versions(n=400)
    repo = make_repo()
    repo.commit("v1", {"data/train.csv": a.to_csv(index=False)})
    repo.commit("v2", {"data/train.csv": b.to_csv(index=False)})
    open_and_wait(qtbot, window, repo.root, store_path)
    view = window.show_view("data")
    settle(window)
    assert view.versions.rowCount() == 3  # v1, v2 and the working tree (same content as v2)
    assert view.diff_base.count() == 3 and view.diff_base.currentIndex() == 0  # the newest other content
    view.diff_key.setCurrentText("customer_id")
    view.run_diff()
    settle(window)
    diff = view.diff_result
    assert diff.key_column == "customer_id" and diff.changed_rows == 15
    assert view.diff_cells.rowCount() == sum(diff.changed_cells.values()) == 20
    assert "15 rows changed" in view.diff_summary.text()
    assert view.diff_tabs.tabText(0) == "Changed cells (20 in 15 rows)"
    assert view.right.currentIndex() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "data-diff.png"))


@pytest.fixture(scope="module")
def at_scale_store(sample_repo, tmp_path_factory):
    """The at_scale sample (MLflow runs, a registry, tagged releases) scanned into a store once for this module."""
    from mlaudit.audit import audit

    repo = sample_repo("at_scale")
    db = tmp_path_factory.mktemp("workbench") / "at_scale.sqlite"
    audit(repo, db)
    return repo, db


def test_compare_picker_filters_by_run_and_registry(qtbot, window, at_scale_store):
    """The Compare pickers group versions by path and filter by run name, run id, tag or registered version."""
    from tests.gui.conftest import open_and_wait, settle

    repo, db = at_scale_store
    open_and_wait(qtbot, window, repo, db)
    compare = window.show_view("compare")
    settle(window)
    picker = compare.pick_a
    assert picker.visible_count() == len(compare.versions) >= 4
    headers = [picker.model.item(r).text() for r in range(picker.model.rowCount()) if picker.model.item(r).data(0x0100 + 10) == -1]
    assert headers and all("(" in h for h in headers)
    picker.filter.setText("champion")
    matching = [c for c in picker.choices if "champion" in c.search]
    assert 0 < picker.visible_count() == len(matching) < len(compare.versions)
    assert picker.current_index() in {c.index for c in matching}
    picker.filter.setText("no-such-version-anywhere")
    assert picker.visible_count() == 0 and picker.current_index() is None
    compare.run_compare()
    assert "Choose a version on each side" in compare.summary.text()
    picker.filter.clear()
    assert picker.visible_count() == len(compare.versions)
    assert compare.only_diff.isChecked()


def test_compare_code_tab_shows_unified_diffs_paged(qtbot, window, at_scale_store):
    """Comparing versions of two commits lists every changed file (count stated) and opens a file's unified diff."""
    from tests.gui.conftest import open_and_wait, settle

    repo, db = at_scale_store
    open_and_wait(qtbot, window, repo, db)
    compare = window.show_view("compare")
    settle(window)
    committed = [v for v in compare.versions if v.commit and v.path.endswith("model.pkl")]
    first, last = committed[0], committed[-1]
    assert first.commit != last.commit
    compare.select(first, last)
    settle(window)
    code = compare.code
    assert code["total_files"] >= len(code["files"]) > 0
    assert f"{code['total_files']} files changed" in compare.code_summary.text()
    compare.tabs.setCurrentIndex(1)
    text_rows = [i for i, f in enumerate(code["files"]) if not f["path"].endswith((".pkl", ".parquet"))]
    compare.code_view.selectRow(text_rows[0])
    settle(window)
    shown = compare.diff_viewer.toPlainText()
    assert shown.startswith("diff --git") and "@@" in shown
    assert compare.diff_viewer.extraSelections()  # added/removed lines coloured
    assert "diff lines shown" in compare.diff_title.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    compare.grab().save(str(SHOTS / "compare-code.png"))


def test_file_diff_pages_never_cut_a_line(make_repo):
    """file_diff returns pages that end on a line, say when more follows, and join to the whole diff."""
    from mlaudit.gui.evidence import file_diff

    repo = make_repo()
    a = repo.commit("a", {"train.py": "".join(f"x{i} = {i}\n" for i in range(5000))})
    b = repo.commit("b", {"train.py": "".join(f"x{i} = {i * 2}\n" for i in range(5000))})
    pages, offset = [], 0
    while True:
        page = file_diff(repo.root, a, b, "train.py", offset, page_bytes=10_000)
        pages.append(page)
        assert page.text.endswith("\n")
        if not page.more:
            break
        offset = page.next_offset
    whole = file_diff(repo.root, a, b, "train.py", 0, page_bytes=10_000_000)
    assert len(pages) > 5 and not whole.more
    assert "".join(p.text for p in pages) == whole.text


def history_repo(make_repo):
    """Two tagged releases: v2 adds a lock file and a data version and changes the training code."""
    repo = make_repo()
    repo.commit("first model\n\nTrain a forest on the raw data.", {
        "train.py": "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n"
                    "df = pd.read_csv('data/train.csv')\nRandomForestClassifier().fit(df[['a']], df['y'])\n",
        "requirements.txt": "pandas\nscikit-learn\n", "data/train.csv": "a,y\n1,0\n2,1\n3,0\n"})
    repo.tag("v1")
    repo.commit("pin and lock, more data", {
        "requirements.txt": "pandas==2.2.2\nscikit-learn==1.5.0\n",
        "train.py": "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n"
                    "df = pd.read_csv('data/train.csv')\nRandomForestClassifier(random_state=0).fit(df[['a']], df['y'])\n",
        "data/train.csv": "a,y\n1,0\n2,1\n3,0\n4,1\n"})
    repo.tag("v2")
    return repo


def test_commit_detail_names_files_versions_and_verdict_changes(make_repo, store_path):
    """commit_detail: the whole message, files by role, the data version recorded, and checks whose verdict changed."""
    from mlaudit.audit.history import maturity_history
    from mlaudit.store.db import open_store
    from mlaudit.store.history_queries import commit_detail

    repo = history_repo(make_repo)
    maturity_history(repo.root, store_path)
    v1 = repo.git("rev-parse", "v1^{commit}").strip()
    v2 = repo.git("rev-parse", "v2^{commit}").strip()
    with open_store(store_path) as store:
        first, second = commit_detail(store, v1), commit_detail(store, v2)
        assert commit_detail(store, "0" * 40) is None
    assert first is not None and second is not None
    assert "Train a forest on the raw data." in first.message and first.tags == ["v1"]
    assert {f["path"] for f in second.files} == {"requirements.txt", "train.py", "data/train.csv"}
    assert [v["path"] for v in second.data_versions] == ["data/train.csv"]
    assert second.scored and first.scored
    changed = {c.check_id: (c.before, c.after) for c in second.verdict_changes}
    assert "REPRO-DEPS-PINNED" in changed and changed["REPRO-DEPS-PINNED"][1] == "pass"
    assert all(c.before_rev == v1 for c in second.verdict_changes)


def test_history_event_opens_with_details_and_diff(qtbot, window, make_repo, store_path):
    """History: selecting a commit shows its details; Show the diff opens its patch."""
    from tests.gui.conftest import open_and_wait, settle

    repo = history_repo(make_repo)
    open_and_wait(qtbot, window, repo.root, store_path)
    history = window.show_view("history")
    settle(window)
    proxy = history.commits_view.model()
    rows = {history.commits.record(proxy.mapToSource(proxy.index(r, 0)).row())["message"]: r for r in range(proxy.rowCount())}
    history.commits_view.selectRow(rows["pin and lock, more data"])
    text = history.detail.toPlainText()
    assert "pin and lock, more data" in text and "requirements.txt" in text and "data/train.csv" in text
    assert history.diff_button.isEnabled()
    history.show_diff()
    settle(window)
    assert "+pandas==2.2.2" in history.diff_view.toPlainText()
    SHOTS.mkdir(parents=True, exist_ok=True)
    history.grab().save(str(SHOTS / "history-detail.png"))


def drift_repo(make_repo):
    """features.csv changes (one column drifts), then an unrelated labels.csv with other columns appears last."""
    rng = np.random.default_rng(3)
    n = 1500
    v1 = pd.DataFrame({"x": rng.normal(0, 1, n), "y": rng.normal(5, 1, n), "kind": rng.choice(["a", "b"], n)})
    v2 = v1.copy()
    v2["x"] = rng.normal(3, 1, n)
    repo = make_repo()
    repo.commit("metrics v1", {"data/features.csv": v1.to_csv(index=False)})
    repo.commit("metrics v2", {"data/features.csv": v2.to_csv(index=False)})
    repo.commit("labels", {"data/labels.csv": "label_name,code\nspam,1\nham,0\n"})
    return repo


def test_drift_view_default_pair_stale_and_column_chart(qtbot, window, make_repo, store_path):
    """Drift: the default pair is two versions of one file; a changed selection marks the result stale; a chosen
    column gets its overlaid distributions; the table sorts by effect size."""
    from tests.gui.conftest import open_and_wait, settle

    repo = drift_repo(make_repo)
    open_and_wait(qtbot, window, repo.root, store_path)
    drift = window.show_view("drift")
    settle(window)
    from PySide6.QtWidgets import QLabel
    assert hasattr(drift, "ref_box"), [w.text() for w in drift.findChildren(QLabel)]
    ref, cur = drift.ref_box.currentText(), drift.cur_box.currentText()
    assert ref.startswith("data/features.csv @") and cur.startswith("data/features.csv @") and ref != cur
    assert "1 of 2 columns drifted" in drift.summary.text() or "of 3 columns drifted" in drift.summary.text()
    assert drift.columns_view.isEnabled()
    labels = drift.cur_box.findText("data/labels.csv", Qt.MatchFlag.MatchStartsWith)
    drift.cur_box.setCurrentIndex(labels)
    assert drift.summary.text().startswith("STALE") and not drift.columns_view.isEnabled()
    drift.run()
    settle(window)
    assert not drift.summary.text().startswith("STALE") and drift.columns_view.isEnabled()
    drift.select_newest_two()
    settle(window)
    effect = next(i for i, c in enumerate(drift.columns_model.columns) if c.header == "effect size")
    drift.columns_view.sortByColumn(effect, Qt.SortOrder.DescendingOrder)
    top = drift.columns_model.record(drift.columns_proxy.mapToSource(drift.columns_proxy.index(0, 0)).row())
    assert top["name"] == "x"
    drift.columns_view.selectRow(0)
    settle(window)
    assert drift.column_chart.findChild(QWidget, "chart_drift_column") is not None
    SHOTS.mkdir(parents=True, exist_ok=True)
    drift.grab().save(str(SHOTS / "drift-column.png"))


def test_newest_pair_never_pairs_two_files() -> None:
    """newest_pair picks the two newest versions of the newest file that has two; None when no file has two."""
    from mlaudit.gui.views.drift import newest_pair

    choices = [("a.csv @ 1", "h1"), ("a.csv @ 2", "h2"), ("b.csv @ 3", "h3")]
    assert newest_pair(choices) == (0, 1)
    assert newest_pair([("a.csv @ 1", "h1"), ("b.csv @ 2", "h2")]) is None
    assert newest_pair([*choices, ("b.csv @ 4", "h4")]) == (2, 3)


def test_drift_view_says_not_comparable(qtbot, window, make_repo, store_path):
    """Two versions of a file that share no column: the Drift view says 'Not comparable' and why, never 'no drift'."""
    from tests.gui.conftest import open_and_wait, settle

    repo = make_repo()
    repo.commit("v1", {"data/table.csv": "alpha,beta\n" + "".join(f"{i},{i % 7}\n" for i in range(300))})
    repo.commit("v2", {"data/table.csv": "gamma,delta\n" + "".join(f"t{i},u{i % 5}\n" for i in range(300))})
    open_and_wait(qtbot, window, repo.root, store_path)
    drift = window.show_view("drift")
    settle(window)
    assert drift.summary.text().startswith("Not comparable"), drift.summary.text()
