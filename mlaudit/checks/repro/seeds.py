"""REPRO-SEEDS: every RNG library the code uses is seeded; estimators and splits get random_state."""

from __future__ import annotations

from typing import Any

from mlaudit.checks.base import Check, CheckResult, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, has_python, only_unreadable, unreadable_evidence


@register
class Seeds(Check):
    id = "REPRO-SEEDS"
    title = "Randomness is seeded"
    area = "repro"
    help = (
        "Parses scripts and notebook cells: seeds set (random.seed, np.random.seed, torch.manual_seed, "
        "tf.random.set_seed, default_rng(seed), ...), draws from each library's global generator, and "
        "estimators, splitters and samplers called with or without random_state (np.random.seed or a "
        "seed_everything-style helper called earlier in the same or an enclosing scope seeds those that use the "
        "global generator; Estimator(**config) counts as seeded only when the visible config sets random_state; "
        "Python 2 code is read through a tolerant parse). Passes when nothing random "
        "is left unseeded, warns when some is, fails when nothing is seeded."
    )
    recommendation = "Seed every RNG the training uses and pass random_state to splits and estimators (from params)."
    markers = ("reproducibility",)
    ml_test_score = ("infra-1",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if only_unreadable(ctx):
            return self.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
        if not has_python(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No Python code in this tree.")
        code = ctx.facts("code")
        seeded_libs = {s["lib"] for s in code["seeds"]}
        unseeded_libs: dict[str, dict[str, Any]] = {}
        for use in code["rng_use"]:
            if use["lib"] not in seeded_libs:
                unseeded_libs.setdefault(use["lib"], use)
        problems = [ev(u, f"{u['call']} without random_state / seed") for u in code["unseeded"]]
        problems += [ev(u, f"{lib} random numbers drawn ({u['call']}) but {lib} is never seeded") for lib, u in unseeded_libs.items()]
        good = code["seeds"] + code["random_state"]
        if not problems and not good:
            return self.result(Status.NOT_APPLICABLE, message="No random number use found in the code.")
        evidence = problems[:MAX_EVIDENCE] + [ev(g, f"seeded: {g['call']}") for g in good][:MAX_EVIDENCE]
        value = {"unseeded": len(problems), "seeded": len(good)}
        if not problems:
            return self.result(Status.PASS, 1, value=value, message=f"{len(good)} seeding call(s); nothing random left unseeded.",
                               evidence=evidence)
        if good:
            return self.result(Status.WARN, 0.5, value=value, message=f"{len(problems)} unseeded random call site(s).",
                               evidence=evidence)
        return self.result(Status.FAIL, 0, value=value, message=f"Nothing is seeded; {len(problems)} unseeded random call site(s).",
                           evidence=evidence)
