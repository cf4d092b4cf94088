"""How the analysis treats calls: estimators and their fit/transform/score, splits, readers, writers, helpers."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from mlaudit.scanners.code_names import dotted_name
from mlaudit.scanners.leakage import api
from mlaudit.scanners.leakage.records import FileFlow
from mlaudit.scanners.leakage.values import OTHER, Event, Obj, Site, Val, deep, flatten, join

MAX_INLINE_DEPTH = 4
# methods that call the code they are given on the receiver's rows, columns, groups or the whole frame
VALUE_APPLIERS = frozenset({"apply", "applymap", "map", "pipe", "transform", "agg", "aggregate"})
INLINE_BUDGET = 1500  # helper-function bodies followed per file; beyond it a call just joins its arguments
FIT_METHODS = frozenset({"fit", "fit_transform", "fit_resample", "fit_sample", "fit_predict", "partial_fit", "adapt", "fit_on_texts",
                         "fit_on_sequences"})

# constructor names and the role of the object they make, first match wins (then the estimator-name hint)
_ROLES = ((api.PREPROCESSORS, "pre"), (api.STATELESS, "stateless"), (api.OUTLIER_FILTERS, "outlier"),
          (api.RESAMPLERS, "resampler"), (api.UNDERSAMPLERS, "undersampler"), (api.PIPELINES, "pipeline"), (api.SEARCHES, "search"),
          (api.SPLITTERS, "splitter"))


class CallRules:
    """Mixed into the Analyzer, which provides the environment, ``expr``, ``block``, ``site`` and ``report``."""

    env: dict[str, Val]
    imports: dict[str, str]
    funcs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
    classes: dict[str, list[str]]  # user class -> names of its bases
    call_sites: list[Site | None]
    func_units: dict[int, tuple[int | None, list[str]]]
    called: set[str]
    out: FileFlow
    cell: int | None
    lines: list[str]
    loop_depth: int
    depth: int
    inlined: int
    returns: list[list[Val]]
    test_evals: list[tuple[Site, Site | None, bool]]
    in_sample: list[Site]
    selections: list[tuple[Site, str, Site | None]]
    test_tuned: list[tuple[Site, str, Site | None]]
    cv_splits: set[Site]
    test_preds: list[Site | None]  # splits of held-out data predicted on (a submission, a final check)
    name_reads: set[Site]  # file reads whose side (train/test) comes from the file's name only
    whole_reads: set[Site]  # those of them split and trained on: the whole data set, not a test set
    whole_stats: set[Site]  # statistics taken on such a file (reported as fits on all rows at its split)
    scopes: list[int]  # ids of the user functions being followed (innermost last)
    fitting: int  # inside a user estimator's own fit method: its scores on training rows are part of learning
    cv_models: set[int]  # ids of the models that have a cross-validated score (cross_val_score & co.)
    in_sample_models: dict[Site, frozenset[int]]  # in-sample score site -> the models scored there
    file_splits: dict[Site, tuple[Site, frozenset[Event]]]  # split of a test-named file -> (its read, its events)

    if TYPE_CHECKING:  # provided by the Analyzer
        def expr(self, e: ast.expr | None) -> Val: ...
        def block(self, body: list[ast.stmt]) -> None: ...
        def site(self, node: ast.AST, what: str = "") -> Site: ...
        def report(self, check_id: str, site: Site, message: str, fit: Site | None = None, split: Site | None = None,
                   related: list[Site] | None = None) -> None: ...
        def apply_stat(self, out: Val, data: Val, stat: Val, node: ast.AST, how: str) -> Val: ...

    def qualname(self, f: ast.expr) -> str | None:
        """The dotted name of a callee when it is an imported or plain name (e.g. sklearn.preprocessing.StandardScaler)."""
        return dotted_name(f, self.imports, chains_need_import=True)

    def call(self, c: ast.Call) -> Val:
        f = c.func
        qual = self.qualname(f)
        if isinstance(f, ast.Name) and f.id in self.funcs and f.id not in self.env:
            self.called.add(f.id)
            return self.call_user(self.funcs[f.id], [self.expr(a) for a in c.args],
                                  {k.arg: self.expr(k.value) for k in c.keywords if k.arg}, self.site(c))
        if isinstance(f, ast.Name) and f.id in self.classes and f.id not in self.env:
            pos, kw = self.args(c)
            return self.instantiate(f.id, pos, kw, c)
        if isinstance(f, ast.Name) and self.env.get(f.id, OTHER).kind == "obj":  # a fitted layer called on data
            obj_val = self.env[f.id]
            assert obj_val.obj is not None
            pos, kw = self.args(c)
            return self.obj_method(obj_val.obj, obj_val, "transform", pos, kw, c, self.site(c))
        if qual is not None:
            return self.function(api.short(qual), c, qual)
        if not isinstance(f, ast.Attribute):  # f()(x), table[k](x), (lambda ...)(x)
            pos, kw = self.args(c)
            out = join(self.expr(f), *pos, *kw.values())
            return out if out.kind in ("data", "score", "stat") else OTHER
        recv = self.expr(f.value)
        return self.method(recv, f.attr, c)

    def instantiate(self, cls: str, pos: list[Val], kw: dict[str, Val], c: ast.Call) -> Val:
        """An instance of a user-defined class: its own attributes, ``__init__`` run on it."""
        inst = Val("obj", obj=Obj(cls, "user", self.site(c), in_loop=self.loop_depth > 0))
        init = self.method_of(cls, "__init__")
        if init is not None:
            self.called.add(f"{self.owner(cls, '__init__')}.__init__")
            self.call_user(init, [inst, *pos], kw, self.site(c))
        return inst

    def owner(self, cls: str, name: str, seen: frozenset[str] = frozenset()) -> str | None:
        """The user class (``cls`` or one of its user-defined bases) that defines method ``name``."""
        if f"{cls}.{name}" in self.funcs:
            return cls
        for base in self.classes.get(cls, []):
            if base in self.classes and base not in seen:
                found = self.owner(base, name, seen | {cls})
                if found:
                    return found
        return None

    def method_of(self, cls: str, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The method ``name`` of a user class, looked up through its user-defined bases."""
        owner = self.owner(cls, name)
        return self.funcs.get(f"{owner}.{name}") if owner else None

    def user_method(self, recv: Val, name: str, pos: list[Val], kw: dict[str, Val], site: Site) -> Val:
        """A method called through an instance of a user class, resolved through that class (not by bare name)."""
        assert recv.obj is not None
        cls = recv.obj.cls
        fn = self.method_of(cls, name)
        if fn is None and name == "fit_transform" and self.method_of(cls, "fit") and self.method_of(cls, "transform"):
            self.user_method(recv, "fit", pos, kw, site)  # TransformerMixin.fit_transform: fit, then transform
            return self.user_method(recv, "transform", pos[:1], {}, site)
        if fn is None:
            out = join(*pos, *kw.values())
            return out if out.kind in ("data", "score", "stat") else OTHER
        self.called.add(f"{self.owner(cls, name)}.{name}")
        return self.call_user(fn, [recv, *pos], kw, site)

    def call_user(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, args: list[Val], kwargs: dict[str, Val],
                  at: Site | None = None) -> Val:
        if self.depth >= MAX_INLINE_DEPTH or self.inlined >= INLINE_BUDGET:
            return join(*args, *kwargs.values())
        self.inlined += 1
        self.call_sites.append(self.call_sites[0] if self.call_sites else at)  # the outermost call names the site
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
        self.scopes.append(id(fn))
        learning = fn.name in FIT_METHODS and bool(params) and params[0] == "self"  # a user estimator's own fit
        self.fitting += learning
        try:
            self.block(fn.body)
        finally:
            self.call_sites.pop()
            self.scopes.pop()
            self.fitting -= learning
            rets = self.returns.pop()
            self.depth -= 1
            self.env, self.loop_depth = saved_env, saved_loop
            self.cell, self.lines = saved_unit
        if not rets:
            return OTHER
        if len(rets) == 1:
            return rets[0]
        return join(*rets) if not all(r.kind == "tuple" for r in rets) else rets[-1]

    def scope(self) -> int | None:
        """The user function whose body is being followed (None at top level)."""
        return self.scopes[-1] if self.scopes else None

    def args(self, c: ast.Call) -> tuple[list[Val], dict[str, Val]]:
        pos: list[Val] = []
        for a in c.args:
            v = self.expr(a.value if isinstance(a, ast.Starred) else a)
            pos.extend(flatten(v) if isinstance(a, ast.Starred) else [v])
        return pos, {k.arg or "**": self.expr(k.value) for k in c.keywords}

    def new_obj(self, name: str, c: ast.Call, pos: list[Val], kw: dict[str, Val]) -> Val | None:
        role = next((r for names, r in _ROLES if name in names), None)
        if role is None and name[:1].isupper() and api.ESTIMATOR_HINT.search(name):
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

    def function(self, name: str, c: ast.Call, qual: str = "") -> Val:
        pos, kw = self.args(c)
        made = self.new_obj(name, c, pos, kw)
        if made is not None:
            return made
        site = self.site(c)
        if name in api.SPLIT_FUNCS:
            return self.split(pos, site)
        if name in api.PART_SPLITS and pos and (name == "random_split" or qual.startswith(("numpy.", "np."))):
            return self.part_split(pos[0], pos[1] if len(pos) > 1 else OTHER, c, site, f"{name}()")
        if name in ("next", "list", "tuple", "enumerate", "iter") and pos and pos[0].kind == "splits":
            if name == "next":  # the first (train, test) pair of index arrays: one hold-out split, not folds
                if pos[0].split is not None:
                    self.cv_splits.discard(pos[0].split)
                return Val("tuple", items=self.fold_parts(pos[0]))
            return pos[0].with_(text="enumerate") if name == "enumerate" else pos[0]
        if api.DATASET_FUNCS.match(name) and not (api.READERS.match(name) and pos) and (
                qual.startswith(("sklearn.", "keras.", "tensorflow.", "torchvision.", "imblearn.", "openml."))
                or api.DATASET_MODULES.search(qual)):
            return Val("data", roots=frozenset({site}))
        if name in api.CV_FUNCS:
            est = pos[0] if pos else kw.get("estimator", OTHER)
            if est.obj is not None:
                self.cv_models.add(est.obj.id)
            cv_data = pos[1:] + [v for k, v in kw.items() if k in ("X", "y", "groups")]
            self.check_split(cv_data, site, "cross-validation")
            return Val("score")
        if api.METRICS_RE.search(name) and name not in api.SELECT_FUNCS:
            if any(api.name_side(n) == "test" for n in arg_names(c)):  # a held-out score the flow could not trace
                self.test_evals.append((site, None, True))
            score = self.evaluation(pos + list(kw.values()), None, site)
            if name.startswith(("confusion_matrix", "multilabel_confusion_matrix")):
                return score.with_(looped=False)  # counts to draw or read, not a score to choose by
            return score
        if name in EARLY_STOPPERS and not (name == "ModelCheckpoint" and not kw_true(c, "save_best_only")):
            return Val("other", text=EARLY_STOP)
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
        if name in api.RESAMPLE_FUNCS and not kw_false(c, "replace") and not api.SIGNAL_MODULES.match(qual):  # resample(replace=False) only subsamples
            data = join(*pos)
            return data.with_(kind="data", events=data.events | {Event("resample", site, f"rows resampled with {name}()")})
        if name in api.SELECT_FUNCS and any(v.testscore and v.looped for v in [*pos, *kw.values()]):
            self.selections.append((site, f"{name}() over test scores", next((v.split for v in [*pos, *kw.values()] if v.testscore), None)))
            return join(*pos).with_(kind="score")
        if name == "map" and len(c.args) >= 2 and self.passed_code(c.args[0]) is not None:  # builtin map(f, rows)
            items = pos[1:]
            out = self.run_passed(c.args[0], [join(*flatten(v)) for v in items], {})
            return join(out, *items) if out.kind == "data" else join(*items)
        if name in api.STAT_METHODS and pos and pos[0].kind == "data" and (row_wise(c) or pos[0].single):
            return pos[0]  # a per-row statistic (axis=1), or one of a single sample, uses no other row
        if name in api.STAT_METHODS and pos and pos[0].kind == "data":
            return pos[0].with_(kind="stat", text=name, made=pos[0].made or site)
        if name in ("join", "Path", "PurePath") and pos and all(v.text is not None for v in pos):
            return Val("str", text="/".join(v.text or "" for v in pos))
        out = join(*pos, *kw.values())
        return out if out.kind in ("data", "score", "stat", "str") else OTHER

    def method(self, recv: Val, name: str, c: ast.Call) -> Val:
        pos, kw = self.args(c)
        site = self.site(c, f"{recv.obj.cls}.{name}" if recv.obj else "")
        site = replace(site, what=self.site(c).what)
        if recv.kind == "obj" and name in ("items", "values", "keys", "copy", "get"):
            return recv  # a dict or list of estimators
        if recv.kind == "obj" and recv.obj is not None and recv.obj.role == "user":
            return self.user_method(recv, name, pos, kw, self.site(c))
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
        if name in api.PREDICT_METHODS:  # a model the flow lost (load_model(...)) predicting
            self.note_test_prediction(pos[0] if pos else kw.get("x", kw.get("X", OTHER)), c)
        if name in api.SELECT_FUNCS and recv.testscore and recv.looped:  # a choice among several candidates' scores
            self.selections.append((site, f".{name}() over test scores", recv.split))
            return recv
        if recv.kind == "data" and name in api.STAT_METHODS and (row_wise(c) or recv.single):
            return recv  # df.mean(axis=1) or img.mean() of one image: each sample's own statistic, no other row's
        if recv.kind in ("data", "stat") and name in api.STAT_METHODS:
            return recv.with_(kind="stat", text=name, made=recv.made or site)
        if recv.kind == "data" and name in api.FILL_METHODS:
            out = join(recv, *pos, *kw.values()).with_(kind="data", sides=recv.sides, split=recv.split, carved=recv.carved)
            for stat in [*pos, *kw.values()]:
                if stat.kind == "stat":
                    out = self.apply_stat(out, recv, stat, c, "imputed")
            if kw_true(c, "inplace"):  # the receiver itself changes; the call returns None
                self.update_receiver(c.func, out)
                return OTHER
            return out
        if recv.kind == "data" and name in VALUE_APPLIERS and c.args and self.passed_code(c.args[0]) is not None:
            each = recv.with_(single=True) if row_wise(c) else recv  # axis=1: the code is given one row at a time
            out = self.run_passed(c.args[0], [each, *pos[1:]], {k: v for k, v in kw.items() if k not in ("axis", "**")})
            merged = join(recv, out) if out.kind != "other" else recv
            return merged.with_(kind="data", sides=recv.sides, split=recv.split, carved=recv.carved)
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

    def update_receiver(self, func: ast.expr, val: Val) -> None:
        """An in-place method (``inplace=True``) changed the frame it was called on: merge its new facts in."""
        base = func.value if isinstance(func, ast.Attribute) else func
        while isinstance(base, (ast.Subscript, ast.Attribute)):
            base = base.value
        if isinstance(base, ast.Name) and base.id in self.env:
            old = self.env[base.id]
            self.env[base.id] = old.with_(events=old.events | val.events)

    def passed_code(self, node: ast.expr) -> ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef | None:
        """A lambda, or a user function passed by name, given as a value (to .apply, .pipe, map ...)."""
        if isinstance(node, ast.Lambda):
            return node
        if isinstance(node, ast.Name) and node.id in self.funcs and node.id not in self.env:
            return self.funcs[node.id]
        return None

    def run_passed(self, node: ast.expr, args: list[Val], kwargs: dict[str, Val]) -> Val:
        """Follow code passed as a value, its parameters bound to the data it will be called with."""
        code = self.passed_code(node)
        if isinstance(code, ast.Lambda):
            saved = dict(self.env)
            params = [a.arg for a in code.args.posonlyargs + code.args.args]
            for i, p in enumerate(params):
                self.env[p] = args[i] if i < len(args) else kwargs.get(p, OTHER)
            try:
                return self.expr(code.body)
            finally:
                self.env = saved
        if code is not None:
            assert isinstance(node, ast.Name)
            self.called.add(node.id)
            return self.call_user(code, args, kwargs, self.site(node))
        return OTHER

    def note_test_prediction(self, x: Val, c: ast.Call) -> None:
        """Predictions for a held-out set: its split, or, when the flow lost it, a variable named ``*test*``."""
        held = join(*deep(x))  # multi-input models take a list of arrays
        if "test" in held.sides and held.split is not None:
            self.test_preds.append(held.split)
        elif any("test" in re.split(r"[_\W\d]+", n.lower()) or n.lower() in ("xtest", "x_te") for n in arg_names(c)):
            self.test_preds.append(NAMED_TEST)

    def fit_func(self, node: ast.expr) -> str | None:
        """The name of a scaling function passed by reference (``df.apply(zscore)``), if it is one."""
        qual = self.qualname(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        name = api.short(qual) if qual else None
        return name if name in api.FIT_FUNCS else None

    def obj_method(self, obj: Obj, recv: Val, name: str, pos: list[Val], kw: dict[str, Val], c: ast.Call,
                   site: Site) -> Val:
        x = pos[0] if pos else kw.get("X", OTHER)
        if name in ("set_params", "set_output"):
            return recv
        if name == "split" and obj.role == "splitter":
            return self.cv_split(pos, site)
        if name in FIT_METHODS:
            self.fit(obj, x, pos, kw, c, site)
            if obj.role == "undersampler":  # only drops rows: nothing lands on both sides
                return Val("tuple", items=tuple(pos[:2]))
            if obj.role == "resampler" or name in ("fit_resample", "fit_sample"):
                ev = Event("resample", site, f"{obj.cls}.{name} resampled the rows")
                return Val("tuple", items=tuple(p.with_(events=p.events | {ev}) if p.kind == "data" else p for p in pos[:2]))
            if name == "fit_transform" and obj.role in ("pre", "pipeline", "stateless"):
                return self.transformed(obj, x, site)
            if name == "fit_predict":
                return x.with_(kind="data", events=x.events | ({obj.fit_event} if obj.fit_event else set()), preds=frozenset({obj.id}))
            return recv
        if name in api.TRANSFORM_METHODS:
            return self.transformed(obj, x, site)
        same = obj.fit_text is not None and bool(c.args) and arg_text(c.args[0]) == obj.fit_text \
            and obj.fit_scope == self.scope()  # the same expression in the same function (``X`` of another method differs)
        if name in api.PREDICT_METHODS:
            if x.labelled and x.split not in self.file_splits:  # an unlabelled test file (or rows cut by hand, or
                self.consume(x, site)  # a test file cut into batches) only predicted on is not an evaluation
            self.note_test_prediction(x, c)
            return x.with_(kind="data", preds=x.preds | {obj.id}, insample=same)
        if name in api.MODEL_EVAL_METHODS:
            return self.evaluation([*pos, *kw.values()], obj if same else None, site)
        return OTHER

    def fit(self, obj: Obj, x: Val, pos: list[Val], kw: dict[str, Val], c: ast.Call, site: Site) -> None:
        self.out.uses_ml = True
        self.decide_whole(x)
        obj.fit_text, obj.fit_scope = (arg_text(c.args[0]) if c.args else None), self.scope()
        if any(k in kw for k in ("validation_data", "validation_split", "eval_set", "valid_sets")):
            self.test_evals.append((site, None, True))  # a held-out score exists (training-time validation)
        if obj.role == "search":
            if "test" in x.sides and "train" not in x.sides:
                self.test_tuned.append((site, f"tune hyperparameters ({obj.cls} fitted on test data)", x.split))
            self.check_split(pos[:2], site, f"{obj.cls} cross-validation")
        if obj.role in ("pre", "outlier") or (obj.role == "pipeline" and obj.has_pre):
            own = f"{obj.cls} is fitted on test data: the test set is scaled or imputed with its own statistics " \
                  "instead of the training set's"
            if obj.cls in api.EMBEDDINGS:  # t-SNE & co. have no transform: fitted on test rows they only draw them
                pass
            elif "test" in x.sides and "train" not in x.sides and x.labelled:
                self.report("LEAK-CODE-TEST-STATS", site, own + ".", fit=site, split=x.split)
            elif "test" in x.sides and "train" not in x.sides:  # a test file or hand-cut rows: a leak only once scored
                obj.fit_event = Event("stats", site, own, own=True)
                obj.fitted_sides, obj.fit_split = x.sides, x.split
                return
            elif {"train", "test"} <= x.sides:
                self.report("LEAK-CODE-PREPROCESS", site, f"{obj.cls} is fitted on training and test rows together.",
                            fit=site, split=x.split)
            obj.fit_event = Event("fit", site, f"{obj.cls} fitted")
        if obj.role == "estimator" or obj.role == "pipeline":
            self.consume(x, site, training=True)
            if "validation_split" in kw and not x.sides:  # Keras holds out the last rows of x as validation data
                self.check_split([x], site, "validation_split")
            for k in ("eval_set", "validation_data"):
                v = join(kw[k]) if k in kw else None
                if v is not None and "test" in v.sides and (
                        ("early_stopping_rounds" in kw and not kw_none(c, "early_stopping_rounds"))
                        or ("callbacks" in kw and stops_early(kw["callbacks"]))):
                    self.test_tuned.append((site, f"stop training early ({k} is the test set)", v.split))
        obj.fitted_sides = x.sides

    def transformed(self, obj: Obj, x: Val, site: Site) -> Val:
        ev = obj.fit_event
        if ev is None or obj.role == "stateless":
            return x.with_(kind="data") if x.kind != "other" else x
        fitted = obj.fitted_sides or frozenset()
        if ev.kind == "stats" and obj.fit_split in self.whole_reads:  # fitted on a file that was then split
            ev, fitted = as_fit(ev), frozenset()
        pending = self.file_splits.get(x.split) if x.split is not None else None
        if ev.kind == "stats" and x.split is not None and pending is not None and pending[0] == obj.fit_split:
            self.file_splits[x.split] = (pending[0], pending[1] | {ev})  # a part of that very file: decided by use
            return x.with_(kind="data", events=x.events | {ev})
        if not fitted and "test" in x.sides and x.carved and x.split is not None and ev.kind == "fit":
            self.report("LEAK-CODE-PREPROCESS", site, f"{ev.detail} on all rows before the split, then applied to the test part.",
                        fit=ev.site, split=x.split)
        if fitted == frozenset({"test"}) and "train" in x.sides:
            self.report("LEAK-CODE-TEST-STATS", site, "Training data is transformed with statistics fitted on the test set.",
                        fit=ev.site, split=x.split)
        return x.with_(kind="data", events=x.events | {ev})

    def consume(self, x: Val, site: Site, training: bool = False) -> None:
        """Data reaching a model: report test statistics it was prepared with.

        Training data only counts when prepared with the test set's statistics; test rows prepared with their own
        statistics that end up in some model's training data (an imputation model over train and test) are not
        a test set scored with its own statistics.
        """
        whole = x.split in self.whole_reads  # a file named like a test set that the code splits: the whole data set
        for ev in x.events:
            if ev.kind == "stats" and not whole and ev.site not in self.whole_stats and not (training and "the test set's" not in ev.detail):
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
            return Val("score", testscore=True, split=split, looped=self.loop_depth > 0)
        if data and not self.fitting and ((obj is not None and obj.role != "search") or any(v.insample for v in data)):
            self.in_sample.append(site)  # scored on the very rows the model was fitted on (outside a learning step)
            self.in_sample_models[site] = frozenset({obj.id}) if obj is not None else frozenset().union(
                *(v.preds for v in data if v.insample))
        return Val("score")

    def split(self, arrays: list[Val], site: Site) -> Val:
        for a in arrays:
            self.test_file_split(a, site)
        self.check_split(arrays, site, "train_test_split")
        items = []
        for a in arrays:
            for side in ("train", "test"):
                items.append(a.with_(kind="data", sides=frozenset({side}), split=site, carved=True, labelled=True))
        return Val("tuple", items=tuple(items))

    def part_split(self, data: Val, sizes: Val, c: ast.Call, site: Site, how: str) -> Val:
        """A split into consecutive parts of one array (first part training, the rest held out)."""
        self.test_file_split(data, site)
        self.check_split([data], site, how)
        n = 2
        if len(c.args) > 1 and isinstance(c.args[1], (ast.List, ast.Tuple)):
            n = len(c.args[1].elts) + (1 if api.short(self.qualname(c.func) or "") != "random_split" else 0)
        parts = [data.with_(kind="data", sides=frozenset({"train" if i == 0 else "test"}), split=site, carved=True,
                            labelled=True) for i in range(max(n, 2))]
        return Val("tuple", items=tuple(parts))

    def fold_parts(self, splits: Val) -> tuple[Val, Val]:
        """The (train, test) index values of one fold of a splitter."""
        return (Val("index", sides=frozenset({"train"}), split=splits.split, carved=True, labelled=True),
                Val("index", sides=frozenset({"test"}), split=splits.split, carved=True, labelled=True))

    def cv_split(self, pos: list[Val], site: Site) -> Val:
        for p in pos:
            self.test_file_split(p, site)
        self.check_split(pos, site, "cross-validation folds")
        self.cv_splits.add(site)
        return Val("splits", split=site, src=pos[0] if pos else None)

    def test_file_split(self, a: Val, site: Site) -> None:
        """Remember a split of data whose side came only from its file's name (``Bird Strikes Test.csv``)."""
        if a.kind == "data" and not a.carved and a.split in self.name_reads and a.sides == {"test"}:
            self.file_splits.setdefault(site, (a.split, a.events))  # (a training file split into training and
            # validation parts keeps its role: only files named like a test set are in question)

    def decide_whole(self, x: Val) -> None:
        """A model fitted on the training part of a split test-named file: that file is the whole data set.

        A name is not a role. Once the file's rows train something, the statistics taken on the whole file
        (recorded as the test set's own) are fits on all rows before the split: reported as preprocessing, and no
        longer as test statistics. A file only cut into batches to predict on keeps its role.
        """
        if "train" not in x.sides or x.split not in self.file_splits:
            return
        read, events = self.file_splits.pop(x.split)
        self.whole_reads.add(read)
        for ev in sorted(events, key=lambda e: (e.site.cell or 0, e.site.line)):
            if ev.kind in ("stats", "fit"):
                self.whole_stats.add(ev.site)
                self.report("LEAK-CODE-PREPROCESS", ev.site, f"{as_fit(ev).detail} before the split, so the test part's "
                            "statistics leak into training.", fit=ev.site, split=x.split)

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
            return Val("data", roots=frozenset({site}))
        self.out.reads.append((path.text, site))
        side = api.name_side(path.text.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        if side:
            self.name_reads.add(site)
        return Val("data", reads=frozenset({(path.text, site)}), sides=frozenset({side}) if side else frozenset(),
                   split=site if side else None, roots=frozenset({site}))

    def write(self, path: Val, data: Val, site: Site) -> None:
        if path.text is None:
            return
        leaks = [ev for ev in data.events if ev.kind in ("fit", "resample")]
        self.out.writes.append((path.text, site, leaks))


EARLY_STOP = "<early stopping callback>"
NAMED_TEST = Site("<a variable named test>", 0)  # predictions for a test set whose split the flow could not trace
EARLY_STOPPERS = frozenset({"EarlyStopping", "early_stopping", "ModelCheckpoint", "EarlyStoppingCallback"})


def as_fit(ev: Event) -> Event:
    """Statistics first taken for a test set's own, seen to be of the whole data set: a fit on all rows."""
    if ev.kind != "stats":
        return ev
    m = re.match(r"(\S+) is fitted on test data|(?:test )?data (\w+) with", ev.detail)
    what = f"{m.group(1)} fitted" if m and m.group(1) else f"data {m.group(2)}" if m else "statistics learned"
    return Event("fit", ev.site, f"{what} on the whole data set (its file is named like a test set, but the code splits it and trains on a part)")


def stops_early(v: Val) -> bool:
    """Whether a callbacks value holds an early-stopping (or keep-the-best checkpoint) callback."""
    return v.text == EARLY_STOP or any(stops_early(i) for i in v.items)


def arg_names(c: ast.Call) -> list[str]:
    """Variable names passed to a call (``y_val`` in ``f1(y_val, m.predict(X_val))``), nested calls included."""
    return [n.id for a in [*c.args, *(k.value for k in c.keywords)] for n in ast.walk(a) if isinstance(n, ast.Name)]


def kw_none(c: ast.Call, name: str) -> bool:
    """Whether keyword ``name`` is passed None."""
    return any(k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is None for k in c.keywords)


def arg_text(node: ast.expr) -> str:
    """The source of an argument expression (to tell whether a model is scored on what it was fitted on)."""
    try:
        return ast.unparse(node)
    except (ValueError, RecursionError):
        return ""


def row_wise(c: ast.Call) -> bool:
    """Whether a statistic is taken along each row (``axis=1`` / ``axis="columns"``), not over the rows."""
    for k in c.keywords:
        if k.arg == "axis" and isinstance(k.value, ast.Constant):
            return k.value.value in (1, "columns", -1)
    return False


def kw_false(c: ast.Call, name: str) -> bool:
    """Whether keyword ``name`` is passed a false literal."""
    return any(k.arg == name and isinstance(k.value, ast.Constant) and not k.value.value for k in c.keywords)


def kw_true(c: ast.Call, name: str) -> bool:
    """Whether keyword ``name`` is passed a true literal."""
    return any(k.arg == name and isinstance(k.value, ast.Constant) and bool(k.value.value) for k in c.keywords)
