"""Notebook reading and the python_sources walk over a real tree."""

from __future__ import annotations

import ast
import json

import pytest

from mlaudit.core.repo import open_repo
from mlaudit.core.tree import open_tree
from mlaudit.scanners.notebooks import python_of_cell, python_sources, read_notebook


def nb(*cells: tuple[str, str]) -> str:
    return json.dumps({"nbformat": 4, "cells": [{"cell_type": t, "source": s, "metadata": {}} for t, s in cells]})


@pytest.mark.parametrize("source, expected", [
    ("%matplotlib inline\nimport numpy as np", "\nimport numpy as np"),
    ("!pip install x\nx = 1", "\nx = 1"),
    ("files = !ls\nprint(files)", "\nprint(files)"),
    ("np.mean?\ny = 2", "\ny = 2"),
    ("%%bash\necho hi\nls", "\n\n"),
    ("  %time f()\nz = 3 % 2", "\nz = 3 % 2"),
    ("%run a \\\n  b\nq = 1", "\n\nq = 1"),
])
def test_magics_are_blanked_keeping_line_numbers(source: str, expected: str) -> None:
    """Magics, shell escapes and help lines become blank lines; other lines are untouched."""
    assert python_of_cell(source) == expected
    assert python_of_cell(source).count("\n") == source.count("\n")


def test_cells_keep_their_index_among_all_cells() -> None:
    """A code cell's index counts markdown cells too, and list sources are joined."""
    text = nb(("markdown", "# title"), ("code", ["import os\n", "%ls\n"]), ("raw", "x"), ("code", "y = 1"))
    code = read_notebook(text)
    assert code.error is None
    assert [(c.index, c.python) for c in code.cells] == [(1, "import os\n\n"), (3, "y = 1")]
    script, starts = code.script()
    ast.parse(script)
    assert starts == [(1, 1), (3, 3)]


def test_nbformat3_notebooks_are_read() -> None:
    """Old nbformat 3 notebooks keep code in worksheets[0].cells[].input."""
    text = json.dumps({"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": ["a = 1\n"]}]}]})
    assert [c.python for c in read_notebook(text).cells] == ["a = 1\n"]


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", json.dumps({"metadata": {}}), ""])
def test_invalid_notebooks_give_an_error_not_an_exception(text: str) -> None:
    """Broken JSON or JSON that is no notebook sets error and yields no cells."""
    code = read_notebook(text)
    assert code.cells == [] and code.error


def test_python_sources_walks_scripts_and_cells(make_repo) -> None:
    """Scripts yield one SourceFile, notebooks one per code cell with positions for evidence."""
    repo = make_repo()
    repo.commit("code", {
        "train.py": "import random\nrandom.seed(1)\n",
        "nb/explore.ipynb": nb(("markdown", "hi"), ("code", "a = 1\nb = 2"), ("code", "c = 3")),
        "nb/.ipynb_checkpoints/explore-checkpoint.ipynb": nb(("code", "old = 1")),
        "broken.ipynb": "{",
        "README.md": "x",
    })
    tree = open_tree(open_repo(repo.root), "HEAD")
    try:
        files = list(python_sources(tree))
    finally:
        tree.close()
    by = [(f.path, f.cell_index, f.line_offset, f.error is not None) for f in files]
    assert by == [("broken.ipynb", None, 0, True), ("nb/explore.ipynb", 1, 0, False),
                  ("nb/explore.ipynb", 2, 2, False), ("train.py", None, 0, False)]
    assert files[2].position(1) == (1, 2) and files[3].position(2) == (2, None)
    assert all(f.blob for f in files)
