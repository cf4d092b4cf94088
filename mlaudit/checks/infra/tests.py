"""INFRA-TESTS: tests exist, of which kinds (code, data, model), and whether CI runs them."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ci_steps, ev, has_python


@register
class Tests(Check):
    id = "INFRA-TESTS"
    title = "Tests exist and run in CI"
    area = "infra"
    help = (
        "Finds test files (tests/, test_*.py, *_test.py) and classifies them as code, data or model tests from "
        "what they exercise; tests that cannot fail (only assert True, nothing exercised) do not count. Passes when tests exist and CI runs them, warns when nothing runs them "
        "automatically, fails without tests."
    )
    recommendation = "Write tests for feature code, data expectations and model quality, and run them in CI."
    markers = ("ml-system testing debt",)
    ml_test_score = ("infra-2", "data-7")
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if not has_python(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No Python code in this tree.")
        found = ctx.facts("code")["tests"]
        tests = [t for t in found if t["functions"] > t.get("vacuous", 0)]
        vacuous = [t for t in found if t.get("vacuous") and t not in tests]
        if not tests:
            if vacuous:
                return self.result(Status.FAIL, 0, value={"files": 0, "vacuous": sum(t["vacuous"] for t in vacuous)},
                                   message="Only tests that cannot fail (assert True, no check of the code they run).",
                                   evidence=[Evidence(f"{t['vacuous']} test(s) assert nothing", path=t["path"]) for t in vacuous][:MAX_EVIDENCE])
            return self.result(Status.FAIL, 0, value={"files": 0}, message="No tests found.",
                               evidence=[Evidence("no tests/ folder, test_*.py or *_test.py with test functions")])
        kinds = sorted({k for t in tests for k in t["kinds"]})
        value = {"files": len(tests), "functions": sum(t["functions"] - t.get("vacuous", 0) for t in tests), "kinds": kinds}
        runs = ci_steps(ctx, "tests")
        evidence = [Evidence(f"{t['functions']} test(s): {', '.join(t['kinds'])}", path=t["path"]) for t in tests][:MAX_EVIDENCE]
        evidence += [ev(r, f"CI job {r['job']} runs tests: {r['run'][:100]}") for r in runs][:MAX_EVIDENCE]
        missing = sorted({"code", "data", "model"} - set(kinds))
        note = f" No {' or '.join(missing)} tests." if missing else ""
        if runs:
            return self.result(Status.PASS, 1, value=value, message=f"{value['functions']} tests ({', '.join(kinds)}) run in CI.{note}",
                               evidence=evidence)
        return self.result(Status.WARN, 0.5, value=value, message=f"{value['functions']} tests ({', '.join(kinds)}) but CI does not run them.{note}",
                           evidence=evidence)
