"""The workbench driven end to end on real repositories: a 5 MB notebook opened at a cell from Findings, two MLflow
runs compared, the training-data tab filled from the data diff, and the data diff's explanations when it cannot run."""

from __future__ import annotations

import json
import pickle
from collections import Counter

import pandas as pd

from tests.gui.conftest import open_and_wait, settle
from tests.gui.test_workbench import at_scale_store, big_notebook, highlighted_text  # noqa: F401  (fixture re-used)

URL_LINE = 'df = pd.read_csv("https://example.com/churn.csv")  # cell 12 reads the data'


def test_findings_open_a_5_mb_notebook_at_the_cell(qtbot, window, make_repo, store_path):
    """Findings: the evidence of a read in cell 12 of a 5 MB notebook opens that notebook at the cell, line highlighted."""
    from mlaudit.gui.evidence import MAX_TEXT_BYTES

    notebook = big_notebook(cells=40, output_bytes=170_000)
    notebook["cells"][12]["source"] = ["import pandas as pd\n", URL_LINE + "\n", "print(df.shape)"]
    text = json.dumps(notebook)
    assert len(text) > 5_000_000 > 2 * MAX_TEXT_BYTES
    repo = make_repo()
    repo.commit("analysis notebook", {"analysis.ipynb": text, "requirements.txt": "pandas==2.2.2\n"})
    open_and_wait(qtbot, window, repo.root, store_path)
    findings = window.show_view("findings")
    findings.search.setText("REPRO-DATA-VERSIONED")
    assert findings.proxy.rowCount() == 1
    findings.table.selectRow(0)
    items = [findings.evidence_list.item(i).text() for i in range(findings.evidence_list.count())]
    row = next(i for i, t in enumerate(items) if "example.com/churn.csv" in t)
    findings.evidence_list.setCurrentRow(row)
    settle(window)
    assert "analysis.ipynb" in findings.viewer_title.text() and "cell" in findings.viewer_title.text()
    assert highlighted_text(findings.viewer) == URL_LINE
    shown = findings.viewer.toPlainText()
    assert "AAAA" not in shown and "## Section 14" in shown  # outputs left out, every cell rendered


def test_compare_two_mlflow_runs(qtbot, window, at_scale_store):  # noqa: F811
    """Compare: two MLflow run artifacts picked by run name; their runs, registry versions and run metrics differ."""
    repo, db = at_scale_store
    open_and_wait(qtbot, window, repo, db)
    compare = window.show_view("compare")
    settle(window)
    chosen = []
    for picker, run in ((compare.pick_a, "weekly-retrain-1"), (compare.pick_b, "weekly-retrain-3")):
        picker.filter.setText(f"mlflow {run} model.pkl")
        assert picker.visible_count() == 1, [c.label for c in picker.choices if run in c.search]
        chosen.append(compare.versions[picker.current_index()])
    assert all(v.source == "mlflow" and v.run_id for v in chosen) and chosen[0].run_id != chosen[1].run_id
    compare.run_compare()
    settle(window)
    rows = {compare.grid.item(i, 0).text(): (compare.grid.item(i, 1).text(), compare.grid.item(i, 2).text())
            for i in range(compare.grid.rowCount())}
    assert rows["lineage runs"] == (chosen[0].run_id, chosen[1].run_id)
    registered_a, registered_b = rows["registered as"]
    assert registered_a == "churn-classifier/1" and registered_b == "churn-classifier/3"  # once each, no repeats
    metrics = [k for k in rows if k.startswith("metric mlflow:")]
    assert metrics and all(rows[k][0] != rows[k][1] for k in metrics)


def _keyed(n: int, shift: int, bump: set[int]) -> pd.DataFrame:
    ids = list(range(shift, shift + n))
    return pd.DataFrame({"customer_id": ids, "tenure": [i % 37 + (5 if i in bump else 0) for i in ids],
                         "spend": [round(10 + (i % 13) * 1.5, 2) for i in ids]})


def test_compare_training_data_tab_uses_the_data_diff(qtbot, window, make_repo, store_path):
    """Compare: the training-data tab lists the data at both models' commits with rows added/removed checked against pandas."""
    from sklearn.linear_model import LogisticRegression

    a, b = _keyed(300, 0, set()), _keyed(300, 20, {50, 51, 52})
    repo = make_repo()
    repo.commit("v1", {"data/train.csv": a.to_csv(index=False), "models/model.pkl": pickle.dumps(LogisticRegression(C=1.0))})
    repo.commit("v2", {"data/train.csv": b.to_csv(index=False), "models/model.pkl": pickle.dumps(LogisticRegression(C=2.0))})
    open_and_wait(qtbot, window, repo.root, store_path)
    compare = window.show_view("compare")
    settle(window)
    rows = compare.data_model.rows
    assert [r["path"] for r in rows] == ["data/train.csv"] and rows[0]["status"] == "changed"
    ra, rb = Counter(map(tuple, a.to_numpy().tolist())), Counter(map(tuple, b.to_numpy().tolist()))
    common = sum((ra & rb).values())
    assert (rows[0]["rows added"], rows[0]["rows removed"]) == (len(b) - common, len(a) - common)
    assert rows[0]["key"] == "customer_id" and rows[0]["changed rows"] == 3  # ids 50-52 are in both, tenure bumped
    assert compare.tabs.tabText(0) == "Training data (1 file)"
    assert "1 changed" in compare.data_summary.text()


def test_compare_training_data_says_why_nothing_was_compared(qtbot, window, at_scale_store):  # noqa: F811
    """Compare on DVC data whose cache is absent: the training-data row says it was not compared, and why."""
    repo, db = at_scale_store
    open_and_wait(qtbot, window, repo, db)
    compare = window.show_view("compare")
    settle(window)
    rows = compare.data_model.rows
    assert rows and all(r["status"] != "changed" or r["note"].startswith("not compared") for r in rows)
    assert "not available locally" in compare.data_summary.text()


def test_data_view_explains_a_diff_it_cannot_run(qtbot, window, at_scale_store):  # noqa: F811
    """Data view: diffing versions whose content is not available locally says so and what to do (no error banner)."""
    repo, db = at_scale_store
    open_and_wait(qtbot, window, repo, db)
    view = window.show_view("data")
    settle(window)
    view.run_diff()
    settle(window)
    text = view.diff_summary.text()
    assert text.startswith("Cannot diff") and "dvc pull" in text
    assert not window.status_label.text().startswith("Error")


def test_data_view_says_why_no_cell_changed(qtbot, window, make_repo, store_path):
    """Data view: when the two versions share no key, the Changed cells table says so instead of staying empty."""
    repo = make_repo()
    repo.commit("v1", {"data/train.csv": _keyed(100, 0, set()).to_csv(index=False)})
    repo.commit("v2", {"data/train.csv": _keyed(100, 1000, set()).to_csv(index=False)})
    open_and_wait(qtbot, window, repo.root, store_path)
    view = window.show_view("data")
    settle(window)
    view.diff_key.setCurrentText("customer_id")
    view.run_diff()
    settle(window)
    assert view.diff_result.keys_common == 0
    assert view.diff_cells.rowCount() == 1 and view.diff_cells.columnSpan(0, 0) == 4
    assert "No customer_id value is in both versions" in view.diff_cells.item(0, 0).text()
