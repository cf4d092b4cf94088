"""INFRA-CI: continuous integration exists and runs on push or pull request."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev


@register
class ContinuousIntegration(Check):
    id = "INFRA-CI"
    title = "CI runs on every push or pull request"
    area = "infra"
    help = (
        "Reads GitHub Actions, GitLab CI, CircleCI, Azure Pipelines and Jenkinsfiles. Passes when a pipeline "
        "runs on push or pull request, warns when CI only runs on a schedule, a tag or by hand, fails without CI."
    )
    recommendation = "Add a CI workflow that installs the pinned dependencies and runs the tests on every push and pull request."
    markers = ("glue code", "plain-old-data type smell")
    ml_test_score = ()
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        ci = ctx.facts("ci")
        broken = {e["path"] for e in ci["errors"]}
        if (ci["files"] and all(f["path"] in broken for f in ci["files"])) or (not ci["files"] and broken):
            return self.result(Status.UNKNOWN, message="CI files exist but could not be read.",
                               evidence=[ev(e, e["error"]) for e in ci["errors"]])
        if not ci["files"]:
            return self.result(Status.FAIL, 0, value=None, message="No CI configuration found.",
                               evidence=[Evidence("no .github/workflows, .gitlab-ci.yml, .circleci, azure-pipelines.yml or Jenkinsfile")])
        on_change = [t for t in ci["triggers"] if t["kind"] in ("push", "pull_request")]
        systems = sorted({f["system"] for f in ci["files"]})
        evidence = [ev(t, f"{t['system']} {t['kind']} trigger ({t['detail']})") for t in ci["triggers"]][:MAX_EVIDENCE]
        evidence += [ev(e, e["error"]) for e in ci["errors"]]
        if on_change:
            return self.result(Status.PASS, 1, value=systems, message=f"CI ({', '.join(systems)}) runs on push/pull request.", evidence=evidence)
        return self.result(Status.WARN, 0.5, value=systems, message="CI exists but never runs on push or pull request.", evidence=evidence)
