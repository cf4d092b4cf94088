"""One pass over a module's AST that records what the code scanner looks for, with line numbers."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from mlaudit.scanners import code_names as N
from mlaudit.scanners.code_paths import DATA_SUFFIX, READ_CALLS, StaticPaths, read_target
from mlaudit.scanners.test_asserts import is_vacuous_test


@dataclass(slots=True)
class Finding:
    """One observation: ``kind`` (seed, unseeded, tracking, ...), line in the parsed text, details."""

    kind: str
    line: int
    data: dict[str, Any] = field(default_factory=dict)


_REQUEST_NAMES = {"request", "req"}
_RAW_BODY_CALLS = {"json", "get_json", "body", "form", "get_data"}
_RAW_BODY_ATTRS = {"json", "form", "args", "data", "files", "values", "query_params"}


def _raw_request_input(node: ast.AST) -> str | None:
    """``await request.json()``, ``request.get_json()``, ``request.form[...]``: the handler reads a raw request body."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id in _REQUEST_NAMES \
                and sub.attr in _RAW_BODY_CALLS | _RAW_BODY_ATTRS:
            return f"{sub.value.id}.{sub.attr}"
    return None


def _literal_keys(value: ast.AST) -> set[str] | None:
    """Keys of a dict literal or dict(...) call with constant keys, else None (not visible statically)."""
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) for k in value.keys):
        return {str(k.value) for k in value.keys if isinstance(k, ast.Constant)}
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args:
        return {k.arg for k in value.keywords if k.arg}
    return None


def _prefix(name: str | None, table: dict[str, str]) -> str | None:
    """The table value of the longest key that is ``name`` or a dotted prefix of it."""
    if not name:
        return None
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        hit = table.get(".".join(parts[:i]))
        if hit is not None:
            return hit
    return None


class ModuleVisitor(ast.NodeVisitor):
    """Collects findings from one module (a script, or all cells of a notebook joined)."""

    def __init__(self, aliases: dict[str, str] | None = None) -> None:
        self.aliases: dict[str, str] = dict(aliases or {})
        self.findings: list[Finding] = []
        self.stack: list[tuple[str, str]] = []  # (function name, role: handler | startup | other)
        self.pydantic_models: set[str] = set()
        self.frameworks: set[str] = set()
        self.imports: set[str] = set()
        self._class_bases: list[str] = []  # serving base classes of the class being visited
        self._argv_seen = False
        self.paths = StaticPaths()  # string values folded statically, for the data paths reads name
        self._params: list[list[str]] = []  # parameter names of the functions being visited
        self._read_wrappers: dict[str, int] = {}  # local function -> index of the parameter it reads data from
        self._seeded: dict[str, list[tuple[str, ...]]] = {}  # lib -> scopes where it was seeded (so far, in order)
        self._dicts: dict[str, set[str] | None] = {}  # name -> keys of a dict literal assigned to it (None: not a literal)
        self._seeded_generators: set[int] = set()  # ids of torch.Generator() calls seeded by a chained .manual_seed()

    # names -------------------------------------------------------------------------------------------
    def qualname(self, node: ast.AST) -> str | None:
        """Fully qualified dotted name of a Name/Attribute chain rooted at an import, else None."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            return self.qualname(node.func)
        return None

    def add(self, kind: str, node: ast.AST, **data: Any) -> None:
        self.findings.append(Finding(kind, getattr(node, "lineno", 0), data))

    def _global_seed(self, node: ast.AST, lib: str, call: str) -> None:
        """A seed of a library's global generator (np.random.seed, a seed helper), remembered for later calls."""
        self.add("seed", node, lib=lib, call=call)
        self._seeded.setdefault(lib, []).append(self._scope())

    def _scope(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.stack)

    def _globally_seeded(self, lib: str) -> bool:
        """A numpy seed set earlier in this scope or an enclosing one makes ``lib``'s default generator deterministic."""
        if lib not in N.NUMPY_GLOBAL_USERS:
            return False
        here = self._scope()
        return any(here[: len(scope)] == scope for scope in self._seeded.get("numpy", []))

    def _random_call(self, node: ast.AST, lib: str, call: str, seeded: bool, **data: Any) -> None:
        """Record a call that takes a random_state: seeded explicitly, by a global numpy seed before it, or not."""
        if seeded:
            self.add("random_state", node, lib=lib, call=call, **data)
        elif self._globally_seeded(lib):
            self.add("random_state", node, lib=lib, call=call, via="global numpy seed set before", **data)
        else:
            self.add("unseeded", node, lib=lib, call=call, **data)

    def _kwargs_seeded(self, node: ast.Call) -> bool | None:
        """For ``f(**config)``: True/False when ``config`` is a dict literal here (does it set a seed?), None if unknown."""
        answers = []
        for k in node.keywords:
            if k.arg is None:
                name = k.value.id if isinstance(k.value, ast.Name) else None
                keys = self._dicts.get(name) if name else None
                answers.append(None if keys is None else bool(keys & N.SEED_KWARGS))
        if any(a is True for a in answers):
            return True
        return None if None in answers else False

    def _import(self, module: str, node: ast.AST) -> None:
        self.imports.add(module.split(".")[0])
        for kind, table in (("tracking", N.TRACKING), ("validation", N.VALIDATION), ("monitoring", N.MONITORING)):
            tool = _prefix(module, table)
            if tool:
                self.add(kind, node, tool=tool, call=f"import {module}", via="import")
        framework = _prefix(module, N.SERVING)
        if framework:
            self.frameworks.add(framework)
            self.add("serving", node, framework=framework, call=f"import {module}")
        if _prefix(module, dict.fromkeys(N.CONFIG_LIBS, "x")):
            self.add("params_read", node, source=module, via="import")

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            self._import(a.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        for a in node.names:
            if a.name != "*":
                self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        self._import(node.module, node)

    # structure ---------------------------------------------------------------------------------------
    def _role(self, node: ast.FunctionDef | ast.AsyncFunctionDef, in_class_bases: list[str]) -> str:
        for dec in node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            attr = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            qual = self.qualname(target) or ""
            if attr in ("on_event",) and isinstance(dec, ast.Call) and dec.args and getattr(dec.args[0], "value", "") == "startup":
                return "startup"
            if attr in ("cache_resource", "cache", "lru_cache", "cached_property", "asynccontextmanager"):
                return "startup"
            if attr in N.ROUTE_DECORATORS and (self.frameworks or qual.startswith(tuple(N.SERVING))):
                return "handler"
        if node.name in N.STARTUP_NAMES:
            return "startup"
        if node.name in N.HANDLER_METHODS and (in_class_bases or self.frameworks):
            return "handler"
        return "other"

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        role = self._role(node, self._class_bases)
        if node.name.startswith("test"):
            self.add("test_function", node, name=node.name, vacuous=is_vacuous_test(node))
        if role == "handler":
            params = self._handler_params(node)
            self.add("handler", node, name=node.name, params=params, explicit_checks=self._explicit_checks(node),
                     is_async=isinstance(node, ast.AsyncFunctionDef), batch=any(p["batch"] for p in params))
        self.stack.append((node.name, role))
        self._params.append([a.arg for a in node.args.posonlyargs + node.args.args])
        self.generic_visit(node)
        self._params.pop()
        self.stack.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Assign(self, node: ast.Assign) -> None:
        keys = _literal_keys(node.value)
        for target in node.targets:
            self.paths.assign(target, node.value)
            if isinstance(target, ast.Name):
                self._dicts[target.id] = keys
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                key = target.slice.value if isinstance(target.slice, ast.Constant) else None
                known = self._dicts.get(target.value.id)
                if known is not None and isinstance(key, str):
                    known.add(key)  # config["random_state"] = 0
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if not self._argv_seen and self.qualname(node.value) == "sys.argv":  # command-line parameters (MLproject)
            self._argv_seen = True
            self.add("params_read", node, source="sys.argv", via="argv")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        """Leaves: nothing to record (skips NodeVisitor's slow legacy dispatch)."""

    def visit_Name(self, node: ast.Name) -> None:
        """Leaves: nothing to record."""

    def _handler_params(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[dict[str, Any]]:
        out = []
        for arg in node.args.args + node.args.kwonlyargs:
            if arg.arg in ("self", "cls", "request", "req", "context", "ctx"):
                continue
            ann = arg.annotation
            names = {n.id for n in ast.walk(ann) if isinstance(n, ast.Name)} if ann is not None else set()
            batch = ann is not None and bool(re.match(r"(typing\.)?(list|List|Sequence|Iterable)\[", ast.unparse(ann)))
            out.append({"name": arg.arg, "model": sorted(names & self.pydantic_models) or None,
                        "annotated": ann is not None, "batch": batch})
        raw = _raw_request_input(node)
        if raw:  # the body read from the framework's request object: an input, untyped
            out.append({"name": raw, "model": None, "annotated": False, "batch": False})
        return out

    def _explicit_checks(self, node: ast.AST) -> bool:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Raise) and sub.exc is not None:
                return True
            if isinstance(sub, ast.Call):
                name = sub.func.attr if isinstance(sub.func, ast.Attribute) else getattr(sub.func, "id", "")
                if name in ("validate", "abort", "model_validate", "parse_obj", "load", "validate_input") \
                        and (name != "load" or "schema" in ast.unparse(sub.func).lower()):
                    return True
        return False

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = [self.qualname(b) or getattr(b, "id", "") or "" for b in node.bases]
        for base in bases:
            if base in N.SCHEMA_BASES or base.startswith("pandera."):
                self.add("schema", node, tool="pandera", name=node.name)
            if base.startswith("pydantic.") or base in self.pydantic_models:
                self.pydantic_models.add(node.name)
                constrained = "Field(" in ast.unparse(node) or "validator" in ast.unparse(node)
                self.add("pydantic_model", node, name=node.name, constrained=constrained)
            if _prefix(base, N.SERVING):
                self.add("serving", node, framework=_prefix(base, N.SERVING), call=f"class {node.name}({base})")
        saved = self._class_bases
        self._class_bases = [b for b in bases if _prefix(b, N.SERVING)]
        self.generic_visit(node)
        self._class_bases = saved

    # statements --------------------------------------------------------------------------------------
    def visit_Assert(self, node: ast.Assert) -> None:
        attrs = {n.attr for n in ast.walk(node.test) if isinstance(n, ast.Attribute)}
        if attrs & N.ASSERT_ATTRS and not self._in_test():
            self.add("validation", node, tool="assert", call=ast.unparse(node.test)[:120], via="assert")
        self.generic_visit(node)

    def _in_test(self) -> bool:
        return any(name.startswith("test") for name, _ in self.stack)

    def _placement(self) -> str:
        if not self.stack:
            return "module"
        roles = {role for _, role in self.stack}
        return "handler" if "handler" in roles else "startup" if "startup" in roles else "function"

    def visit_Call(self, node: ast.Call) -> None:
        qual = self.qualname(node.func)
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        kwargs = {k.arg for k in node.keywords}
        if attr in ("fit", "fit_generator") and isinstance(node.func, ast.Attribute) and not self._transformer(node.func.value):
            self.add("training", node, call=f"{ast.unparse(node.func.value)[:60]}.{attr}")
        if qual:
            self._qualified_call(node, qual, attr, kwargs)
        else:
            self._local_call(node, attr, kwargs)
        target = read_target(node, attr, self.paths)
        if target is not None:
            self.add("data_read", node, call=attr, target=target)
        self._data_read_wrappers(node, attr)
        if (re.fullmatch(N.SEED_HELPER, attr or "", re.IGNORECASE) and attr not in ("seed", "manual_seed")
                and qual not in N.SEED_CALLS and qual not in N.SEEDABLE):
            for lib in ("numpy", "random", "torch"):  # a seed_everything-style helper of the project
                self._global_seed(node, lib, f"{ast.unparse(node.func)[:60]}() (seed helper)")
        for arg in node.args:
            if (isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.lower().endswith(N.CONFIG_SUFFIXES)
                    and not any(w in arg.value.lower() for w in N.NOT_CONFIG_WORDS)):
                self.add("params_read", node, source=arg.value, via="file")
        self.generic_visit(node)

    def _qualified_call(self, node: ast.Call, qual: str, attr: str, kwargs: set[str | None]) -> None:
        if qual in N.SEED_CALLS:
            self._global_seed(node, N.SEED_CALLS[qual], qual)
        elif qual in N.SEEDABLE:
            seeded = node.args or kwargs & {"seed", "x"} or id(node) in self._seeded_generators
            self.add("seed" if seeded else "unseeded", node, lib=N.SEEDABLE[qual], call=qual)
        if attr in ("manual_seed", "seed") and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call):
            self._seeded_generators.add(id(node.func.value))  # torch.Generator().manual_seed(42)
        lib = _prefix(qual, N.RNG_MODULES)
        through_call = isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call)
        if lib and not through_call and (attr in N.RNG_DRAWS or qual.startswith(tuple(N.TORCH_TRAINING))):
            self.add("rng_use", node, lib=lib, call=qual)
        if qual.startswith(("tensorflow.keras", "keras.")):
            self.add("rng_use", node, lib="tensorflow", call=qual)
        last = qual.rsplit(".", 1)[-1]
        if last in N.RANDOM_STATE_NAMES or (last in N.SHUFFLE_SPLITTERS and self._kw_true(node, "shuffle")):
            explicit = any(k.arg in N.SEED_KWARGS and not (isinstance(k.value, ast.Constant) and k.value.value is None)
                           for k in node.keywords)
            through = self._kwargs_seeded(node) if None in kwargs and not explicit else None
            if through is None and None in kwargs and not explicit:  # **config we cannot see into
                self.add("unseeded", node, lib="sklearn", call=last, kwargs=True)
            else:
                self._random_call(node, "sklearn", last, explicit or bool(through))
        for kind, table in (("tracking", N.TRACKING), ("validation", N.VALIDATION), ("monitoring", N.MONITORING)):
            tool = _prefix(qual, table)
            if tool and not (kind == "validation" and tool == "pydantic"):
                self.add(kind, node, tool=tool, call=qual, via="call")
        if qual in N.SCHEMA_CALLS:
            self.add("schema", node, tool=qual.split(".")[0], name=qual)
        if qual in N.MODEL_LOADS or (attr in ("load_model", "from_pretrained") and _prefix(qual, N.SERVING) is None):
            self.add("model_load", node, call=qual, placement=self._placement())
        if qual.startswith(N.HYPER_ESTIMATOR_PREFIXES) and not qual.startswith(N.NOT_HYPER_PREFIXES):
            literal = [k.arg for k in node.keywords if k.arg and k.arg not in N.SEED_FREE_KWARGS
                       and k.arg not in N.METRIC_KWARGS
                       and isinstance(k.value, ast.Constant) and isinstance(k.value.value, (int, float))
                       and not isinstance(k.value.value, bool)]
            if literal:
                self.add("hyper_literal", node, call=last, names=literal)
        if qual in ("dvc.api.params_show", "hydra.main", "omegaconf.OmegaConf.load"):
            self.add("params_read", node, source=qual, via="call")
        if qual in ("xgboost.train", "lightgbm.train", "catboost.train"):
            self.add("training", node, call=qual)
        if self._placement() == "handler" and attr in N.LOG_CALLS and qual.startswith("logging"):
            self.add("prediction_log", node, call=qual)

    def _data_read_wrappers(self, node: ast.Call, attr: str) -> None:
        """One level through a helper: ``def read_data(name): open(name)`` then ``read_data("data/train.csv")``."""
        first = node.args[0] if node.args else None
        if attr in READ_CALLS and isinstance(first, ast.Name) and self._params and first.id in self._params[-1]:
            self._read_wrappers[self.stack[-1][0]] = self._params[-1].index(first.id)
        index = self._read_wrappers.get(attr) if isinstance(node.func, ast.Name) else None
        if index is not None and index < len(node.args):
            value = self.paths.value(node.args[index])
            if (value and DATA_SUFFIX.search(value)) or (value and "{" in value):
                self.add("data_read", node, call=attr, target=value)

    def _local_call(self, node: ast.Call, attr: str, kwargs: set[str | None]) -> None:
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        rname = ast.unparse(receiver).lower() if receiver is not None else ""
        if attr == "train" and receiver is not None and (node.args or node.keywords):  # bare .train() is torch's mode switch
            self.add("training", node, call=f"{ast.unparse(receiver)[:60]}.{attr}")
        if attr in ("load_model", "from_pretrained"):
            self.add("model_load", node, call=ast.unparse(node.func), placement=self._placement())
        if attr in N.GE_SCHEMA_EXPECTATIONS:  # GE-only method names, often on a fixture (no import in the file)
            self.add("schema", node, tool="great_expectations", name=attr)
        if attr == "sample" and kwargs & {"frac", "n"} and not kwargs & N.SEED_KWARGS:
            self._random_call(node, "pandas", "DataFrame.sample", False)

        if attr in N.LOG_CALLS and ("log" in rname or rname == "print") and self._placement() == "handler":
            self.add("prediction_log", node, call=ast.unparse(node.func))

    def _transformer(self, receiver: ast.AST) -> bool:
        """A preprocessing object (scaler, encoder, vectorizer, ...) whose fit is not model training."""
        qual = self.qualname(receiver) or ""
        text = ast.unparse(receiver).lower()
        return qual.startswith(N.TRANSFORMER_MODULES) or any(w in text for w in N.TRANSFORMER_WORDS)

    @staticmethod
    def _kw_true(node: ast.Call, name: str) -> bool:
        return any(k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords)
