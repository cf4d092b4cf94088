"""REPRO-LOCKFILE: a lock file is present and consistent with the manifest it locks."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, has_python


@register
class LockFile(Check):
    id = "REPRO-LOCKFILE"
    title = "A lock file pins the full dependency set"
    area = "repro"
    help = (
        "Looks for poetry.lock, uv.lock, pdm.lock, Pipfile.lock, conda-lock files and pip-compile output, and "
        "checks that every runtime package of the manifest appears in the lock (and, for uv.lock, that the "
        "specifiers it recorded still match the manifest). Passes with a consistent lock; warns when the lock "
        "misses manifest packages or is out of date, or when there is no lock but every direct dependency is "
        "pinned (transitive versions still float); fails otherwise."
    )
    recommendation = "Commit a lock file (uv lock, poetry lock, pip-compile --generate-hashes) and regenerate it when the manifest changes."
    markers = ("reproducibility",)
    ml_test_score = ("infra-1",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        deps = ctx.facts("deps")
        locks = deps["locks"]
        consistent = [lk for lk in locks if lk["missing"] == [] and not lk["stale"]]
        if consistent:
            return self.result(Status.PASS, 1, value=[lk["path"] for lk in consistent],
                               message=f"{len(consistent)} lock file(s) consistent with their manifest.",
                               evidence=[ev(lk, f"{lk['format']} lock with {lk['packages']} packages locks {lk['manifest']}")
                                         for lk in consistent])
        if locks:
            evidence = [ev(lk, f"missing from the lock: {', '.join(lk['missing'][:20])}" if lk["missing"] else
                           f"locked with other specifiers than {lk['manifest']} now declares: {', '.join(lk['stale'][:20])}"
                           if lk["stale"] else "the lock file could not be parsed", lk["missing"] or lk["stale"]) for lk in locks]
            return self.result(Status.WARN, 0.5, value=[lk["path"] for lk in locks],
                               message="A lock file exists but does not cover the manifest.", evidence=evidence)
        runtime = [p for p in deps["packages"] if p["group"] == "runtime"]
        if not runtime and not deps["manifests"]:
            if not has_python(ctx):
                return self.result(Status.NOT_APPLICABLE, message="No Python code and no dependency manifest.")
            return self.result(Status.FAIL, 0, message="No dependency manifest and no lock file.",
                               evidence=[Evidence("no requirements, pyproject, Pipfile or conda environment found")])
        if runtime and all(p["pin"] == "pinned" for p in runtime):
            hashed = all(p["hashed"] for p in runtime)
            if hashed:
                return self.result(Status.PASS, 1, value="hashed requirements", message="Every requirement is pinned with hashes.",
                                   evidence=[ev(m, "requirements pinned with --hash") for m in deps["manifests"]])
            return self.result(Status.WARN, 0.5, value="pins only",
                               message="Direct dependencies are pinned but no lock file fixes transitive versions.",
                               evidence=[ev(m, f"{m['format']} manifest, no lock file") for m in deps["manifests"]][:MAX_EVIDENCE])
        return self.result(Status.FAIL, 0, value=None, message="No lock file, and dependencies are not all pinned.",
                           evidence=[ev(m, f"{m['format']} manifest without a lock file") for m in deps["manifests"]][:MAX_EVIDENCE])
