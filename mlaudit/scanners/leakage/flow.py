"""Static data-flow analysis of one file (script or notebook cells in order) for train/test leakage.

Statements and expressions are walked here; calls (estimators, splits, readers, helpers) in ``calls``.
"""

from __future__ import annotations

import ast
import re
import time

from mlaudit.scanners.leakage import api
from mlaudit.scanners.leakage.calls import CallRules
from mlaudit.scanners.leakage.parse import Unit
from mlaudit.scanners.leakage.records import CodeFinding, FileFlow
from mlaudit.scanners.leakage.roles import accumulators, mask_side, only_side
from mlaudit.scanners.leakage.values import OTHER, Event, Site, Val, flatten, join

CENTRES = frozenset({"mean", "median", "nanmean", "nanmedian"})  # data minus one of these is centring
TARGET_NAME = re.compile(r"^(y|Y|target|label|labels|y_all|y_full|y_true)$")
SUBSET_METHODS = frozenset({"sample", "drop", "head", "tail", "query", "take", "nlargest", "nsmallest"})


def is_subset(node: ast.AST | None) -> bool:
    """Whether an expression selects rows of data (a hand-made split when bound to a train/test name)."""
    if isinstance(node, (ast.Tuple, ast.List)):
        return any(is_subset(e) for e in node.elts)
    if isinstance(node, ast.Subscript):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SUBSET_METHODS



def is_mask(node: ast.AST) -> bool:
    """Whether an index expression is a boolean row mask (comparisons joined with & | ~)."""
    if isinstance(node, (ast.Compare, ast.BoolOp)):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)):
        return is_mask(node.operand)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
        return is_mask(node.left) or is_mask(node.right)
    return False


class Analyzer(CallRules):
    """Walks statements in order, keeping an abstract value per variable."""

    def __init__(self, path: str, seconds: float = 30.0) -> None:
        self.path = path
        self.deadline = time.monotonic() + seconds
        self.steps = 0
        self.env: dict[str, Val] = {}
        self.imports: dict[str, str] = {}
        self.funcs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.classes: dict[str, list[str]] = {}
        self.call_sites: list[Site | None] = []
        self.func_units: dict[int, tuple[int | None, list[str]]] = {}  # id(def) -> (cell, lines) it was written in
        self.called: set[str] = set()
        self.out = FileFlow()
        self._seen: set[tuple] = set()
        self.cell: int | None = None
        self.lines: list[str] = []
        self.loop_depth = 0
        self.masking = 0  # inside a row mask (df[df.x > df.x.mean()]): thresholds select rows, they are no feature
        self.depth = 0
        self.inlined = 0
        self.returns: list[list[Val]] = []
        self.test_evals: list[tuple[Site, Site | None, bool]] = []  # (where, split of the test data, inside a loop)
        self.in_sample: list[Site] = []
        self.selections: list[tuple[Site, str, Site | None]] = []  # (where, how, split of the scores' data)
        self.test_tuned: list[tuple[Site, str, Site | None]] = []
        self.test_preds: list[Site | None] = []
        self.cv_splits: set[Site] = set()  # splits that are cross-validation folds (their held-out part is validation)
        self.name_reads: set[Site] = set()
        self.whole_reads: set[Site] = set()
        self.whole_stats: set[Site] = set()
        self.file_splits: dict[Site, tuple[Site, frozenset[Event]]] = {}
        self.scopes: list[int] = []
        self.fitting = 0
        self.cv_models: set[int] = set()
        self.in_sample_models: dict[Site, frozenset[int]] = {}

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
            if split not in self.cv_splits and not self.final_elsewhere(split):
                self.report("LEAK-CODE-MULTITEST", site, f"The test set is used to {how}; the test score it then reports is optimistic.",
                            split=split)
        for site, how, split in self.selections:  # choosing by cross-validation folds' scores is model selection done right
            if split not in self.cv_splits and not self.final_elsewhere(split):
                ev = next((s for s, sp, _ in self.test_evals if sp == split), None)
                self.report("LEAK-CODE-MULTITEST", site,
                            f"Models or hyperparameters are chosen by their score on the test set ({how}); "
                            "the reported test score is then optimistic.", fit=ev, split=split)
        uncovered = [s for s in self.in_sample  # a model with a cross-validated score of its own has a held-out score
                     if not (self.in_sample_models.get(s) and self.in_sample_models[s] <= self.cv_models)]
        if uncovered and not self.test_evals:
            self.report("LEAK-CODE-MULTITEST", uncovered[0],
                        "The model is scored on the data it was trained on (in-sample evaluation) and no held-out score "
                        "exists (no test part, no validation data, no cross-validated score of that model).")

    def final_elsewhere(self, split: Site | None) -> bool:
        """Whether the final check is on another held-out set than the one used to choose.

        A score outside loops on another split, or predictions made for another held-out set (a competition's
        unlabelled test file written as a submission): the set used to choose was then a validation set.
        """
        return any(not loop and sp is not None and sp != split for _, sp, loop in self.test_evals) or any(
            sp is not None and sp != split for sp in self.test_preds)

    def site(self, node: ast.AST, what: str = "") -> Site:
        line = getattr(node, "lineno", 0)
        if not what and 0 < line <= len(self.lines):
            what = self.lines[line - 1].strip()[:120]
        return Site(self.path, line, self.cell, what, self.call_sites[0] if self.call_sites else None)

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
        elif isinstance(s, ast.ClassDef):  # methods run through instances; never-called ones like library functions
            self.classes[s.name] = [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else ""
                                    for b in s.bases]
            self.env.pop(s.name, None)
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
            for with_item in s.items:
                v = self.expr(with_item.context_expr)
                if with_item.optional_vars is not None:
                    self.bind(with_item.optional_vars, v, s)
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
        elif isinstance(target, ast.Attribute) and self.instance(target.value) is not None:
            inst = self.instance(target.value)  # self.scaler = ... on an instance of a user class
            assert inst is not None and inst.obj is not None
            inst.obj.attrs[target.attr] = val
        elif isinstance(target, (ast.Subscript, ast.Attribute)):
            base = target.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                old = self.env.get(base.id, OTHER)
                if old.sides == {"train"} and {"train", "test"} <= val.sides and is_subset(getattr(stmt, "value", None)):
                    val = only_side(val, "train")  # train["Age"] = full.iloc[:n]["Age"]: the training rows of the join
                merged = join(old, val.with_(sides=old.sides, split=old.split, labelled=old.labelled)  # a new column:
                                       if old.kind == "data" else val)  # the frame's rows (and role) stay its own
                self.env[base.id] = merged.with_(kind=old.kind if old.kind != "other" else merged.kind,
                                                 obj=old.obj, items=old.items if old.kind == "tuple" else ())

    def instance(self, node: ast.expr) -> Val | None:
        """The value of an expression when it is an instance of a user-defined class."""
        if isinstance(node, ast.Name):
            v = self.env.get(node.id)
            return v if v is not None and v.kind == "obj" and v.obj is not None and v.obj.role == "user" else None
        return None

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
        joined = val.kind == "data" and {"train", "test"} <= val.sides
        if joined and not side:  # dataset = full[full.is_train == 1]: the row mask names the part
            side = mask_side(value)
        if joined and not side and is_subset(value):  # df1 = full.loc[:n]: a part, which one is decided where it lands
            return val.with_(part=True)
        if side == "train" and val.kind == "data" and val.sides == {"test"} and is_subset(value) and not val.carved:
            site = self.site(stmt)  # X_train cut from a file named like a test set (whole data or not: decided by use)
            self.test_file_split(val, site)
            if site in self.file_splits:
                return val.with_(sides=frozenset({"train"}), split=site, carved=True)
        if side and val.kind == "data" and self.is_read(value):
            for path, _ in sorted(val.reads, key=lambda r: r[0]):
                if (side, path) not in self.out.side_reads:
                    self.out.side_reads.append((side, path))
        if side and joined and (is_subset(value) or val.part):
            site = self.site(stmt)  # train and test rows joined (pd.concat), then cut apart again
            self.check_split([val], site, "the joined frame cut apart again")
            return only_side(val, side).with_(split=site, carved=True, part=False)
        if side and val.kind == "data" and not val.sides:
            site = self.site(stmt)
            carved = is_subset(value)
            if carved:
                self.check_split([val], site, "split by row selection")
            return val.with_(sides=frozenset({side}), split=val.split or site, carved=carved)
        return val

    def unrolled(self, s: ast.For | ast.AsyncFor) -> bool:
        """``for part in [train, test]:`` — the body runs once per frame, bound to that frame and written back to it."""
        names = s.iter.elts if isinstance(s.iter, (ast.List, ast.Tuple)) else []
        if not isinstance(s.target, ast.Name) or not 1 < len(names) <= 4 or not all(
                isinstance(n, ast.Name) and self.env.get(n.id, OTHER).kind == "data" for n in names):
            return False
        self.loop_depth += 1
        for n in names:
            assert isinstance(n, ast.Name)
            self.env[s.target.id] = self.env[n.id]
            self.block(s.body)
            self.env[n.id] = self.env.get(s.target.id, self.env[n.id])
        self.loop_depth -= 1
        self.block(s.orelse)
        return True

    def for_loop(self, s: ast.For | ast.AsyncFor) -> None:
        if self.unrolled(s):
            return
        it = self.expr(s.iter)
        if it.kind == "obj" and it.obj is not None and it.obj.role == "splitter":  # old API: the splitter is iterable
            self.cv_splits.add(it.obj.site)
            it = Val("splits", split=it.obj.site)
        if it.kind == "splits":
            parts = list(self.fold_parts(it))
            tgt = s.target.elts if isinstance(s.target, ast.Tuple) else [s.target]
            if it.text == "enumerate" and isinstance(s.target, ast.Tuple) and len(tgt) == 2:
                self.bind(tgt[0], OTHER, s)
                self.bind(tgt[1], Val("tuple", items=tuple(parts)), s)
            elif isinstance(s.target, ast.Tuple) and len(tgt) == 2:
                self.bind(tgt[0], parts[0], s)
                self.bind(tgt[1], parts[1], s)
            elif isinstance(s.target, ast.Tuple) and len(tgt) == 3:
                self.bind(tgt[0], OTHER, s)
                self.bind(tgt[1], parts[0], s)
                self.bind(tgt[2], parts[1], s)
            else:
                self.bind(s.target, Val("tuple", items=tuple(parts)), s)
        else:  # iterating data itself (rows, images, iterrows()): the loop variable is one sample
            self.bind(s.target, self.each(s.iter, it), s)
        before = {k for k, v in self.env.items() if v.single}
        self.loop_depth += 1
        self.block(s.body)
        if self.loop_depth < 3:  # a second pass lets loop-carried values (best score so far) reach the comparisons
            self.block(s.body)
        self.loop_depth -= 1
        for k, v in list(self.env.items()):  # what the samples were collected into is many samples again
            if v.single and k not in before:
                self.env[k] = v.with_(single=False)
        if it.kind == "splits":
            self.out_of_fold(s, it)
        self.block(s.orelse)

    def each(self, node: ast.expr, it: Val) -> Val:
        """The value of a loop variable over ``node``: an item of a list, or one sample when rows are iterated."""
        if it.kind == "tuple":
            return join(*flatten(it))
        return it.with_(single=True) if it.kind == "data" and self.iterates_rows(node) else it

    def iterates_rows(self, node: ast.expr) -> bool:
        """Whether iterating ``node`` yields the samples of data (``X_test``, ``df.iterrows()``, ``zip(X, y)``), not
        whole frames listed by hand (``zip([train, test], names)``)."""
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in ("iterrows", "itertuples"):
                return True
            if isinstance(f, ast.Name) and f.id in ("enumerate", "zip") and node.args:
                return all(self.iterates_rows(a) for a in node.args[:1 if f.id == "enumerate" else None])
            return False
        if isinstance(node, ast.Name):
            return self.env.get(node.id, OTHER).kind == "data"
        return isinstance(node, (ast.Attribute, ast.Subscript))

    def out_of_fold(self, s: ast.For | ast.AsyncFor, it: Val) -> None:
        """Held-out fold parts collected over every fold (``oof = pd.concat([oof, X.loc[te]])``) cover all rows.

        A variable the loop body accumulates into (assigned from an expression that reads it, ``+=``, ``.append``)
        and that holds the fold's held-out side after the loop is out-of-fold data of the whole set, not a test set.
        """
        for name in accumulators(s.body):
            v = self.env.get(name)
            if v is not None and v.kind in ("data", "index") and "test" in v.sides and v.split == it.split:
                self.env[name] = v.with_(sides=frozenset(), split=None, carved=False, labelled=False)

    def condition(self, test: ast.expr, stmt: ast.stmt) -> None:
        val = self.expr(test)
        if self.loop_depth and val.testscore and isinstance(test, ast.Compare):
            self.selections.append((self.site(stmt), "a comparison inside a loop keeps the best test score", val.split))

    # ---- expressions --------------------------------------------------------------------------------------
    def expr(self, e: ast.expr | None) -> Val:
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
            if base.kind == "obj" and base.obj is not None and e.attr in base.obj.attrs:
                return base.obj.attrs[e.attr]
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
            parts = [self.expr(e.left), *(self.expr(c) for c in e.comparators)]
            v = join(*parts)
            ordering = all(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in e.ops)
            if v.kind == "data" and ordering:  # data compared with a statistic (a threshold learned from the rows)
                for stat in parts:
                    for data in parts:
                        if stat.kind == "stat" and data.kind == "data":
                            v = self.apply_stat(v, data, stat, e, "thresholded")
            return v if v.kind == "data" else v.with_(kind="score" if v.testscore else "other")
        if isinstance(e, (ast.Tuple, ast.List, ast.Set)):
            return Val("tuple", items=tuple(self.expr(x.value if isinstance(x, ast.Starred) else x) for x in e.elts))
        if isinstance(e, ast.Dict):
            return join(*(self.expr(v) for v in e.values if v is not None), *(self.expr(k) for k in e.keys if k is not None))
        if isinstance(e, ast.IfExp):
            test = self.expr(e.test)
            out = join(self.expr(e.body), self.expr(e.orelse))
            return join(out, test) if test.kind == "data" and test.events - out.events else out
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
            self.bind(gen.target, self.each(gen.iter, it), ast.Pass(lineno=e.lineno))
        self.loop_depth += 1
        val = join(self.expr(e.key), self.expr(e.value)) if isinstance(e, ast.DictComp) else self.expr(e.elt)
        self.loop_depth -= 1
        self.env = saved
        return val.with_(single=False) if val.single else val  # the collected samples are many samples

    def subscript(self, e: ast.Subscript) -> Val:
        base = self.expr(e.value)
        if base.kind == "tuple" and base.items and isinstance(e.slice, ast.Constant) and isinstance(e.slice.value, int):
            i = e.slice.value
            return base.items[i] if -len(base.items) <= i < len(base.items) else OTHER
        mask = is_mask(e.slice)
        self.masking += mask
        try:
            idx = self.expr(e.slice) if not isinstance(e.slice, ast.Slice) else join(
                *(self.expr(p) for p in (e.slice.lower, e.slice.upper, e.slice.step) if p is not None))
        finally:
            self.masking -= mask
        if base.kind == "tuple":
            return join(*base.items)
        if idx.kind == "tuple" and idx.items and isinstance(e.slice, ast.Tuple):  # X.loc[rows, cols]: rows decide
            idx = idx.items[0]
        if idx.kind == "index" and idx.sides:
            if base.kind == "data" and not base.sides and idx.split is not None:  # rows picked by fold indices
                self.check_split([base], idx.split, "indexed by the folds of a splitter")
            return join(base, idx).with_(kind="data", sides=idx.sides, split=idx.split, carved=True, labelled=idx.labelled)
        if base.kind == "data" and idx.kind in ("data", "index"):
            if mask:  # a row filter by a threshold selects rows; it builds no feature
                return base
            return base.with_(events=base.events | idx.events)
        return base

    def binop(self, e: ast.BinOp) -> Val:
        left, right = self.expr(e.left), self.expr(e.right)
        if left.kind == right.kind == "str" and left.text is not None and right.text is not None and isinstance(e.op, (ast.Add, ast.Div)):
            sep = "/" if isinstance(e.op, ast.Div) else ""
            return Val("str", text=f"{left.text}{sep}{right.text}")
        out = join(left, right)
        scaling = (isinstance(e.op, ast.Div) and right.kind == "stat") or (isinstance(e.op, ast.Sub) and right.text in CENTRES)
        for data, stat in ((left, right), (right, left)):
            if data.kind == "data" and stat.kind == "stat" and scaling:
                out = self.apply_stat(out, data, stat, e, "scaled")
        return out

    def apply_stat(self, out: Val, data: Val, stat: Val, node: ast.AST, how: str) -> Val:
        """Data combined with a statistic: test statistics are a TEST-STATS event, all-row statistics a fit.

        A statistic of rows that include the test rows (training and test frames joined, or the whole frame a
        split was cut from) applied to training data is reported here; applied to the joined frame it is a fit
        that the later split reports.
        """
        site = self.site(node)
        made = stat.made or site
        if self.masking:
            return out
        if {"train", "test"} <= stat.sides:
            detail = f"data {how} with a statistic of the training and test rows together"
            if "train" in data.sides and "test" not in data.sides:
                self.report("LEAK-CODE-PREPROCESS", site, f"The training data is {how} with a statistic computed over "
                            "training and test rows together, so the test rows shape training.", fit=made, split=data.split)
                return out.with_(kind="data")
            return out.with_(kind="data", events=out.events | {Event("fit", made, detail)})
        if not stat.sides and "train" in data.sides and data.carved and stat.roots & data.roots:
            self.report("LEAK-CODE-PREPROCESS", site, f"The training part is {how} with a statistic of the whole frame it "
                        "was split from, test rows included.", fit=made, split=data.split, related=[site] if made != site else None)
            return out.with_(kind="data")
        if "test" in stat.sides and "train" not in stat.sides:
            whose = "its own" if "test" in data.sides else "the test set's"
            target = "test data" if "test" in data.sides else "data"
            ev = Event("stats", site, f"{target} {how} with {whose} statistics", own="test" in data.sides)
            return out.with_(kind="data", events=out.events | {ev})
        if not stat.sides and not data.sides:
            return out.with_(kind="data", events=out.events | {Event("fit", made if made.line else site, f"data {how} with statistics of all rows")})
        return out.with_(kind="data")


class AnalysisTimeout(Exception):
    """A file took longer than its time budget to analyse."""


def analyze_units(path: str, units: list[Unit], seconds: float = 30.0) -> FileFlow:
    """Run the analysis over a file's units (cells in order) within ``seconds``."""
    return Analyzer(path, seconds).run(units)
