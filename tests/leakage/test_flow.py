"""Evidence positions and specific spellings of the data-flow analysis."""

from __future__ import annotations

import json

from mlaudit.scanners.leakage import analyze_file, link_files
from mlaudit.scanners.leakage.links import FileResult, same_file
from tests.leakage.corpus_eval import CORPUS


def test_notebook_finding_names_cells_and_lines_of_fit_and_split() -> None:
    """Fit and split in different cells: the finding gives both cell indexes and lines inside the cells."""
    r = analyze_file("nb.ipynb", (CORPUS / "nb_pre_cells.ipynb").read_bytes())
    (f,) = r.findings
    assert (f.fit.cell, f.fit.line) == (4, 2)
    assert (f.split.cell, f.split.line) == (6, 1)
    assert "fit_transform" in f.fit.what and "train_test_split" in f.split.what


def test_magics_and_shell_lines_do_not_shift_lines() -> None:
    """A notebook whose cells start with magics still reports the line inside the cell."""
    r = analyze_file("h.ipynb", (CORPUS / "nb_pre_helper_cells.ipynb").read_bytes())
    (f,) = r.findings
    assert f.split.cell == 3 and f.split.line == 2  # line 1 is the %%time magic
    assert (f.fit.cell, f.fit.line) == (1, 4) and "fit_transform" in f.fit.what  # inside the helper's cell


def test_cross_file_leak_names_both_files() -> None:
    """A scaler fitted in one script, written to a file another script splits: evidence in both files."""
    files = sorted((CORPUS / "xfile_leak").glob("*.py"))
    results = [analyze_file(f"scripts/{p.name}", p.read_bytes()) for p in files]
    (f,) = link_files(results)
    assert f.check_id == "LEAK-CODE-PREPROCESS"
    assert f.fit.path == "scripts/prepare.py" and f.split.path == "scripts/train.py"
    assert {s.path for s in f.related} == {"scripts/prepare.py", "scripts/train.py"}


def test_result_round_trips_and_relocates() -> None:
    """A stored result read back under another path keeps findings and points at the new path."""
    r = analyze_file("a/pre_basic.py", (CORPUS / "pre_basic.py").read_bytes())
    back = FileResult.from_dict(json.loads(json.dumps(r.to_dict())), "b/copy.py")
    assert [f.check_id for f in back.findings] == ["LEAK-CODE-PREPROCESS"]
    assert back.findings[0].site.path == "b/copy.py" and back.findings[0].split.path == "b/copy.py"


def test_literal_paths_match_across_relative_spellings() -> None:
    """./data/x.csv, ../data/x.csv and data/x.csv name the same file; other names do not."""
    assert same_file("./data/x.csv", "data/x.csv")
    assert same_file("../data/x.csv", "data/x.csv")
    assert not same_file("data/x.csv", "data/y.csv")


def test_target_column_is_read_from_code() -> None:
    """y = df["price"] and y = df.pop("label") name the target."""
    r = analyze_file("t.py", b"import pandas as pd\ndf = pd.read_csv('d.csv')\ny = df['price']\nlabels = df.pop('label')\n")
    assert r.targets == ["price", "label"]


def test_notebook_cells_follow_saved_execution_counts_when_unambiguous() -> None:
    """Cells run 1, 3, 2 are analysed in run order; repeated counts (a restarted kernel) keep the file order."""
    from mlaudit.scanners.leakage.parse import parse_notebook
    from tests.leakage.family_help import notebook

    ran = parse_notebook(notebook([(1, "a = 1"), (3, "c = 3"), (2, "b = 2")]))
    assert [u.cell for u in ran.units] == [0, 2, 1]
    restarted = parse_notebook(notebook([(1, "a = 1"), (1, "c = 3"), (2, "b = 2")]))
    assert [u.cell for u in restarted.units] == [0, 1, 2]
    partly = parse_notebook(notebook([(2, "a = 1"), (None, "c = 3"), (1, "b = 2")]))
    assert [u.cell for u in partly.units] == [0, 1, 2]
