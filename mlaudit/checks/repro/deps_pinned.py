"""REPRO-DEPS-PINNED: the share of runtime dependencies that are exactly pinned (==, a consistent lock, hashes)."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, has_python
from mlaudit.core.config import define_threshold

PINNED_SHARE = define_threshold("repro.pinned_share", 0.9, "Share of runtime dependencies that must be exactly pinned "
                                "for REPRO-DEPS-PINNED to pass.")


@register
class DependenciesPinned(Check):
    id = "REPRO-DEPS-PINNED"
    title = "Runtime dependencies are pinned"
    area = "repro"
    help = (
        "Reads requirements files, pyproject (PEP 621 and Poetry), setup.cfg/setup.py, Pipfile and conda "
        "environments. A runtime dependency counts as pinned when its version is exact (==) or a lock file "
        "consistent with its manifest fixes it. Passes when the pinned share reaches repro.pinned_share, warns "
        "above half, fails below; no manifest in a Python project fails."
    )
    recommendation = "Pin exact versions (pip-compile, uv lock, poetry lock) so a rebuild installs the same packages."
    markers = ("reproducibility", "unstable data dependencies")
    ml_test_score = ("infra-1",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        deps = ctx.facts("deps")
        runtime = [p for p in deps["packages"] if p["group"] == "runtime"] or [p for p in deps["packages"] if p["group"] == "dev"]
        if not runtime:
            if deps["errors"]:
                return self.result(Status.UNKNOWN, 0, message="The dependency files could not be parsed.",
                                   evidence=[ev(e, e["error"]) for e in deps["errors"][:MAX_EVIDENCE]])
            if not has_python(ctx):
                return self.result(Status.NOT_APPLICABLE, message="No Python code and no dependency manifest.")
            return self.result(Status.FAIL, 0, value=0.0, threshold=ctx.threshold(PINNED_SHARE),
                               message="Python code but no dependency manifest (requirements, pyproject, ...).",
                               evidence=[Evidence("no requirements*.txt, pyproject.toml, setup.cfg, Pipfile or environment.yml")])
        locked = {(lock["manifest"], name) for lock in deps["locks"] if lock["missing"] is not None
                  for name in {p["name"] for p in runtime if p["path"] == lock["manifest"]} - set(lock["missing"])}
        by_name: dict[str, bool] = {}
        loose = []
        for p in runtime:
            ok = p["pin"] == "pinned" or (p["path"], p["name"]) in locked
            by_name[p["name"]] = by_name.get(p["name"], False) or ok
            if not ok:
                loose.append(p)
        share = sum(by_name.values()) / len(by_name)
        need = ctx.threshold(PINNED_SHARE)
        evidence = [ev(p, f"{p['name']} {p['spec'] or '(no version)'} is {p['pin']}", p["spec"])
                    for p in loose if not by_name[p["name"]]][:MAX_EVIDENCE]
        evidence += [ev(lock, f"{lock['format']} lock fixes the versions of {lock['manifest']}") for lock in deps["locks"]
                     if lock["missing"] is not None][:5]
        evidence += [Evidence(f"{m['format']} manifest", path=m["path"]) for m in deps["manifests"]][:5]
        msg = f"{sum(by_name.values())} of {len(by_name)} runtime dependencies pinned ({share:.0%})."
        if share >= need:
            return self.result(Status.PASS, 1, value=round(share, 3), threshold=need, message=msg, evidence=evidence)
        status, points = (Status.WARN, 0.5) if share >= 0.5 else (Status.FAIL, 0)
        return self.result(status, points, value=round(share, 3), threshold=need, message=msg, evidence=evidence)
