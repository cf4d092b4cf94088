"""MON-SKEW: training and serving compute features with the same code, not with two copies."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import evidence as model_evidence
from mlaudit.checks.models._common import real_models
from mlaudit.checks.practice import MAX_EVIDENCE, only_unreadable, serving_items, unreadable_evidence
from mlaudit.scanners.feature_code import module_names
from mlaudit.store.model_queries import ModelVersion, list_models

MIN_COPY_NODES = 12  # a copied function body must be at least this many AST nodes (skips one-liners)
MIN_NAMED_NODES = 6
FEATURE_NAME = re.compile(r"feature|preprocess|transform|clean|encode|prepare|engineer|normali[sz]e|scale|impute", re.IGNORECASE)


def _reach(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _graph(files: list[dict[str, Any]]) -> tuple[dict[str, set[str]], dict[str, list[tuple[int | None, str]]]]:
    """Local import edges between files, and per file the (line, target) of each local import."""
    index: dict[str, set[str]] = defaultdict(set)
    for f in files:
        for name in module_names(f["path"]):
            index[name].add(f["path"])
    edges: dict[str, set[str]] = defaultdict(set)
    lines: dict[str, list[tuple[int | None, str]]] = defaultdict(list)
    for f in files:
        for imp in f["imports"]:
            for target in index.get(imp["module"], ()):
                if target != f["path"] and target not in edges[f["path"]]:
                    edges[f["path"]].add(target)
                    lines[f["path"]].append((imp["line"], target))
    return edges, lines


def _copies(train_side: list[dict[str, Any]], serve_side: list[dict[str, Any]]) -> list[Evidence]:
    """Functions defined on both sides separately: the same body, or the same feature-like name."""
    def defs(side: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        return [(f["path"], fn) for f in side for fn in f["functions"]]
    out = []
    serve_defs = defs(serve_side)
    for tpath, tfn in defs(train_side):
        for spath, sfn in serve_defs:
            same_body = tfn["body"] == sfn["body"] and tfn["nodes"] >= MIN_COPY_NODES
            same_name = (tfn["name"] == sfn["name"] and FEATURE_NAME.search(tfn["name"])
                         and min(tfn["nodes"], sfn["nodes"]) >= MIN_NAMED_NODES)
            if same_body or same_name:
                how = "an identical copy" if same_body else "a separate version"
                out.append(Evidence(f"serving defines {sfn['name']}() as {how} of training's {tfn['name']}() "
                                    f"({tpath}:{tfn['line'] or '?'})", path=spath, line=sfn["line"],
                                    value={"training": f"{tpath}:{tfn['name']}", "serving": f"{spath}:{sfn['name']}"}))
    return out


def _pipeline_models(ctx: CheckContext) -> list[ModelVersion]:
    """Current models whose preprocessing travels inside the artifact (a pipeline with steps before the estimator)."""
    out = []
    for v in real_models(list_models(ctx.store, ctx.rev)):
        steps = v.hyperparameters.get("steps") if isinstance(v.hyperparameters, dict) else None
        if (isinstance(steps, list) and len(steps) >= 2) or "ColumnTransformer" in (v.estimator or ""):
            out.append(v)
    return out


@register
class TrainingServingSkew(Check):
    id = "MON-SKEW"
    title = "Training and serving share the feature code"
    area = "mon"
    help = (
        "Follows the local imports of the training code (files that fit models or are named like train*) and of "
        "the serving code (web handlers, model servers). Passes when both reach the same module, or when the "
        "served model is a pipeline that carries its own preprocessing. Fails when serving defines its own copy "
        "of a training function (an identical body, or a feature-like name such as preprocess or build_features "
        "defined on both sides separately). Warns when nothing shared is visible; not applicable without serving."
    )
    recommendation = ("Put feature computation in one module imported by both training and serving (or inside the "
                      "model pipeline), and delete the duplicate.")
    markers = ("training/serving skew", "monitoring")
    ml_test_score = ("mon-3",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if not serving_items(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No served model.")
        if only_unreadable(ctx):
            return self.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
        files = ctx.facts("feature_code")["files"]
        by_path = {f["path"]: f for f in files}
        training = {f["path"] for f in files if f["training"] and not f["serving"]}
        serving = {f["path"] for f in files if f["serving"]}
        pipelines = _pipeline_models(ctx)
        pipeline_ev = [model_evidence(v, f"the model is a {v.estimator.rsplit('.', 1)[-1] if v.estimator else 'pipeline'} "
                                         "that carries its preprocessing") for v in pipelines][:5]
        if not serving:
            if pipelines:
                return self.result(Status.PASS, 1, message="The served model carries its own preprocessing.", evidence=pipeline_ev)
            return self.result(Status.UNKNOWN, message="The model is served without Python serving code to compare with training.")
        if not training:
            return self.result(Status.UNKNOWN, message="Serving code found, but no training code to compare it with.",
                               evidence=[Evidence("serving code", path=p) for p in sorted(serving)][:MAX_EVIDENCE])
        edges, lines = _graph(files)
        reach_train, reach_serve = _reach(training, edges), _reach(serving, edges)
        shared = reach_train & reach_serve
        shared_ev = [Evidence(f"serving imports {target}, which training uses too", path=path, line=line)
                     for path in sorted(serving) for line, target in lines[path]
                     if _reach({target}, edges) & shared][:MAX_EVIDENCE]
        copies = _copies([by_path[p] for p in sorted(reach_train - shared)], [by_path[p] for p in sorted(reach_serve - shared)])
        value = {"training_files": len(training), "serving_files": len(serving), "shared_modules": len(shared),
                 "copied_functions": len(copies), "pipeline_models": len(pipelines)}
        if copies:
            status = Status.WARN if shared else Status.FAIL
            message = (f"Serving re-implements {len(copies)} training function(s)"
                       + (" although some feature code is shared." if shared else " instead of importing them."))
            return self.result(status, 0, value=value, threshold=0, message=message, evidence=(copies + shared_ev)[:MAX_EVIDENCE])
        if shared or pipelines:
            what = "share feature code" if shared else "use the preprocessing inside the model pipeline"
            return self.result(Status.PASS, 1, value=value, threshold=0, message=f"Training and serving {what}.",
                               evidence=(shared_ev + pipeline_ev)[:MAX_EVIDENCE])
        return self.result(Status.WARN, 0, value=value, threshold=0,
                           message="Training and serving share no code mlaudit can see; serving may compute features its own way.",
                           evidence=[Evidence("serving code imports nothing the training code uses", path=p) for p in sorted(serving)][:MAX_EVIDENCE])
