"""Code facts from ``ast`` over every script and notebook cell: seeds, tracking, validation, serving, tests.

Provider ``code`` returns (every item carries ``path``, ``line`` and ``cell`` — None for scripts)::

    files: int                     scripts and notebooks parsed
    unreadable: [{path, cell, reason, mentions}]  syntax errors, Python 2, null bytes (recorded, never raised);
                                   mentions: topics its text names (``TOPIC_WORDS``), e.g. serving
    templates: [{path, cell, reason}]    files with Jinja markup that do not parse: cookiecutter/copier templates
                                   (skipped: not this project's code; files under a ``{{ ... }}`` folder are never read)
    partial: [{path, cell, reason}]      analysed after a Python 2 rewrite, or with a failing line skipped
    imports: [module]              top-level modules imported anywhere
    seeds: [{lib, call}]           random.seed, np.random.seed, torch.manual_seed, default_rng(42), ...
    random_state: [{lib, call}]    estimator / split calls given random_state (or **kwargs)
    unseeded: [{lib, call}]        estimator / split calls without random_state, default_rng(), df.sample()
    rng_use: [{lib, call}]         draws from a library's global generator, torch/keras training
    tracking: [{tool, call, via}]  mlflow, wandb, dvclive, neptune, comet, clearml, tensorboard, ...
    validation: [{tool, call, via, serving, in_tests?}]  pandera, great_expectations, evidently, deepchecks, tfdv, asserts
    schemas: [{tool, name}]        pandera schemas/models, tfdv schemas, expectation suites
    serving: [{framework, call}]   fastapi, flask, bentoml, torchserve, ray serve, seldon, kserve, gradio, streamlit
    handlers: [{name, params: [{name, model, annotated, batch}], explicit_checks, validated, is_async, batch}]
    pydantic_models: [{name, constrained, serving}]
    model_loads: [{call, placement, serving}]  placement: module | startup | handler | function
    monitoring: [{tool, call, via}]  prometheus, statsd, datadog, opentelemetry, sentry, drift monitors, alert clients
    prediction_logs: [{call}]      logging calls inside serving handlers
    tests: [{path, functions, kinds, vacuous}]  kinds among code, data, model; vacuous: tests that cannot fail (assert True)
    hyper_literals: [{call, names, training}]  numeric keyword literals passed to estimators / optimizers
    params_reads: [{source, via}]  config files opened, config libraries (hydra, argparse, dvc.api, ...)
    training: [{call}]             .fit / .train calls
    data_reads: [{call, target, expr}]  data paths built in code (os.path.join, constants, config attributes, YAML
                                   config values) resolved to a repo path or URL; target None when it stays unknown
"""

from __future__ import annotations

import ast
import hashlib
import posixpath
import re
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

from mlaudit.core.templates import TEMPLATE_TEXT_WHY, is_template_text
from mlaudit.core.tree import TreeSource
from mlaudit.scanners import code_names as N
from mlaudit.scanners.code_paths import MAX_CONFIG_BYTES, resolve
from mlaudit.scanners.code_visit import ModuleVisitor
from mlaudit.scanners.facts import fact_provider
from mlaudit.scanners.notebooks import SourceFile, python_sources
from mlaudit.scanners.py2compat import TolerantParse, tolerant_parse

MAX_ITEMS = 500
LIST_KEYS = ("unreadable", "templates", "partial", "seeds", "random_state", "unseeded", "rng_use", "tracking", "validation", "schemas",
             "serving", "handlers", "pydantic_models", "model_loads", "monitoring", "prediction_logs", "tests",
             "hyper_literals", "params_reads", "training", "data_reads")
KIND_KEY = {"seed": "seeds", "random_state": "random_state", "unseeded": "unseeded", "rng_use": "rng_use",
            "tracking": "tracking", "validation": "validation", "schema": "schemas", "serving": "serving",
            "handler": "handlers", "pydantic_model": "pydantic_models", "model_load": "model_loads",
            "monitoring": "monitoring", "prediction_log": "prediction_logs", "hyper_literal": "hyper_literals",
            "params_read": "params_reads", "training": "training", "data_read": "data_reads"}
SUITE_TOOLS = {"great_expectations", "pandera", "deepchecks", "evidently", "tfdv", "soda", "whylogs"}
_TEST_PATH = re.compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")
_TRAIN_PATH = re.compile(r"(^|/)[^/]*train[^/]*\.(py|ipynb)$", re.IGNORECASE)


def unreadable_reason(exc: BaseException) -> str:
    """A one-line reason a source could not be parsed."""
    if "null bytes" in str(exc):
        return "the file contains null bytes"
    if isinstance(exc, SyntaxError):
        msg = exc.msg or "invalid syntax"
        if "Missing parentheses in call to 'print'" in msg or ("print " in (exc.text or "") and "(" not in (exc.text or "")):
            return f"Python 2 syntax (line {exc.lineno}): {msg}"
        return f"syntax error (line {exc.lineno}): {msg}"
    return f"cannot parse: {exc}"


def is_test_path(path: str) -> bool:
    return bool(_TEST_PATH.search(path))


_SUFFIX_ONLY_TEST = re.compile(r"(^|/)(?!test_)[^/]*_test\.py$")


def _is_test_file(path: str, result: Analysis) -> bool:
    """A test file: under tests/, test_*.py, conftest.py, or a *_test.py that holds test functions or imports a
    test framework (``train_test.py`` holding training code is training code, not a test)."""
    if not is_test_path(path):
        return False
    if "/tests/" in f"/{path}" or "/test/" in f"/{path}" or not _SUFFIX_ONLY_TEST.search(path):
        return True
    return any(kind == "test_function" for kind, *_ in result.findings) or bool(result.imports & {"pytest", "unittest"})


def is_training_path(path: str) -> bool:
    """A script or notebook named like training code (train.py, train_model.ipynb, retrain.py, ...)."""
    return bool(_TRAIN_PATH.search(path))


# What an unparsed unit could hold, told from its text: a word search finds at least what the AST visitor would
# (the visitor needs these module, class or decorator names too), so a unit that mentions none of a topic's words
# cannot hold what a check of that topic looks for.
TOPIC_WORDS = {
    "serving": re.compile(r"\b(fastapi|FastAPI|flask|Flask|bentoml|torchserve|BaseHandler|seldon_core|kserve|gradio|"
                          r"streamlit|litserve|starlette|sanic|aiohttp|uvicorn|gunicorn|APIRouter)\b|\bray\.serve\b|"
                          r"\bserve\.deployment\b|@\w+\.(route|get|post|put|patch|delete|api|websocket|endpoint)\b"),
    # what the leakage checks follow: fitting, transforming, splitting, resampling, scoring, test-set statistics
    "ml": re.compile(r"\b(fit\w*|\w*transform\w*|predict\w*|\w*score\w*|\w*_split|\w*Split|\w*Fold|cross_val\w*|"
                     r"\w*Scaler|\w*Encoder|\w*Imputer|\w*Vectorizer|\w*SMOTE\w*|\w*[Ss]ampler|\w*sample\w*|augment\w*|"
                     r"ImageDataGenerator|mean|std|median|quantile|fillna|normali[sz]\w*|standardi[sz]\w*|evaluate\w*|"
                     r"accuracy\w*|\w*Search\w*|test|\w+_test|test_\w+|\w+_test_\w+|\w*Test\w*|X_\w+|y_\w+|PCA|\w*SVD|"
                     r"Pipeline|make_pipeline)\b|\.split\("),
}


def mentions(text: str) -> list[str]:
    """The topics (``TOPIC_WORDS``) whose words appear in ``text``."""
    return [topic for topic, words in TOPIC_WORDS.items() if words.search(text)]


def joined_text(cells: list[SourceFile]) -> str:
    """A script's text, or a notebook's code cells joined into one script."""
    return "".join(c.text if c.text.endswith("\n") or not c.text else c.text + "\n" for c in cells)


@dataclass(slots=True)
class Analysis:
    """What one file (script or whole notebook) shows, independent of its path: cached by content."""

    parsed: bool
    findings: list[tuple[str, int, int | None, dict[str, Any]]] = field(default_factory=list)  # kind, line, cell, data
    imports: set[str] = field(default_factory=set)
    serving: bool = False
    unreadable: list[tuple[int | None, int | None, str]] = field(default_factory=list)  # line, cell, reason
    partial: list[tuple[int | None, str]] = field(default_factory=list)  # cell, what was rewritten or skipped
    test_kinds: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)  # self.NAME = "<string>" assignments (config objects)


_CACHE: OrderedDict[str, Analysis] = OrderedDict()
CACHE_SIZE = 20000


def _visit(module: ast.Module, aliases: dict[str, str] | None = None) -> ModuleVisitor:
    v = ModuleVisitor(aliases)
    v.visit(module)
    return v


def _error_line(parsed: TolerantParse) -> int | None:
    m = re.search(r"\(line (\d+)\)", parsed.error or "")
    return int(m.group(1)) if m else None


def _parse_units(units: list[SourceFile], result: Analysis) -> list[tuple[ModuleVisitor, SourceFile | None]]:
    """Visit a script, or a notebook as one module; fall back to cell by cell when the whole fails. Python 2 code
    goes through the tolerant path (rewritten on the same lines, a failing line skipped); what still fails is
    recorded in ``unreadable`` and what was changed in ``partial``."""
    script = units[0].cell_index is None
    whole = tolerant_parse(units[0].text if script else joined_text(units))
    if whole.tree is not None and (script or not whole.blanked):
        if whole.note:
            result.partial.append((None, whole.note))
        return [(_visit(whole.tree), None)]
    if script:
        result.unreadable.append((_error_line(whole), None, whole.error or "cannot parse"))
        return []
    out: list[tuple[ModuleVisitor, SourceFile | None]] = []
    aliases: dict[str, str] = {}
    for cell in units:
        parsed = tolerant_parse(cell.text)
        if parsed.tree is None:
            result.unreadable.append((_error_line(parsed), cell.cell_index, parsed.error or "cannot parse"))
            continue
        if parsed.note:
            result.partial.append((cell.cell_index, parsed.note))
        v = _visit(parsed.tree, aliases)
        aliases = v.aliases
        out.append((v, cell))
    return out


def _position(units: list[SourceFile], cell: SourceFile | None, line: int) -> tuple[int, int | None]:
    if cell is not None:
        return line, cell.cell_index
    if units[0].cell_index is None:
        return line, None
    owner = units[0]
    for unit in units:
        if unit.line_offset < line:
            owner = unit
    return line - owner.line_offset, owner.cell_index


def _test_kinds(text: str) -> list[str]:
    low = text.lower()
    kinds = ["code"]
    if any(h in low for h in N.TEST_DATA_HINTS):
        kinds.append("data")
    if any(h in low for h in N.TEST_MODEL_HINTS):
        kinds.append("model")
    return kinds


def content_key(units: list[SourceFile]) -> str:
    """Cache key of one script or notebook: its blob id (or text hash) and whether it is a script."""
    blob = units[0].blob or hashlib.sha1(joined_text(units).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{blob}:{units[0].cell_index is None}"


def parse_module(units: list[SourceFile]) -> ast.Module | None:
    """One module for a script or a whole notebook (Python 2 code through the tolerant path); a notebook that only
    parses cell by cell keeps the cells that parse. None when nothing parses."""
    script = units[0].cell_index is None
    whole = tolerant_parse(units[0].text if script else joined_text(units))
    if whole.tree is not None and (script or not whole.blanked):
        return whole.tree
    body: list[ast.stmt] = []
    for unit in [] if script else units:
        parsed = tolerant_parse(unit.text)
        if parsed.tree is not None:
            body.extend(parsed.tree.body)
    return ast.Module(body=body, type_ignores=[]) if body else None


def analyse(units: list[SourceFile]) -> Analysis:
    """The path-independent analysis of one file, computed once per content (blob id or text hash)."""
    text = joined_text(units)
    key = content_key(units)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    result = Analysis(parsed=False)
    visits = _parse_units(units, result)
    result.parsed = bool(visits)
    for visitor, cell in visits:
        result.imports.update(visitor.imports)
        result.attrs.update(visitor.paths.attrs)
        result.serving = result.serving or bool(visitor.frameworks)
        result.findings.extend((f.kind, *_position(units, cell, f.line), f.data) for f in visitor.findings)
    result.test_kinds = _test_kinds(text)
    _CACHE[key] = result
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def _jinja_failure(text: str, line: int | None) -> bool:
    """The parse failed on Jinja markup: the failing line (or, without a line, the text) carries it."""
    if line is None:
        return is_template_text(text)
    lines = text.split("\n")
    near = "\n".join(lines[max(0, line - 2): line + 1])  # the line before may open the {% ... %} block
    return "{{" in near or "{%" in near


def _add_file(facts: dict[str, Any], units: list[SourceFile]) -> None:
    path = units[0].path
    result = analyse(units)
    texts = {u.cell_index: u.text for u in units}
    if result.unreadable and all(_jinja_failure(texts.get(cell, "") if cell is not None else joined_text(units), line)
                                 for line, cell, _ in result.unreadable):  # a template, not broken code
        facts["templates"].append({"path": path, "line": None, "cell": None, "reason": TEMPLATE_TEXT_WHY})
    else:
        facts["unreadable"].extend({"path": path, "line": line, "cell": cell, "reason": reason,
                                    "mentions": mentions(texts.get(cell, "") if cell is not None else joined_text(units))}
                                   for line, cell, reason in result.unreadable)
    facts["partial"].extend({"path": path, "line": None, "cell": cell, "reason": reason} for cell, reason in result.partial)
    if not result.parsed:
        return
    facts["files"] += 1
    facts["imports"].update(result.imports)
    if _is_test_file(path, result):  # what tests and their helpers use (mlflow, ...) is not the project's practice,
        tests = sum(kind == "test_function" for kind, *_ in result.findings)
        vacuous = sum(kind == "test_function" and bool(data.get("vacuous")) for kind, _, _, data in result.findings)
        if tests:
            facts["tests"].append({"path": path, "functions": tests, "kinds": result.test_kinds, "vacuous": vacuous})
        for kind, line, cell, data in result.findings:  # except a data-validation suite kept under tests/
            key = {"validation": "validation", "schema": "schemas"}.get(kind)
            if key and data.get("tool") in SUITE_TOOLS and len(facts[key]) < MAX_ITEMS:
                facts[key].append({"path": path, "line": line, "cell": cell, **data, "in_tests": True}
                                  | ({"serving": False} if key == "validation" else {}))
        return
    training = is_training_path(path) or any(kind == "training" for kind, *_ in result.findings)
    for kind, line, cell, data in result.findings:
        key = KIND_KEY.get(kind)
        if key is None or len(facts[key]) >= MAX_ITEMS:
            continue
        item = {"path": path, "line": line, "cell": cell, **data}
        if key in ("validation", "pydantic_models", "model_loads"):
            item["serving"] = result.serving
        if key == "hyper_literals":
            item["training"] = training
        if key == "handlers":
            item["validated"] = "pydantic" if any(p["model"] for p in data["params"]) else "explicit" if data["explicit_checks"] else None
        facts[key].append(item)


@fact_provider("code")
def code_facts(tree: TreeSource) -> dict[str, Any]:
    """Practices visible in the Python code of one tree (scripts and notebook cells)."""
    facts: dict[str, Any] = {"files": 0, "imports": set(), **{k: [] for k in LIST_KEYS}}
    groups: dict[str, list[SourceFile]] = defaultdict(list)
    for src in python_sources(tree):
        if src.error:
            facts["unreadable"].append({"path": src.path, "line": None, "cell": None, "reason": src.error})
        else:
            groups[src.path].append(src)
    for units in groups.values():
        _add_file(facts, units)
    _resolve_data_reads(facts, [analyse(units).attrs for units in groups.values()], tree)
    facts["imports"] = sorted(facts["imports"])
    return facts


def _resolve_data_reads(facts: dict[str, Any], attr_tables: list[dict[str, str]], tree: TreeSource) -> None:
    """Fill config attributes and YAML/JSON values into the data paths reads name (from anywhere in the tree)."""
    attrs: dict[str, str] = {}
    for table in attr_tables:
        for name, value in table.items():
            attrs.setdefault(name, value)

    def read(path: str) -> str | None:
        try:
            return tree.read_text(path, MAX_CONFIG_BYTES) if tree.exists(path) else None
        except Exception:  # noqa: BLE001 - a config that cannot be read resolves nothing
            return None

    for item in facts["data_reads"]:
        expr = item.pop("target")
        item["expr"] = expr
        item["target"] = resolve(expr, attrs, read, posixpath.dirname(item["path"]))
