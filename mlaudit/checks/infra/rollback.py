"""INFRA-ROLLBACK: canary, shadow or rollback configuration for the served model."""

from __future__ import annotations

import re
from typing import Any

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ci_steps, ev, line_of, serving_items, text_files

PATTERNS = {
    "argo rollout": re.compile(r"kind:\s*Rollout\b"),
    "canary": re.compile(r"\bcanary\b|canaryTrafficPercent|setWeight", re.IGNORECASE),
    "shadow / mirroring": re.compile(r"\bshadow\b|\bmirror(Percentage)?:", re.IGNORECASE),
    "traffic split": re.compile(r"\btraffic(Routing|Split)?:|InitialVariantWeight", re.IGNORECASE),
    "blue/green": re.compile(r"blueGreen|blue-green", re.IGNORECASE),
    "rollback": re.compile(r"rollout\s+undo|helm\s+rollback|\brollback\b", re.IGNORECASE),
}


@register
class Rollback(Check):
    id = "INFRA-ROLLBACK"
    title = "Canary, shadow or rollback for the served model"
    area = "infra"
    help = (
        "Reads deployment configuration (Kubernetes, Argo Rollouts, Istio, KServe, Seldon, SageMaker, Helm) and CI "
        "steps for canary releases, shadow traffic, traffic splits, blue/green or explicit rollback. Passes when "
        "any is configured, fails for a served model without one, not applicable when nothing is served."
    )
    recommendation = "Release new model versions as a canary (or shadow) and keep the previous version ready to roll back."
    markers = ("feedback loops",)
    ml_test_score = ("infra-6", "infra-7")
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if not serving_items(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No served model, so nothing to roll back.")
        found: list[dict[str, Any]] = []
        for path, text in text_files(ctx, (".yaml", ".yml", ".json", ".tf", ".sh")):
            if path.startswith((".github/", ".gitlab", ".circleci/")) or path in ("dvc.yaml", "dvc.lock", "params.yaml"):
                continue
            for name, pat in PATTERNS.items():
                m = pat.search(text)
                if m:
                    found.append({"path": path, "line": line_of(text, m.group(0)), "detail": f"{name}: {m.group(0).strip()}"})
        for step in ci_steps(ctx, "deploy", automatic_only=False):
            for name, pat in PATTERNS.items():
                if pat.search(step["run"]):
                    found.append({"path": step["path"], "line": step["line"], "detail": f"{name} in CI job {step['job']}"})
        if found:
            kinds = sorted({f["detail"].split(":")[0].split(" in CI")[0] for f in found})
            return self.result(Status.PASS, 1, value=kinds, message=f"Release safety configured: {', '.join(kinds)}.",
                               evidence=[ev(f, f["detail"]) for f in found][:MAX_EVIDENCE])
        return self.result(Status.FAIL, 0, value=None, message="The served model has no canary, shadow or rollback configuration.",
                           evidence=[Evidence("no Argo Rollout, canary, shadow, traffic split or rollback step found")])
