"""MODEL-VALIDATION-GATE: model quality checked against a threshold before release (CI step, pipeline, test)."""

from __future__ import annotations

import ast
import re

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import real_models
from mlaudit.store.model_queries import versions_in_scope

METRIC = re.compile(r"auc|roc|accuracy|\bacc\b|acc_|_acc|f1|precision|recall|rmse|mae|mse|r2|score|logloss|loss|metric|error", re.IGNORECASE)
BOUND_NAME = re.compile(r"threshold|thresh|min_|minimum|max_|maximum|baseline|target|expected|best|champion|prod", re.IGNORECASE)
# Metrics where higher is better: "< 1" / "<= 1" is the range of the metric, not a bar the model must clear.
BOUNDED = re.compile(r"auc|roc|accuracy|\bacc\b|acc_|_acc|f1|precision|recall|r2|score", re.IGNORECASE)
TRIVIAL = (0, 1)


def _name(node: ast.AST) -> str:
    """The source text of a small expression (a name, attribute, subscript or call)."""
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - an odd node is simply not a metric
        return ""


def _number(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return -inner if inner is not None else None
    return None


def _is_difference(node: ast.AST) -> bool:
    """``abs(a - b)`` (or math.fabs / np.abs): how far two values are apart, not a metric. ``new - old > margin``
    (an improvement over a baseline) is not this."""
    if not (isinstance(node, ast.Call) and _name(node.func) in ("abs", "math.fabs", "np.abs", "numpy.abs") and node.args):
        return False
    return isinstance(node.args[0], ast.BinOp) and isinstance(node.args[0].op, ast.Sub)


def is_quality_gate(test: ast.expr) -> bool:
    """A comparison of a model metric with a bar it must clear: a threshold value or a named bound.

    Range sanity checks are not gates: ``0 < precision < 1``, ``acc >= 0``, ``auc <= 1``; nor are agreement
    checks between two computations of a metric: ``abs(train_acc - eval_acc) < 0.001``.
    """
    for node in ast.walk(test):
        if not isinstance(node, ast.Compare) or not all(isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for op in node.ops):
            continue
        operands = [node.left, *node.comparators]
        if any(_is_difference(o) for o in operands):
            continue  # abs(a - b) < 1e-3: two computations of a metric agree (a consistency check), not a quality bar
        named = [o for o in operands if _number(o) is None and BOUND_NAME.search(_name(o))]
        metrics = [o for o in operands if o not in named and METRIC.search(_name(o)) and _number(o) is None]
        if not metrics and len(named) >= 2 and any(METRIC.search(_name(o)) for o in named):
            return True  # new_score > baseline_score
        if not metrics:
            continue
        if named:
            return True
        bounds = [o for o in operands if o not in metrics]
        numbers = [_number(o) for o in bounds]
        consts = [n for n in numbers if n is not None]
        if not consts or len(consts) != len(bounds):
            continue
        if all(c in TRIVIAL for c in consts):
            bounded = all(BOUNDED.search(_name(m)) for m in metrics)
            if len(consts) > 1 or 0 in consts or bounded:
                continue  # 0 < m < 1, m > 0, score <= 1: the metric's range, not a quality bar
        return True
    return False


def _fails(body: list[ast.stmt]) -> bool:
    """The branch stops the release: raise, sys.exit / exit / quit."""
    for node in body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Raise):
                return True
            if isinstance(sub, ast.Call) and _name(sub.func) in ("sys.exit", "exit", "quit", "os._exit", "pytest.fail"):
                return True
    return False


def gate_lines(text: str) -> list[int]:
    """Lines where a metric is compared with a threshold and failing stops (assert, or if ...: raise/exit)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    out = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assert) and is_quality_gate(node.test)) or (isinstance(node, ast.If) and is_quality_gate(node.test) and (_fails(node.body) or _fails(node.orelse))):
            out.append(node.lineno)
    return sorted(out)


PREDICTION = re.compile(r"(^|[._\[])(pred|preds|predict|predicted|prediction|predictions|y_hat|yhat)(\b|_)|_pred\b",
                        re.IGNORECASE)
SHAPE_ATTRS = (".shape", ".dtype", ".size", ".ndim", ".columns", ".index")


def _prediction_operand(node: ast.expr) -> bool:
    """A model's output itself (``prediction``, ``preds[0]``, ``model.predict(x)``), not its length or shape."""
    if isinstance(node, ast.Call):
        name = _name(node.func)
        return name.endswith(("predict", "predict_proba", "get_label")) and not name.startswith(("len", "type", "isinstance"))
    text = _name(node)
    return bool(PREDICTION.search(text)) and not text.endswith(SHAPE_ATTRS)


def behaviour_lines(text: str) -> list[int]:
    """Lines of a test asserting that a model's prediction equals an expected output (behavioural tests:
    invariance, directional, minimum functionality): the test fails when the model behaves wrongly."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    return sorted(node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert) and _behavioural(node.test))


def _behavioural(test: ast.expr) -> bool:
    """``prediction == expected`` (or ``in``), never against None."""
    if not isinstance(test, ast.Compare) or not all(isinstance(op, ast.Eq | ast.In) for op in test.ops):
        return False
    operands = [test.left, *test.comparators]
    return any(_prediction_operand(o) for o in operands) and not any(
        isinstance(o, ast.Constant) and o.value is None for o in operands)


def _scripts(cmd: str, tree_paths: set[str]) -> list[str]:
    """Python files a step command names (``python src/evaluate.py``, ``-m pkg.evaluate``)."""
    found = []
    for token in re.findall(r"[\w./-]+", cmd or ""):
        token = token.removeprefix("./")
        if "/" not in token and "." in token and not token.endswith(".py"):
            token = token.replace(".", "/") + ".py"  # python -m pkg.module
        if not token.endswith(".py"):
            continue
        found += [p for p in sorted(tree_paths) if p == token or p.endswith("/" + token)]  # src/ layouts
    return list(dict.fromkeys(found))


@register
class ValidationGate(Check):
    id = "MODEL-VALIDATION-GATE"
    title = "Model quality is checked against a threshold before release"
    area = "models"
    help = (
        "Passes when a CI job or pipeline stage runs an evaluation script that fails below a metric threshold "
        "(assert, or if ...: raise/exit), or a test run by CI does; a CI-run behavioural test asserting that a model's "
        "prediction equals the expected output is a gate too. Writing metrics is not a gate, and range "
        "checks such as 0 < precision < 1, or agreement checks such as abs(acc_a - acc_b) < 0.001, are not thresholds. A threshold nothing runs automatically gives half "
        "a point (warn); evaluation without a threshold, or nothing at all, fails."
    )
    recommendation = "Add a CI or pipeline step that evaluates the candidate model and fails below a metric threshold before it is released."
    markers = ("model validation",)
    ml_test_score = ("infra-4",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        ci, pipeline, code = ctx.facts("ci"), ctx.facts("pipeline"), ctx.facts("code")
        py = {e.path for e in ctx.tree.glob("*.py")}
        gates: dict[str, list[int]] = {}
        for path in sorted(py):
            try:
                gates[path] = gate_lines(ctx.tree.read_text(path, 2 * 1024 * 1024))
            except Exception:  # noqa: BLE001 - unreadable or too large: not evidence either way
                gates[path] = []
        automated, ungated = [], []
        steps = [(f"CI step {st.get('name') or (st.get('run') or '')[:60]!r}", job.get("path"), st.get("line"), st.get("run") or "")
                 for job in ci.get("jobs", []) for st in job.get("steps", []) if "evaluation" in st.get("kinds", [])]
        steps += [(f"{st.get('source')} step {st.get('name')!r}", st.get("path"), st.get("line"), st.get("cmd") or "")
                  for st in pipeline.get("steps", []) if "evaluation" in st.get("kinds", [])]
        for label, path, line, cmd in steps:
            gated = [(script, gates[script][0]) for script in _scripts(cmd, py) if gates.get(script)]
            if gated:
                automated.append(Evidence(f"{label} evaluates the model and {gated[0][0]}:{gated[0][1]} fails below a threshold",
                                          path=path, line=line))
            else:
                ungated.append(Evidence(f"{label} evaluates the model but nothing it runs compares a metric with a threshold "
                                        "(writing metrics is not a gate)", path=path, line=line))
        ci_runs_tests = any("tests" in s.get("kinds", []) for j in ci.get("jobs", []) for s in j.get("steps", []))
        test_paths = {t["path"] for t in code.get("tests", [])}
        manual = []
        model_tests = {t["path"] for t in code.get("tests", []) if "model" in t.get("kinds", []) and not t.get("vacuous")}
        for path in sorted(model_tests & py) if ci_runs_tests else []:
            try:
                lines = behaviour_lines(ctx.tree.read_text(path, 2 * 1024 * 1024))
            except Exception:  # noqa: BLE001 - unreadable or too large: not evidence either way
                lines = []
            automated += [Evidence("behavioural test run by CI: the model's prediction must equal the expected output",
                                   path=path, line=ln) for ln in lines[:3]]
        for path, lines in gates.items():
            for ln in lines[:3]:
                if path in test_paths and ci_runs_tests:
                    automated.append(Evidence("test run by CI fails when a model metric is below its threshold", path=path, line=ln))
                else:
                    manual.append(Evidence("metric compared with a threshold (not run automatically)", path=path, line=ln))
        if automated:
            return self.result(Status.PASS, 1, value=len(automated), message="Model quality is checked against a threshold automatically.",
                               evidence=automated[:20])
        if manual:
            return self.result(Status.WARN, 0.5, value=len(manual), message="A metric threshold exists but nothing runs it automatically.",
                               evidence=(manual + ungated)[:20])
        if not ungated and not real_models(versions_in_scope(ctx.store, ctx.rev)) and not code.get("training"):
            return self.result(Status.NOT_APPLICABLE, 0, message="No models or training code found.")
        message = ("Evaluation runs but no metric threshold gates a release." if ungated
                   else "No evaluation step, model test or metric threshold gates a release.")
        return self.result(Status.FAIL, 0, value=0, message=message, evidence=ungated[:20])
