"""Shared helpers for the practice checks: evidence from fact items and common questions about a tree."""

from __future__ import annotations

from typing import Any

from mlaudit.checks.base import Check, CheckResult, Evidence, Status
from mlaudit.checks.context import CheckContext
from mlaudit.core.roles import DEFAULT_RULES, classify_by_rules
from mlaudit.scanners.code import is_test_path

MAX_EVIDENCE = 25
# suffixes of the default data rules: only paths ending so (or under a data/ folder) can be data files
DATA_SUFFIXES = tuple(p[1:].lower() for p, role in DEFAULT_RULES if role == "data" and p.startswith("*."))


def ev(item: dict[str, Any], detail: str, value: Any = None) -> Evidence:
    """Evidence pointing at a fact item's path, line and notebook cell."""
    return Evidence(detail, path=item.get("path"), line=item.get("line"), cell=item.get("cell"), value=value)


def has_python(ctx: CheckContext) -> bool:
    """The tree holds Python scripts or notebooks (readable or not)."""
    code = ctx.facts("code")
    return code["files"] > 0 or bool(code["unreadable"])


def only_unreadable(ctx: CheckContext) -> bool:
    """Every Python source of the tree failed to parse, so code-based checks cannot tell."""
    code = ctx.facts("code")
    return code["files"] == 0 and bool(code["unreadable"])


def unreadable_evidence(ctx: CheckContext) -> list[Evidence]:
    return [ev(u, f"could not be analysed: {u['reason']}") for u in ctx.facts("code")["unreadable"][:MAX_EVIDENCE]]


def has_training(ctx: CheckContext) -> bool:
    """Model training is visible: .fit/.train calls, training pipeline steps or CI jobs."""
    code = ctx.facts("code")
    return bool(code["training"] or training_steps(ctx) or any("training" in j["kinds"] for j in ctx.facts("ci")["jobs"]))


def has_data(ctx: CheckContext) -> bool:
    """Data files are tracked in the tree or by DVC."""
    if ctx.facts("pipeline")["dvc"]["tracked"]:
        return True
    rules = ctx.config.path_rules
    candidates = (e.path for e in ctx.tree.files() if rules or e.path.lower().endswith(DATA_SUFFIXES) or "data/" in e.path)
    return any(classify_by_rules(path, rules)[0] == "data" for path in candidates)


def training_steps(ctx: CheckContext) -> list[dict[str, Any]]:
    return [s for s in ctx.facts("pipeline")["steps"] if "training" in s["kinds"]]


def ci_steps(ctx: CheckContext, kind: str, automatic_only: bool = True) -> list[dict[str, Any]]:
    """CI steps that run ``kind`` work, in workflows started without a person (push, PR, schedule, tag, paths)."""
    ci = ctx.facts("ci")
    auto = {t["path"] for t in ci["triggers"] if t["kind"] != "manual"}
    out = []
    for job in ci["jobs"]:
        if automatic_only and job["path"] not in auto:
            continue
        for step in job["steps"]:
            if kind in step["kinds"]:
                out.append({"path": job["path"], "line": step["line"], "job": job["name"], "run": step["run"] or step["name"]})
    return out


def serving_items(ctx: CheckContext) -> list[dict[str, Any]]:
    """Where the project serves a model: serving frameworks in code or a server started by a container."""
    code = ctx.facts("code")
    items = [s for s in code["serving"] if not is_test_path(s["path"])]
    items += [{"path": f["path"], "line": f["lines"].get("cmd") or f["lines"].get("entrypoint"), "framework": f["serving"],
               "call": f["entrypoint"]} for f in ctx.facts("docker")["files"] if f["serving"]]
    return items


def text_files(ctx: CheckContext, suffixes: tuple[str, ...], max_bytes: int = 512 * 1024) -> list[tuple[str, str]]:
    """(path, text) of small config files with the given suffixes (tracking folders left out)."""
    out = []
    for e in ctx.tree.files():
        if e.path.endswith(suffixes) and e.size <= max_bytes and not e.path.startswith(("mlruns/", "node_modules/", ".dvc/")):
            try:
                out.append((e.path, ctx.tree.read_text(e.path, max_bytes)))
            except Exception:  # noqa: BLE001, S112 - an unreadable config file is simply not evidence
                continue
    return out


def line_of(text: str, needle: str) -> int | None:
    idx = text.find(needle)
    return None if idx < 0 else text.count("\n", 0, idx) + 1


def validation_runs(ctx: CheckContext, files: set[str]) -> list[dict[str, Any]]:
    """Places that run data validation automatically: CI data-check steps, or pipeline stages depending on ``files``."""
    runs = [dict(s, detail=f"CI job {s['job']} checks data: {s['run'][:100]}") for s in ci_steps(ctx, "data_checks")]
    for step in ctx.facts("pipeline")["steps"]:
        hit = sorted(set(step.get("deps") or []) & files)
        if hit:
            runs.append({"path": step["path"], "line": step["line"], "detail": f"{step['source']} stage {step['name']} runs {hit[0]}"})
    return runs


def _names_for(path: str) -> list[str]:
    """How a command may name a script: its path, its file name, or a dotted module name (``-m pkg.mod``)."""
    stem = path.rsplit(".", 1)[0].split("/")
    dotted = [".".join(stem[i:]) for i in range(len(stem) - 1)]
    return [path, path.rsplit("/", 1)[-1], *dotted]


def automatic_runner(ctx: CheckContext, path: str) -> str | None:
    """How ``path`` runs without a person (a pipeline stage or an automatic CI step naming it; CI running the
    test suite for a test file), or None when nothing runs it automatically."""
    names = _names_for(path)
    for step in ctx.facts("pipeline")["steps"]:
        if any(n in (step.get("cmd") or "") for n in names):
            return f"{step['source']} stage {step['name']} ({step['path']})"
    ci = ctx.facts("ci")
    auto = {t["path"] for t in ci["triggers"] if t["kind"] != "manual"}
    for job in ci["jobs"]:
        if job["path"] not in auto:
            continue
        for step in job["steps"]:
            run = step["run"] or ""
            if any(n in run for n in names):
                return f"CI job {job['name']} ({job['path']})"
            if is_test_path(path) and "tests" in step["kinds"] and ".py" not in run:
                return f"CI job {job['name']} runs the test suite ({job['path']})"
    return None


def judge_practice(check: Check, ctx: CheckContext, kind: str, what: str, absent: str) -> CheckResult:
    """Pass when the ``evaluation`` facts of ``kind`` run automatically (pipeline, CI, tests in CI), warn (0.5)
    when they only sit in scripts or notebooks a person runs, fail when absent; N/A without training code."""
    items = ctx.facts("evaluation")[kind]
    if not items and only_unreadable(ctx):
        return check.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
    if not items and not has_training(ctx):
        return check.result(Status.NOT_APPLICABLE, message="No model training in the repository.")
    runners = {item["path"]: automatic_runner(ctx, item["path"]) for item in items}
    evidence = [ev(i, f"{i['tool']}: {i['call']}" + (f" — runs in {runners[i['path']]}" if runners[i["path"]] else " — run by hand"))
                for i in sorted(items, key=lambda i: (runners[i["path"]] is None, " " in i["tool"] and i["tool"].islower()))][:MAX_EVIDENCE]
    value = {"found": len(items), "automated": sum(r is not None for r in runners.values())}
    if any(runners.values()):
        return check.result(Status.PASS, 1, value=value, message=f"{what.capitalize()} runs automatically.", evidence=evidence)
    if items:
        return check.result(Status.WARN, 0.5, value=value, message=f"{what.capitalize()} exists but only runs by hand.", evidence=evidence)
    searched = f"searched {ctx.facts('code')['files']} Python scripts and notebooks (and sweep configs): none shows {what}"
    return check.result(Status.FAIL, 0, value=value, message=absent, evidence=[Evidence(searched)])
