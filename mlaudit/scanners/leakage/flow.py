"""Static data-flow analysis of one file (script or notebook cells in order) for train/test leakage."""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass, field
from typing import Any

from mlaudit.scanners.leakage import api
from mlaudit.scanners.leakage.source import Unit
from mlaudit.scanners.leakage.values import OTHER, Event, Obj, Site, Val, flatten, join

MAX_INLINE_DEPTH = 4
INLINE_BUDGET = 1500  # helper-function bodies followed per file; beyond it a call just joins its arguments


@dataclass(slots=True)
class CodeFinding:
    """One code leak: the check, where it shows, a message, the fit (or resample/selection) site and the split site."""

    check_id: str
    site: Site
    message: str
    fit: Site | None = None
    split: Site | None = None
    related: list[Site] = field(default_factory=list)

    def key(self) -> tuple[str, Site]:
        """One finding per fit (or resample) site, however many splits it reaches; otherwise per site."""
        return (self.check_id, self.fit or self.site)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id, "site": self.site.to_dict(), "message": self.message,
            "fit": self.fit.to_dict() if self.fit else None, "split": self.split.to_dict() if self.split else None,
            "related": [s.to_dict() for s in self.related],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "CodeFinding":
        opt = lambda x: Site.from_dict(x) if x else None  # noqa: E731
        return cls(d["check_id"], Site.from_dict(d["site"]), d["message"], opt(d.get("fit")), opt(d.get("split")),
                   [Site.from_dict(s) for s in d.get("related", [])])


@dataclass(slots=True)
class FileFlow:
    """What one file's analysis found: findings, files written with the leaks they carry, files read then split."""

    findings: list[CodeFinding] = field(default_factory=list)
    writes: list[tuple[str, Site, list[Event]]] = field(default_factory=list)
    read_splits: list[tuple[str, Site, Site]] = field(default_factory=list)
    reads: list[tuple[str, Site]] = field(default_factory=list)
    uses_ml: bool = False  # any split, fit or evaluation seen (otherwise the code checks do not apply)
    targets: list[str] = field(default_factory=list)  # target column names seen (y = df["col"], .pop("col"), ...)
    side_reads: list[tuple[str, str]] = field(default_factory=list)  # (train | test, file) read into a split-named variable


class Analyzer:
    """Walks statements in order, keeping an abstract value per variable."""

    def __init__(self, path: str, seconds: float = 30.0) -> None:
        self.path = path
        self.deadline = time.monotonic() + seconds
        self.steps = 0
        self.env: dict[str, Val] = {}
        self.imports: dict[str, str] = {}
        self.funcs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.func_units: dict[int, tuple[int | None, list[str]]] = {}  # id(def) -> (cell, lines) it was written in
        self.called: set[str] = set()
        self.out = FileFlow()
        self._seen: set[tuple] = set()
        self.cell: int | None = None
        self.lines: list[str] = []
        self.loop_depth = 0
        self.depth = 0
        self.inlined = 0
        self.returns: list[list[Val]] = []
        self.test_evals: list[tuple[Site, Site | None, bool]] = []  # (where, split of the test data, inside a loop)
        self.in_sample: list[Site] = []
        self.selections: list[tuple[Site, str, Site | None]] = []  # (where, how, split of the scores' data)
        self.test_tuned: list[tuple[Site, str, Site | None]] = []

    # ---- driver -------------------------------------------------------------------------------------------
    def run(self, units: list[Unit]) -> FileFlow:
        for unit in units:
            self.cell, self.lines = unit.cell, unit.lines
            self.block(unit.tree.body)
        for name, fn in list(self.funcs.items()):  # library functions never called: parameters are unknown data
            if name not in self.called:
                self.called.add(name)
                params = fn.args.args
                is_method = "." in name and params and params[0].arg in ("self", "cls")
                self.call_user(fn, [OTHER if is_method and i == 0 else Val("data") for i in range(len(params))], {})
        self._finish()
        return self.out

    def _finish(self) -> None:
        for site, how, split in self.test_tuned:
            if not self.final_elsewhere(split):
                self.report("LEAK-CODE-MULTITEST", site, f"The test set is used to {how}; the test score it then reports is optimistic.",
                            split=split)
        for site, how, split in self.selections:
            if not self.final_elsewhere(split):
                ev = next((s for s, sp, _ in self.test_evals if sp == split), None)
                self.report("LEAK-CODE-MULTITEST", site,
                            f"Models or hyperparameters are chosen by their score on the test set ({how}); "
                            "the reported test score is then optimistic.", fit=ev, split=split)
        if self.in_sample and not self.test_evals:
            self.report("LEAK-CODE-MULTITEST", self.in_sample[0],
                        "The model is scored on the data it was trained on (in-sample evaluation) and no held-out score exists.")

    def final_elsewhere(self, split: Site | None) -> bool:
        """Whether a final score (outside loops) is measured on another held-out split than the one used to choose."""
        return any(not loop and sp is not None and sp != split for _, sp, loop in self.test_evals)

    def site(self, node: ast.AST, what: str = "") -> Site:
        line = getattr(node, "lineno", 0)
        if not what and 0 < line <= len(self.lines):
            what = self.lines[line - 1].strip()[:120]
        return Site(self.path, line, self.cell, what)

    def report(self, check_id: str, site: Site, message: str, fit: Site | None = None, split: Site | None = None,
               related: list[Site] | None = None) -> None:
        finding = CodeFinding(check_id, site, message, fit, split, related or [])
        if finding.key() in self._seen:
            return
        self._seen.add(finding.key())
        self.out.findings.append(finding)

    # ---- statements ---------------------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def stmt(self, s: ast.stmt) -> None:
        self.steps += 1
        if self.steps % 1000 == 0 and time.monotonic() > self.deadline:
            raise AnalysisTimeout(f"analysis stopped after {self.steps} statements (time budget exceeded)")
        if isinstance(s, ast.Import):
            for a in s.names:
                self.imports[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(s, ast.ImportFrom):
            for a in s.names:
                self.imports[a.asname or a.name] = f"{s.module or ''}.{a.name}"
        elif isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.funcs[s.name] = s
            self.func_units[id(s)] = (self.cell, self.lines)
            self.env.pop(s.name, None)
        elif isinstance(s, ast.ClassDef):  # methods are analysed like library functions (self unknown)
            for item in s.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.funcs[f"{s.name}.{item.name}"] = item
                    self.func_units[id(item)] = (self.cell, self.lines)
        elif isinstance(s, ast.Assign):
            val = self.expr(s.value)
            for t in s.targets:
                self.bind(t, val, s)
        elif isinstance(s, ast.AnnAssign) and s.value is not None:
            self.bind(s.target, self.expr(s.value), s)
        elif isinstance(s, ast.AugAssign):
            val = self.expr(s.value)
            if isinstance(s.target, ast.Name):
                self.env[s.target.id] = join(self.env.get(s.target.id, OTHER), val)
            else:
                self.bind(s.target, val, s)
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            self.for_loop(s)
        elif isinstance(s, ast.While):
            self.expr(s.test)
            self.loop_depth += 1
            self.block(s.body)
            self.loop_depth -= 1
            self.block(s.orelse)
        elif isinstance(s, ast.If):
            self.condition(s.test, s)
            self.block(s.body)
            self.block(s.orelse)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                v = self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, v, s)
            self.block(s.body)
        elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            self.block(s.body)  # type: ignore[attr-defined]
            for h in s.handlers:  # type: ignore[attr-defined]
                self.block(h.body)
            self.block(s.orelse)  # type: ignore[attr-defined]
            self.block(s.finalbody)  # type: ignore[attr-defined]
        elif isinstance(s, ast.Return):
            val = self.expr(s.value) if s.value is not None else OTHER
            if self.returns:
                self.returns[-1].append(val)
        elif isinstance(s, ast.Expr):
            self.expr(s.value)
        elif isinstance(s, ast.Match):
            self.expr(s.subject)
            for case in s.cases:
                self.block(case.body)

    def bind(self, target: ast.expr, val: Val, stmt: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            self.note_target(target.id, getattr(stmt, "value", None))
            self.env[target.id] = self.named(target.id, val, stmt)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = flatten(val) if val.kind == "tuple" and val.items else None
            elts = target.elts
            for i, t in enumerate(elts):
                if isinstance(t, ast.Starred):
                    t = t.value
                self.bind(t, items[i] if items and i < len(items) else val, stmt)
        elif isinstance(target, (ast.Subscript, ast.Attribute)):
            base = target.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                old = self.env.get(base.id, OTHER)
                merged = join(old, val.with_(sides=old.sides, split=old.split) if old.kind == "data" else val)
                self.env[base.id] = merged.with_(kind=old.kind if old.kind != "other" else merged.kind,
                                                 obj=old.obj, items=old.items if old.kind == "tuple" else ())

    def is_read(self, node: ast.AST | None) -> bool:
        """Whether an expression is a direct call of a data reader (``pd.read_csv(...)``)."""
        if not isinstance(node, ast.Call):
            return False
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""
        return bool(api.READERS.match(name))

    def note_target(self, name: str, value: ast.AST | None) -> None:
        """Remember the column a target-like variable is taken from (``y = df["price"]``, ``y = df.pop("price")``)."""
        if not TARGET_NAME.match(name) or value is None:
            return
        col = None
        if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
            col = value.slice.value
        elif isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and self.env.get(value.value.id, OTHER).kind == "data":
            col = value.attr
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "pop" and value.args \
                and isinstance(value.args[0], ast.Constant):
            col = value.args[0].value
        if isinstance(col, str) and col not in self.out.targets:
            self.out.targets.append(col)

    def named(self, name: str, val: Val, stmt: ast.stmt) -> Val:
        """A value bound to a train/test-like name becomes that split when it was not split before.

        When the value is a row subset (slice, ``.sample``, ``.drop``, ``.iloc``...), this is a split by hand.
        """
        side = api.name_side(name)
        value = getattr(stmt, "value", None)
        if side and val.kind == "data" and self.is_read(value):
            for path, _ in sorted(val.reads, key=lambda r: r[0]):
                if (side, path) not in self.out.side_reads:
                    self.out.side_reads.append((side, path))
        if side and val.kind == "data" and not val.sides:
            site = self.site(stmt)
            carved = is_subset(value)
            if carved:
                self.check_split([val], site, "split by row selection")
            return val.with_(sides=frozenset({side}), split=val.split or site, carved=carved)
        return val

    def for_loop(self, s: ast.For | ast.AsyncFor) -> None:
        it = self.expr(s.iter)
        if it.kind == "splits":
            parts = [Val("index", sides=frozenset({"train"}), split=it.split, carved=True),
                     Val("index", sides=frozenset({"test"}), split=it.split, carved=True)]
            tgt = s.target.elts if isinstance(s.target, ast.Tuple) else [s.target]
            if isinstance(s.target, ast.Tuple) and len(tgt) == 2:
                self.bind(tgt[0], parts[0], s)
                self.bind(tgt[1], parts[1], s)
            elif isinstance(s.target, ast.Tuple) and len(tgt) == 3:
                self.bind(tgt[0], OTHER, s)
                self.bind(tgt[1], parts[0], s)
                self.bind(tgt[2], parts[1], s)
            else:
                self.bind(s.target, Val("tuple", items=tuple(parts)), s)
        else:
            self.bind(s.target, join(*flatten(it)) if it.kind == "tuple" else it, s)
        self.loop_depth += 1
        self.block(s.body)
        if self.loop_depth < 3:  # a second pass lets loop-carried values (best score so far) reach the comparisons
            self.block(s.body)
        self.loop_depth -= 1
        self.block(s.orelse)

    def condition(self, test: ast.expr, stmt: ast.stmt) -> None:
        val = self.expr(test)
        if self.loop_depth and val.testscore and isinstance(test, ast.Compare):
            self.selections.append((self.site(stmt), "a comparison inside a loop keeps the best test score", val.split))

    # ---- expressions --------------------------------------------------------------------------------------
    def expr(self, e: ast.expr | None) -> Val:  # noqa: C901 - one dispatch over node types
        if e is None:
            return OTHER
        if isinstance(e, ast.Name):
            return self.env.get(e.id, OTHER)
        if isinstance(e, ast.Constant):
            return Val("str", text=e.value) if isinstance(e.value, str) else OTHER
        if isinstance(e, ast.JoinedStr):
            return join(*(self.expr(v) for v in e.values)).with_(kind="str", text=None)
        if isinstance(e, ast.FormattedValue):
            return self.expr(e.value)
        if isinstance(e, ast.Call):
            return self.call(e)
        if isinstance(e, ast.Attribute):
            base = self.expr(e.value)
            return base if base.kind != "obj" else OTHER
        if isinstance(e, ast.Subscript):
            return self.subscript(e)
        if isinstance(e, ast.BinOp):
            return self.binop(e)
        if isinstance(e, ast.UnaryOp):
            return self.expr(e.operand)
        if isinstance(e, (ast.BoolOp,)):
            return join(*(self.expr(v) for v in e.values))
        if isinstance(e, ast.Compare):
            v = join(self.expr(e.left), *(self.expr(c) for c in e.comparators))
            return v if v.kind == "data" else v.with_(kind="score" if v.testscore else "other")
        if isinstance(e, (ast.Tuple, ast.List, ast.Set)):
            return Val("tuple", items=tuple(self.expr(x.value if isinstance(x, ast.Starred) else x) for x in e.elts))
        if isinstance(e, ast.Dict):
            return join(*(self.expr(v) for v in e.values if v is not None), *(self.expr(k) for k in e.keys if k is not None))
        if isinstance(e, ast.IfExp):
            self.expr(e.test)
            return join(self.expr(e.body), self.expr(e.orelse))
        if isinstance(e, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self.comprehension(e)
        if isinstance(e, ast.Lambda):
            return OTHER
        if isinstance(e, (ast.Starred, ast.Await)):
            return self.expr(e.value)
        if isinstance(e, ast.NamedExpr):
            v = self.expr(e.value)
            self.env[e.target.id] = v
            return v
        return OTHER

    def comprehension(self, e: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> Val:
        saved = dict(self.env)
        for gen in e.generators:
            it = self.expr(gen.iter)
            self.bind(gen.target, join(*flatten(it)) if it.kind == "tuple" else it, ast.Pass(lineno=e.lineno))
        self.loop_depth += 1
        if isinstance(e, ast.DictComp):
            val = join(self.expr(e.key), self.expr(e.value))
        else:
            val = self.expr(e.elt)
        self.loop_depth -= 1
        self.env = saved
        return val

    def subscript(self, e: ast.Subscript) -> Val:
        base = self.expr(e.value)
        if base.kind == "tuple" and base.items and isinstance(e.slice, ast.Constant) and isinstance(e.slice.value, int):
            i = e.slice.value
            return base.items[i] if -len(base.items) <= i < len(base.items) else OTHER
        idx = self.expr(e.slice) if not isinstance(e.slice, ast.Slice) else join(
            *(self.expr(p) for p in (e.slice.lower, e.slice.upper, e.slice.step) if p is not None))
        if base.kind == "tuple":
            return join(*base.items)
        if idx.kind == "index" and idx.sides:
            return join(base, idx).with_(kind="data", sides=idx.sides, split=idx.split, carved=True)
        if base.kind == "data" and idx.kind in ("data", "index"):
            return base.with_(events=base.events | idx.events)
        return base

    def binop(self, e: ast.BinOp) -> Val:
        left, right = self.expr(e.left), self.expr(e.right)
        if left.kind == right.kind == "str" and left.text is not None and right.text is not None and isinstance(e.op, (ast.Add, ast.Div)):
            sep = "/" if isinstance(e.op, ast.Div) else ""
            return Val("str", text=f"{left.text}{sep}{right.text}")
        out = join(left, right)
        scaling = isinstance(e.op, ast.Div) and right.kind == "stat" or isinstance(e.op, ast.Sub) and right.text in CENTRES
        for data, stat in ((left, right), (right, left)):
            if data.kind == "data" and stat.kind == "stat" and scaling:
                out = self.apply_stat(out, data, stat, e, "scaled")
        return out

    def apply_stat(self, out: Val, data: Val, stat: Val, node: ast.AST, how: str) -> Val:
        """Data combined with a statistic: test statistics are a TEST-STATS event, all-row statistics a fit."""
        site = self.site(node)
        if "test" in stat.sides and "train" not in stat.sides:
            whose = "its own" if "test" in data.sides else "the test set's"
            target = "test data" if "test" in data.sides else "data"
            return out.with_(kind="data", events=out.events | {Event("stats", site, f"{target} {how} with {whose} statistics")})
        if not stat.sides and not data.sides:
            return out.with_(kind="data", events=out.events | {Event("fit", site, f"data {how} with statistics of all rows")})
        return out.with_(kind="data")

    # ---- calls ------------------------------------------------------------------------------------------
    def qualname(self, f: ast.expr) -> str | None:
        """The dotted name of a callee when it is an imported or plain name (e.g. sklearn.preprocessing.StandardScaler)."""
        parts = []
        while isinstance(f, ast.Attribute):
            parts.append(f.attr)
            f = f.value
        if not isinstance(f, ast.Name):
            return None
        if parts and f.id not in self.imports:
            return None
        head = self.imports.get(f.id, f.id)
        return ".".join([head, *reversed(parts)])

    def call(self, c: ast.Call) -> Val:
        f = c.func
        qual = self.qualname(f)
        if isinstance(f, ast.Name) and f.id in self.funcs and f.id not in self.env:
            self.called.add(f.id)
            return self.call_user(self.funcs[f.id], [self.expr(a) for a in c.args],
                                  {k.arg: self.expr(k.value) for k in c.keywords if k.arg})
        if isinstance(f, ast.Name) and self.env.get(f.id, OTHER).kind == "obj":  # a fitted layer called on data
            obj_val = self.env[f.id]
            assert obj_val.obj is not None
            pos, kw = self.args(c)
            return self.obj_method(obj_val.obj, obj_val, "transform", pos, kw, c, self.site(c))
        if qual is not None:
            return self.function(api.short(qual), c)
        if not isinstance(f, ast.Attribute):  # f()(x), table[k](x), (lambda ...)(x)
            pos, kw = self.args(c)
            out = join(self.expr(f), *pos, *kw.values())
            return out if out.kind in ("data", "score", "stat") else OTHER
        recv = self.expr(f.value)
        return self.method(recv, f.attr, c)

    def call_user(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, args: list[Val], kwargs: dict[str, Val]) -> Val:
        if self.depth >= MAX_INLINE_DEPTH or self.inlined >= INLINE_BUDGET:
            return join(*args, *kwargs.values())
        self.inlined += 1
        saved_env, saved_loop, saved_unit = self.env, self.loop_depth, (self.cell, self.lines)
        self.cell, self.lines = self.func_units.get(id(fn), saved_unit)
        self.env = dict(self.env)
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        defaults = fn.args.defaults
        for i, name in enumerate(params):
            if i < len(args):
                self.env[name] = args[i]
            elif name in kwargs:
                self.env[name] = kwargs[name]
            else:
                d = len(params) - len(defaults)
                self.env[name] = self.expr(defaults[i - d]) if i >= d else Val("data")
        if fn.args.vararg:
            self.env[fn.args.vararg.arg] = Val("tuple", items=tuple(args[len(params):]))
        self.depth += 1
        self.returns.append([])
        try:
            self.block(fn.body)
        finally:
            rets = self.returns.pop()
            self.depth -= 1
            self.env, self.loop_depth = saved_env, saved_loop
            self.cell, self.lines = saved_unit
        if not rets:
            return OTHER
        if len(rets) == 1:
            return rets[0]
        return join(*rets) if not all(r.kind == "tuple" for r in rets) else rets[-1]

    def args(self, c: ast.Call) -> tuple[list[Val], dict[str, Val]]:
        pos: list[Val] = []
        for a in c.args:
            v = self.expr(a.value if isinstance(a, ast.Starred) else a)
            pos.extend(flatten(v) if isinstance(a, ast.Starred) else [v])
        return pos, {k.arg or "**": self.expr(k.value) for k in c.keywords}

    def new_obj(self, name: str, c: ast.Call, pos: list[Val], kw: dict[str, Val]) -> Val | None:
        role = None
        if name in api.PREPROCESSORS:
            role = "pre"
        elif name in api.STATELESS:
            role = "stateless"
        elif name in api.OUTLIER_FILTERS:
            role = "outlier"
        elif name in api.RESAMPLERS:
            role = "resampler"
        elif name in api.PIPELINES:
            role = "pipeline"
        elif name in api.SEARCHES:
            role = "search"
        elif name in api.SPLITTERS:
            role = "splitter"
        elif name[:1].isupper() and api.ESTIMATOR_HINT.search(name):
            role = "estimator"
        if role is None:
            return None
        obj = Obj(name, role, self.site(c), in_loop=self.loop_depth > 0)
        inner = [o for v in [*pos, *kw.values()] for o in self._objs(v)]
        obj.has_pre = role in ("pipeline", "search") and any(o.role in ("pre", "outlier") or o.has_pre for o in inner)
        return Val("obj", obj=obj)

    def _objs(self, v: Val) -> list[Obj]:
        if v.obj is not None:
            return [v.obj]
        return [o for item in v.items for o in self._objs(item)]

    def function(self, name: str, c: ast.Call) -> Val:  # noqa: C901 - one dispatch over known functions
        pos, kw = self.args(c)
        made = self.new_obj(name, c, pos, kw)
        if made is not None:
            return made
        site = self.site(c)
        if name in api.SPLIT_FUNCS:
            return self.split(pos, site)
        if name in api.CV_FUNCS:
            data = pos[1:] + [v for k, v in kw.items() if k in ("X", "y", "groups")]
            self.check_split(data, site, "cross-validation")
            return Val("score")
        if api.METRICS_RE.search(name) and name not in api.SELECT_FUNCS:
            return self.evaluation(pos + list(kw.values()), None, site)
        if api.READERS.match(name) and pos:
            return self.read(pos[0], site)
        if api.WRITERS.match(name) and len(pos) >= 2:
            self.write(pos[0] if pos[0].text else pos[1], pos[1] if pos[0].text else pos[0], site)
            return OTHER
        if name in api.FIT_FUNCS and pos:
            data = pos[0]
            if data.kind != "data":
                return data
            return data.with_(events=data.events | {Event("fit", site, f"{name}() scaled the data with its own statistics")})
        if name in api.RESAMPLE_FUNCS and not kw_false(c, "replace"):  # resample(replace=False) only subsamples
            data = join(*pos)
            return data.with_(kind="data", events=data.events | {Event("resample", site, f"rows resampled with {name}()")})
        if name in api.SELECT_FUNCS and any(v.testscore for v in [*pos, *kw.values()]):
            self.selections.append((site, f"{name}() over test scores", next((v.split for v in [*pos, *kw.values()] if v.testscore), None)))
            return join(*pos).with_(kind="score")
        if name in api.STAT_METHODS and pos and pos[0].kind == "data":
            return pos[0].with_(kind="stat", text=name)
        if name in ("join", "Path", "PurePath") and pos and all(v.text is not None for v in pos):
            return Val("str", text="/".join(v.text or "" for v in pos))
        out = join(*pos, *kw.values())
        return out if out.kind in ("data", "score", "stat", "str") else OTHER

    def method(self, recv: Val, name: str, c: ast.Call) -> Val:  # noqa: C901 - one dispatch over methods
        pos, kw = self.args(c)
        site = self.site(c, f"{recv.obj.cls}.{name}" if recv.obj else "")
        site = Site(site.path, site.line, site.cell, self.site(c).what)
        if recv.kind == "obj" and name in ("items", "values", "keys", "copy", "get"):
            return recv  # a dict or list of estimators
        if recv.kind == "obj" and recv.obj is not None:
            return self.obj_method(recv.obj, recv, name, pos, kw, c, site)
        if name in ("append", "extend", "add", "update", "insert", "setdefault") and isinstance(c.func, ast.Attribute):
            target = c.func.value
            if isinstance(target, ast.Name):
                self.env[target.id] = join(recv, *pos) if recv.kind != "other" or pos else recv
                if recv.kind == "other" and any(p.kind in ("score",) or p.testscore for p in pos):
                    self.env[target.id] = join(*pos).with_(kind="score")
            return OTHER
        if api.WRITERS.match(name) and recv.kind == "data":
            if pos:
                self.write(pos[0], recv, site)
            return OTHER
        if name in api.SELECT_FUNCS and recv.testscore:
            self.selections.append((site, f".{name}() over test scores", recv.split))
            return recv
        if recv.kind in ("data", "stat") and name in api.STAT_METHODS:
            return recv.with_(kind="stat", text=name)
        if recv.kind == "data" and name in api.FILL_METHODS:
            out = join(recv, *pos, *kw.values()).with_(kind="data", sides=recv.sides, split=recv.split)
            for stat in [*pos, *kw.values()]:
                if stat.kind == "stat":
                    out = self.apply_stat(out, recv, stat, c, "imputed")
            return out
        if recv.kind == "data" and name in ("apply", "transform", "pipe", "agg") and c.args and self.fit_func(c.args[0]):
            return recv.with_(events=recv.events | {Event("fit", site, f"{self.fit_func(c.args[0])}() scaled the data with its own statistics")})
        if recv.kind == "data" and name == "sample" and "replace" in kw and kw_true(c, "replace"):
            return recv.with_(events=recv.events | {Event("resample", site, "rows resampled with replacement (.sample(replace=True))")})
        if recv.kind == "splits":
            return recv
        if name == "split" and recv.kind == "other" and pos and pos[0].kind == "data":
            return self.cv_split(pos, site)
        if api.READERS.match(name) and pos and pos[0].text is not None:
            return self.read(pos[0], site)
        if recv.kind == "str" and name in ("format", "replace", "strip", "lower", "upper"):
            return recv.with_(text=None)
        out = join(recv, *pos, *kw.values())
        if recv.kind == "data":
            return out.with_(kind="data", sides=recv.sides or out.sides, split=recv.split or out.split)
        return out if out.kind in ("data", "score", "stat") else OTHER

    def fit_func(self, node: ast.expr) -> str | None:
        """The name of a scaling function passed by reference (``df.apply(zscore)``), if it is one."""
        qual = self.qualname(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        name = api.short(qual) if qual else None
        return name if name in api.FIT_FUNCS else None

    def obj_method(self, obj: Obj, recv: Val, name: str, pos: list[Val], kw: dict[str, Val], c: ast.Call,
                   site: Site) -> Val:  # noqa: C901
        x = pos[0] if pos else kw.get("X", OTHER)
        if name in ("set_params", "set_output"):
            return recv
        if name == "split" and obj.role == "splitter":
            return self.cv_split(pos, site)
        if name in FIT_METHODS:
            self.fit(obj, x, pos, kw, c, site)
            if obj.role == "resampler" or name == "fit_resample":
                ev = Event("resample", site, f"{obj.cls}.{name} resampled the rows")
                return Val("tuple", items=tuple(p.with_(events=p.events | {ev}) if p.kind == "data" else p for p in pos[:2]))
            if name == "fit_transform" and obj.role in ("pre", "pipeline", "stateless"):
                return self.transformed(obj, x, site)
            if name == "fit_predict":
                return x.with_(kind="data", events=x.events | ({obj.fit_event} if obj.fit_event else set()), preds=frozenset({obj.id}))
            return recv
        if name in api.TRANSFORM_METHODS:
            return self.transformed(obj, x, site)
        if name in api.PREDICT_METHODS:
            self.consume(x, site)
            return x.with_(kind="data", preds=x.preds | {obj.id})
        if name in api.MODEL_EVAL_METHODS:
            return self.evaluation([*pos, *kw.values()], obj, site)
        return OTHER

    def fit(self, obj: Obj, x: Val, pos: list[Val], kw: dict[str, Val], c: ast.Call, site: Site) -> None:
        self.out.uses_ml = True
        if obj.role == "search":
            if "test" in x.sides and "train" not in x.sides:
                self.test_tuned.append((site, f"tune hyperparameters ({obj.cls} fitted on test data)", x.split))
            self.check_split(pos[:2], site, f"{obj.cls} cross-validation")
        if obj.role in ("pre", "outlier") or (obj.role == "pipeline" and obj.has_pre):
            if "test" in x.sides and "train" not in x.sides:
                self.report("LEAK-CODE-TEST-STATS", site, f"{obj.cls} is fitted on test data: the test set is scaled "
                            "or imputed with its own statistics instead of the training set's.", fit=site, split=x.split)
            elif {"train", "test"} <= x.sides:
                self.report("LEAK-CODE-PREPROCESS", site, f"{obj.cls} is fitted on training and test rows together.",
                            fit=site, split=x.split)
            obj.fit_event = Event("fit", site, f"{obj.cls} fitted")
        if obj.role == "estimator" or obj.role == "pipeline":
            self.consume(x, site)
            for k in ("eval_set", "validation_data"):
                v = join(kw[k]) if k in kw else None
                if v is not None and "test" in v.sides and ("early_stopping_rounds" in kw or "callbacks" in kw
                                                          or obj.cls.startswith(("LGBM", "XGB", "CatBoost"))):
                    self.test_tuned.append((site, f"stop training early ({k} is the test set)", v.split))
        obj.fitted_sides = x.sides

    def transformed(self, obj: Obj, x: Val, site: Site) -> Val:
        ev = obj.fit_event
        if ev is None or obj.role == "stateless":
            return x.with_(kind="data") if x.kind != "other" else x
        fitted = obj.fitted_sides or frozenset()
        if not fitted and "test" in x.sides and x.carved and x.split is not None and ev.kind == "fit":
            self.report("LEAK-CODE-PREPROCESS", site, f"{ev.detail} on all rows before the split, then applied to the test part.",
                        fit=ev.site, split=x.split)
        if fitted == frozenset({"test"}) and "train" in x.sides:
            self.report("LEAK-CODE-TEST-STATS", site, "Training data is transformed with statistics fitted on the test set.",
                        fit=ev.site, split=x.split)
        return x.with_(kind="data", events=x.events | {ev})

    def consume(self, x: Val, site: Site) -> None:
        """Data reaching a model: report test statistics it was prepared with."""
        for ev in x.events:
            if ev.kind == "stats":
                self.report("LEAK-CODE-TEST-STATS", ev.site, ev.detail[0].upper() + ev.detail[1:] + ".", fit=ev.site, split=x.split)

    def evaluation(self, vals: list[Val], obj: Obj | None, site: Site) -> Val:
        self.out.uses_ml = True
        data = [v for v in vals if v.kind == "data"]
        for v in data:
            self.consume(v, site)
        held_out = [v for v in data if "test" in v.sides]
        if held_out:
            split = next((v.split for v in held_out if v.split is not None), None)
            self.test_evals.append((site, split, self.loop_depth > 0))
            return Val("score", testscore=True, split=split)
        if data and (obj is not None and obj.role != "search" or any(v.preds for v in data)):
            self.in_sample.append(site)
        return Val("score")

    def split(self, arrays: list[Val], site: Site) -> Val:
        self.check_split(arrays, site, "train_test_split")
        items = []
        for a in arrays:
            for side in ("train", "test"):
                items.append(a.with_(kind="data", sides=frozenset({side}), split=site, carved=True))
        return Val("tuple", items=tuple(items))

    def cv_split(self, pos: list[Val], site: Site) -> Val:
        self.check_split(pos, site, "cross-validation folds")
        return Val("splits", split=site, src=pos[0] if pos else None)

    def check_split(self, arrays: list[Val], site: Site, how: str) -> None:
        """Data reaching a split: a fit or resample it went through saw rows that end up in both parts."""
        self.out.uses_ml = True
        for a in arrays:
            for path, read_site in a.reads:
                self.out.read_splits.append((path, read_site, site))
            for ev in sorted(a.events, key=lambda e: (e.site.cell or 0, e.site.line)):
                if ev.kind == "fit":
                    self.report("LEAK-CODE-PREPROCESS", ev.site, f"{ev.detail} before the split ({how}), "
                                "so the test part's statistics leak into training.", fit=ev.site, split=site)
                elif ev.kind == "resample":
                    self.report("LEAK-CODE-OVERSAMPLE", ev.site, f"{ev.detail} before the split ({how}): "
                                "synthetic or duplicated rows land on both sides.", fit=ev.site, split=site)

    def read(self, path: Val, site: Site) -> Val:
        if path.text is None:
            return Val("data")
        self.out.reads.append((path.text, site))
        side = api.name_side(path.text.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        return Val("data", reads=frozenset({(path.text, site)}), sides=frozenset({side}) if side else frozenset(),
                   split=site if side else None)

    def write(self, path: Val, data: Val, site: Site) -> None:
        if path.text is None:
            return
        leaks = [ev for ev in data.events if ev.kind in ("fit", "resample")]
        self.out.writes.append((path.text, site, leaks))


CENTRES = frozenset({"mean", "median", "nanmean", "nanmedian"})  # data minus one of these is centring
TARGET_NAME = re.compile(r"^(y|Y|target|label|labels|y_all|y_full|y_true)$")
FIT_METHODS = frozenset({"fit", "fit_transform", "fit_resample", "fit_predict", "partial_fit", "adapt", "fit_on_texts",
                         "fit_on_sequences"})
SUBSET_METHODS = frozenset({"sample", "drop", "head", "tail", "query", "take", "nlargest", "nsmallest"})


def is_subset(node: ast.AST | None) -> bool:
    """Whether an expression selects rows of data (a hand-made split when bound to a train/test name)."""
    if isinstance(node, (ast.Tuple, ast.List)):
        return any(is_subset(e) for e in node.elts)
    if isinstance(node, ast.Subscript):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SUBSET_METHODS


def kw_false(c: ast.Call, name: str) -> bool:
    """Whether keyword ``name`` is passed a false literal."""
    return any(k.arg == name and isinstance(k.value, ast.Constant) and not k.value.value for k in c.keywords)


def kw_true(c: ast.Call, name: str) -> bool:
    """Whether keyword ``name`` is passed a true literal."""
    return any(k.arg == name and isinstance(k.value, ast.Constant) and bool(k.value.value) for k in c.keywords)


class AnalysisTimeout(Exception):
    """A file took longer than its time budget to analyse."""


def analyze_units(path: str, units: list[Unit], seconds: float = 30.0) -> FileFlow:
    """Run the analysis over a file's units (cells in order) within ``seconds``."""
    return Analyzer(path, seconds).run(units)
