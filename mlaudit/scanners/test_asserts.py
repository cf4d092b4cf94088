"""Does a test function check anything? A test whose only assertion is ``assert True`` (or that does nothing)
is vacuous: it can never fail, so it is no evidence of testing."""

from __future__ import annotations

import ast

_ASSERT_CALL_PREFIXES = ("assert", "self.assert", "self.fail", "pytest.raises", "pytest.warns", "pytest.fail",
                         "pytest.approx", "np.testing.", "numpy.testing.", "pd.testing.", "pandas.testing.",
                         "torch.testing.", "tf.debugging.", "testing.assert", "expect", "check_")
_NO_OP_CALLS = ("print", "logging.", "logger.", "log.", "pytest.skip", "pytest.mark")


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    return ""


def is_vacuous_test(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True when the test cannot fail on what it exercises: no assertion other than of a constant, no
    assertion helper, no raise, and no call other than printing or logging (a smoke test calling code is not)."""
    for node in ast.walk(func):
        if node is func:
            continue
        if isinstance(node, ast.Assert):
            if not isinstance(node.test, ast.Constant):
                return False
        elif isinstance(node, ast.Raise):
            return False
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name.startswith(_ASSERT_CALL_PREFIXES) or ".assert" in name:
                return False
            if not name.startswith(_NO_OP_CALLS):
                return False  # it exercises code: an exception fails the test
        elif isinstance(node, ast.With | ast.AsyncWith):
            return False  # context managers (pytest.raises, mocks of inputs) check behaviour
    return True
