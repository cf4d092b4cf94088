"""Python 2 scripts and notebook cells: rewritten on the same lines, analysed, facts at their original lines."""

from __future__ import annotations

import ast
import json

import pytest

from mlaudit.scanners.code import code_facts
from mlaudit.scanners.py2compat import rewrite_py2, tolerant_parse

# Every Python-2-only construct of the issue, one per line; the comment says which line a fact must land on.
PY2_SCRIPT = """\
import os, random
import numpy as np
from sklearn.ensemble import RandomForestClassifier
print "loading"
try:
    os.chmod("out", 0777)
except OSError, e:
    print `e`
s = ur'\\d+'
if len(s) <> 3: print "odd"
n = 10L
exec "x = 1"
np.random.seed(0)
clf = RandomForestClassifier(n_estimators=100)
clf.fit(X, y)
print >>sys.stderr, "done",
raise ValueError, "stop"
"""


def facts_of(tree_of, files: dict[str, str]) -> dict:
    return code_facts(tree_of(files))


def test_every_construct_is_rewritten_on_its_own_line() -> None:
    """The rewrite parses, keeps the line count, and each construct becomes its Python 3 spelling."""
    out = rewrite_py2(PY2_SCRIPT)
    ast.parse(out)
    assert out.count("\n") == PY2_SCRIPT.count("\n")
    lines = out.split("\n")
    assert lines[3] == 'print( "loading")'
    assert "0o777" in lines[5]
    assert lines[6] == "except OSError as e:"
    assert lines[7].strip() == "print( repr(e))"
    assert lines[8] == "s = r'\\d+'"
    assert "!=" in lines[9] and 'print( "odd")' in lines[9]
    assert lines[10] == "n = 10"
    assert lines[11] == 'exec( "x = 1")'
    assert lines[15] == 'print(  "done", end=\' \', file=sys.stderr)'
    assert lines[16] == 'raise ValueError( "stop")'


def test_facts_of_a_python2_script_keep_their_lines(tree_of) -> None:
    """Seeds, estimators and training calls found after the rewrite carry the line of the original file."""
    facts = facts_of(tree_of, {"train.py": PY2_SCRIPT})
    assert facts["unreadable"] == []
    assert facts["files"] == 1
    assert [(s["call"], s["line"]) for s in facts["seeds"]] == [("numpy.random.seed", 13)]
    assert [t["line"] for t in facts["training"]] == [15]
    assert [(p["path"], p["reason"]) for p in facts["partial"]] == [("train.py", "Python 2 syntax rewritten")]


def test_python2_notebook_cells_keep_cell_and_line(tree_of) -> None:
    """A Python 2 notebook: facts carry their cell index and the line inside that cell."""
    cells = [
        "import numpy as np\nprint 'start'",
        "from sklearn.svm import SVC\nnp.random.seed(1)\nprint `np`",
        "clf = SVC()\nclf.fit(X, y)\nprint 'score', clf.score(X, y)",
    ]
    nb = {"nbformat": 4, "metadata": {"kernelspec": {"name": "python2"}},
          "cells": [{"cell_type": "code", "source": c} for c in cells]}
    facts = facts_of(tree_of, {"Titanic.ipynb": json.dumps(nb)})
    assert facts["unreadable"] == []
    assert [(s["cell"], s["line"]) for s in facts["seeds"]] == [(1, 2)]
    assert [(t["cell"], t["line"]) for t in facts["training"]] == [(2, 2)]


def test_a_line_that_still_fails_is_skipped_and_named(tree_of) -> None:
    """Tuple parameters cannot be rewritten: that one line is skipped, the rest analysed, the skip recorded."""
    src = "import random\nf = lambda (a, b): a + b\nrandom.seed(3)\nx = 1\ny = 2\n"
    parsed = tolerant_parse(src)
    assert parsed.tree is not None and parsed.blanked == [2]
    facts = facts_of(tree_of, {"old.py": src})
    assert [(s["call"], s["line"]) for s in facts["seeds"]] == [("random.seed", 3)]
    assert facts["partial"][0]["reason"] == "line(s) 2 skipped (could not be parsed)"


def test_what_cannot_be_recovered_is_unreadable_with_its_cell(tree_of) -> None:
    """A cell broken beyond the retry bound is named in ``unreadable`` with its cell; the other cells count."""
    broken = "def f(:\n  x = (\nclass :\nfor in :\n))"
    nb = {"cells": [{"cell_type": "code", "source": "import random\nrandom.seed(0)"},
                    {"cell_type": "code", "source": broken}]}
    facts = facts_of(tree_of, {"nb.ipynb": json.dumps(nb)})
    assert [(s["cell"], s["line"]) for s in facts["seeds"]] == [(0, 2)]
    assert [u["cell"] for u in facts["unreadable"]] == [1]


@pytest.mark.parametrize("src, expected", [
    ("print\n", "print()\n"),
    ("print x, y\n", "print( x, y)\n"),
    ("print(x)\n", "print(x)\n"),
    ("print = log\n", "print = log\n"),
    ("except (IOError, OSError), err:\n", "except (IOError, OSError) as err:\n"),
    ("exec code in ns\n", "exec( code , ns)\n"),
    ("raise E, v, tb\n", "raise E( v) \n"),
    ("m = 0xFFL + 0 + 00 + 0.5\n", "m = 0xFF + 0 + 0 + 0.5\n"),
    ("s = 'print x' # print y\n", "s = 'print x' # print y\n"),
    ('d = """\nprint x\n"""\n', 'd = """\nprint x\n"""\n'),
    ("for k in d: print k; print k,\n", "for k in d: print( k); print( k, end=' ')\n"),
    ("def f(async=1): pass\n", "def f(async_=1): pass\n"),
])
def test_rewrite_cases(src: str, expected: str) -> None:
    """Each rewrite, and what must stay as it is (strings, comments, Python 3 calls)."""
    assert rewrite_py2(src) == expected


def test_a_short_broken_file_is_not_recovered_by_blanking() -> None:
    """Blanking the only line of a file would analyse nothing: the file stays unreadable, with its reason."""
    parsed = tolerant_parse("x = (\n")
    assert parsed.tree is None and parsed.error and parsed.error.startswith("syntax error")


def test_python3_code_is_parsed_unchanged() -> None:
    """Valid Python 3 never goes through the rewrite."""
    parsed = tolerant_parse("print('a', end='')\nx = 0o777\n")
    assert parsed.tree is not None and not parsed.rewritten and parsed.blanked == [] and parsed.note is None


def test_mixed_tabs_and_spaces_are_expanded_like_python2() -> None:
    """Python 2 read a tab as the next multiple of 8 columns; indentation mixing both then parses."""
    src = "def f(x):\n\tif x:\n\t    return 1\n        return 2\n"
    parsed = tolerant_parse(src)
    assert parsed.tree is not None and parsed.blanked == []


def test_old_sklearn_grid_search_module_is_a_tuning_search(tree_of) -> None:
    """sklearn.grid_search.GridSearchCV (scikit-learn < 0.18, Python 2 notebooks) is a hyperparameter search."""
    from mlaudit.scanners.evaluation import evaluation_facts

    src = "from sklearn.grid_search import GridSearchCV\nfrom sklearn.svm import SVC\nprint 'search'\nGridSearchCV(SVC(), {'C': [1, 10]}).fit(X, y)\n"
    facts = evaluation_facts(tree_of({"tune.py": src}))
    assert [(t["tool"], t["line"]) for t in facts["tuning"]] == [("GridSearchCV", 4)]


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PY_ALPHABET = st.sampled_from([*list("abcxyz019_ ()[]{}:;,.'\"`<>=+-*/%!#\\\n\t"), "print ", "except ", "exec ", "raise ", "ur'", "0777", "10L", '"""', "if x:"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PY_ALPHABET, max_size=60).map("".join))
def test_the_tolerant_path_never_raises_and_keeps_lines(text: str) -> None:
    """Any text: the rewrite keeps the line count and tolerant_parse returns a tree or a reason, never raises."""
    assert rewrite_py2(text).count("\n") == text.count("\n")
    parsed = tolerant_parse(text)
    assert (parsed.tree is None) == bool(parsed.error)
