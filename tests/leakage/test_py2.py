"""Python 2 scripts and notebook cells go through the tolerant parse path: analysed, with the original line numbers."""

from __future__ import annotations

import json

import pytest

from mlaudit.scanners.leakage import analyze_file

# Each Python 2 construct sits on its own line before the leak; the fit on all rows is on the line marked #!.
PY2_LINES = [
    'print "loading", len(sys.argv)',
    "try:\n    import cPickle as pickle\nexcept ImportError, e:\n    import pickle",
    "label = `42`",
    "pattern = ur'\\d+'",
    "mode = 0777",
    "if len(sys.argv) <> 1:\n    pass",
]
HEAD = "import sys\nimport pandas as pd\nfrom sklearn.preprocessing import StandardScaler\n" \
       "from sklearn.model_selection import train_test_split\n"
LEAK = "df = pd.read_csv('d.csv')\nX = StandardScaler().fit_transform(df)  #!\nX_tr, X_te = train_test_split(X)\n"
CLEAN = "df = pd.read_csv('d.csv')\nX_tr, X_te = train_test_split(df)\nsc = StandardScaler().fit(X_tr)\nZ = sc.transform(X_te)\n"


def marked_line(text: str) -> int:
    """The 1-based line ending in ``#!``."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.rstrip().endswith("#!"))


def notebook(cells: list[str]) -> bytes:
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                     "source": c.splitlines(keepends=True)} for c in cells],
          "metadata": {"kernelspec": {"language": "python", "name": "python2"}}, "nbformat": 4, "nbformat_minor": 4}
    return json.dumps(nb).encode()


@pytest.mark.parametrize("py2", PY2_LINES)
def test_py2_script_is_analysed_at_the_original_line(py2: str) -> None:
    """A script with one Python 2 construct is analysed; the finding names the original line; the rewrite is noted."""
    text = HEAD + py2 + "\n" + LEAK
    r = analyze_file("old.py", text.encode())
    assert r.unreadable is None
    assert [(f.check_id, f.site.line) for f in r.findings] == [("LEAK-CODE-PREPROCESS", marked_line(text))]
    assert r.partial == ["Python 2 syntax rewritten"]


@pytest.mark.parametrize("py2", PY2_LINES)
def test_py2_script_twin_without_leak_stays_clean(py2: str) -> None:
    """The same Python 2 construct with the scaler fitted on the training part only: analysed, nothing reported."""
    r = analyze_file("old.py", (HEAD + py2 + "\n" + CLEAN).encode())
    assert r.unreadable is None and r.findings == [] and r.uses_ml


def test_all_py2_constructs_in_one_script() -> None:
    """Every construct together (print, except X, e, backticks, ur'', 0777, <>) still gives the leak at its line."""
    text = HEAD + "\n".join(PY2_LINES) + "\n" + LEAK
    r = analyze_file("old.py", text.encode())
    assert [(f.check_id, f.site.line) for f in r.findings] == [("LEAK-CODE-PREPROCESS", marked_line(text))]


def test_py2_notebook_cells_keep_cell_and_line() -> None:
    """Python 2 cells of a notebook: the finding names the cell and the line inside the cell; notes name the cells."""
    leak_cell = 'print "fitting"\nX = StandardScaler().fit_transform(df)  #!\nprint X.shape'
    r = analyze_file("old.ipynb", notebook([HEAD + "df = pd.read_csv('d.csv')", "print `len(df)`", leak_cell,
                                            "X_tr, X_te = train_test_split(X)\nprint 'done'"]))
    assert r.unreadable is None and r.cell_errors == []
    assert [(f.check_id, f.site.cell, f.site.line) for f in r.findings] == [("LEAK-CODE-PREPROCESS", 2, 2)]
    assert r.partial == ["cell 1: Python 2 syntax rewritten", "cell 2: Python 2 syntax rewritten",
                         "cell 3: Python 2 syntax rewritten"]


def test_unparseable_line_is_skipped_and_named() -> None:
    """A line neither Python 3 nor Python 2 is skipped (named in partial); the rest is analysed at its lines."""
    body = "\n".join(f"v{i} = {i}" for i in range(12))
    text = HEAD + body + "\nthis is not python at all\n" + LEAK
    r = analyze_file("odd.py", text.encode())
    bad = text.split("\n").index("this is not python at all") + 1
    assert r.unreadable is None and r.partial == [f"line(s) {bad} skipped (could not be parsed)"]
    assert [f.site.line for f in r.findings] == [marked_line(text)]
