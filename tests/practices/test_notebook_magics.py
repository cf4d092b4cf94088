"""Notebook magics are blanked, but a continuation line that starts with an operator is Python, not a magic."""

from __future__ import annotations

import ast

from mlaudit.scanners.notebooks import python_of_cell


def test_percent_operator_on_a_continuation_line_is_kept() -> None:
    """``print("%r"\\n    % (x,))`` keeps its second line (blanking it left a bracket open: a false parse error)."""
    cell = 'x = 1\nprint("shape: %r"\n      % (x,))\n'
    out = python_of_cell(cell)
    assert out == cell
    ast.parse(out)


def test_real_magics_and_shell_escapes_are_still_blanked() -> None:
    """%name, !cmd, x = !cmd and help lines are blanked on the same lines; != inside brackets is kept."""
    cell = "%matplotlib inline\n!pip install numpy\nfiles = !ls\nnp.mean?\nok = (1\n    != 2)\n"
    out = python_of_cell(cell)
    assert out.split("\n") == ["", "", "", "", "ok = (1", "    != 2)", ""]
    ast.parse(out)
