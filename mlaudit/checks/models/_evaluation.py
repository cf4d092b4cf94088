"""Shared verdict of the evaluation-practice checks (not a check): automated, manual, or absent."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Status
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, automatic_runner, ev, has_training, only_unreadable, unreadable_evidence


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
