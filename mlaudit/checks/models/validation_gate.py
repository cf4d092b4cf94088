"""MODEL-VALIDATION-GATE: model quality checked against a threshold before release (CI step, pipeline, test)."""

from __future__ import annotations

import re

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import real_models
from mlaudit.store.model_queries import versions_in_scope

METRIC = r"(auc|roc_auc|accuracy|acc|f1|precision|recall|rmse|mae|mse|r2|score|logloss|loss|metric)"
GATE = re.compile(rf"(assert\b[^\n]*{METRIC}[^\n]*[<>]=?|if\b[^\n]*{METRIC}[^\n]*[<>]=?[^\n]*:\s*\n\s*(raise|sys\.exit|exit)|"
                  rf"{METRIC}[^\n]*(threshold|min_|minimum|baseline))", re.I)


def _gate_lines(text: str) -> list[int]:
    return [text.count("\n", 0, m.start()) + 1 for m in GATE.finditer(text)]


@register
class ValidationGate(Check):
    id = "MODEL-VALIDATION-GATE"
    title = "Model quality is checked against a threshold before release"
    area = "models"
    help = (
        "Passes when a CI job or pipeline stage evaluates the model (an evaluation step), or a test run by CI "
        "compares a model metric with a threshold. A script or test with such a threshold that nothing runs "
        "automatically gives half a point (warn). Nothing at all fails."
    )
    recommendation = "Add a CI or pipeline step that evaluates the candidate model and fails below a metric threshold before it is released."
    markers = ("model validation",)
    ml_test_score = ("infra-4",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        ci, pipeline, code = ctx.facts("ci"), ctx.facts("pipeline"), ctx.facts("code")
        automated = []
        for job in ci.get("jobs", []):
            for step in job.get("steps", []):
                if "evaluation" in step.get("kinds", []):
                    automated.append(Evidence(f"CI step {step.get('name') or step.get('run', '')[:60]!r} evaluates the model",
                                              path=job.get("path"), line=step.get("line")))
        for step in pipeline.get("steps", []):
            if "evaluation" in step.get("kinds", []):
                automated.append(Evidence(f"{step.get('source')} step {step.get('name')!r} evaluates the model",
                                          path=step.get("path"), line=step.get("line")))
        ci_runs_tests = any("tests" in s.get("kinds", []) for j in ci.get("jobs", []) for s in j.get("steps", []))
        test_paths = {t["path"] for t in code.get("tests", [])}
        manual = []
        for entry in ctx.tree.glob("*.py"):
            try:
                text = ctx.tree.read_text(entry.path, 2 * 1024 * 1024)
            except Exception:  # unreadable or too large: not evidence either way
                continue
            for ln in _gate_lines(text)[:3]:
                if entry.path in test_paths and ci_runs_tests:
                    automated.append(Evidence("test run by CI compares a metric with a threshold", path=entry.path, line=ln))
                else:
                    manual.append(Evidence("metric compared with a threshold (not run by CI)", path=entry.path, line=ln))
        if automated:
            return self.result(Status.PASS, 1, value=len(automated), message="Model quality is checked automatically.",
                               evidence=automated[:20])
        if manual:
            return self.result(Status.WARN, 0.5, value=len(manual), message="A metric threshold exists but nothing runs it automatically.",
                               evidence=manual[:20])
        if not real_models(versions_in_scope(ctx.store, ctx.rev)) and not code.get("training"):
            return self.result(Status.NOT_APPLICABLE, 0, message="No models or training code found.")
        return self.result(Status.FAIL, 0, value=0, message="No evaluation step, model test or metric threshold gates a release.")
