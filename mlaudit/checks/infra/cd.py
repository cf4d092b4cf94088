"""INFRA-CD: the model is deployed or packaged automatically."""

from __future__ import annotations

import re
from typing import Any

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ci_steps, ev, serving_items
from mlaudit.scanners.dvc_declared import MODEL_SUFFIX

SERVE_WORDS = re.compile(r"serve|serving|predict|inference|app\b|api\b|server", re.IGNORECASE)


def packages_model(image: dict[str, Any]) -> bool:
    """A Dockerfile that packages a model: it starts a server, exposes a port, runs a serving/predict entrypoint or
    copies a model file in. A Jupyter or training environment image (none of those) does not."""
    copies = " ".join(image.get("copies") or [])
    return bool(image.get("serving") or image.get("expose")
                or SERVE_WORDS.search(str(image.get("entrypoint") or ""))
                or any(MODEL_SUFFIX.search(part) for part in copies.split()))


@register
class ContinuousDelivery(Check):
    id = "INFRA-CD"
    title = "Automated deployment or packaging of the model"
    area = "infra"
    help = (
        "Passes when a CI workflow deploys or publishes (docker push, kubectl/helm, argo rollouts, cloud "
        "deploy, twine upload, bentoml push). Warns when the project has a container that packages the model (a "
        "server, an exposed port, a serving entrypoint or a model file copied in) or serving code, but ships it by "
        "hand; fails when nothing packages the model (a container that only sets up a notebook or training "
        "environment does not)."
    )
    recommendation = "Build, push and deploy the serving image from CI (for example on tags), never from a laptop."
    markers = ("glue code",)
    ml_test_score = ()
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        deploys = ci_steps(ctx, "deploy")
        docker = ctx.facts("docker")
        evidence = [ev(d, f"CI job {d['job']} deploys: {d['run'][:100]}") for d in deploys][:MAX_EVIDENCE]
        if deploys:
            return self.result(Status.PASS, 1, value=len(deploys), message=f"{len(deploys)} CI step(s) deploy the model.", evidence=evidence)
        if ctx.facts("ci")["errors"] and not docker["files"]:
            return self.result(Status.UNKNOWN, message="CI files could not be read, so deployment automation cannot be judged.",
                               evidence=[ev(e, e["error"]) for e in ctx.facts("ci")["errors"]][:MAX_EVIDENCE])
        images = [f for f in docker["files"] if packages_model(f)]
        packaged = [{"path": f["path"], "line": 1} for f in images] + serving_items(ctx)
        if packaged:
            return self.result(Status.WARN, 0.5, value=0, message="Serving code or a container exists, but nothing deploys it automatically.",
                               evidence=[ev(p, "built or served by hand") for p in packaged][:MAX_EVIDENCE])
        environments = [ev({"path": f["path"], "line": 1}, "a container for a working environment (no server, port or "
                           "model file): it does not package the model") for f in docker["files"] if f not in images]
        return self.result(Status.FAIL, 0, value=0, message="Nothing packages or deploys the model.",
                           evidence=environments[:MAX_EVIDENCE] or [Evidence("no deploy step in CI, no Dockerfile, no serving code")])
