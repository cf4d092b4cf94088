"""INFRA-SERVING: serving code is present and loads the model once, not per request."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, only_unreadable, serving_items, unreadable_evidence

LOAD_TEST_NAMES = ("locustfile.py", "k6.js", "loadtest", "load_test", "benchmark_serving")


@register
class Serving(Check):
    id = "INFRA-SERVING"
    title = "Model served with the model loaded once"
    area = "infra"
    help = (
        "Finds serving code (FastAPI, Flask, BentoML, TorchServe, Ray Serve, Seldon, KServe, Gradio, Streamlit) "
        "and container entrypoints that start a server, and where the model is loaded: at module level or start-up "
        "(once) or inside the request handler (every request). Passes when served with a model loaded once, "
        "warns when a handler loads the model, fails when the model is not served."
    )
    recommendation = "Serve the model behind an API that loads it once at start-up; add a latency or load test."
    markers = ("glue code",)
    ml_test_score = ()
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        items = serving_items(ctx)
        if not items:
            if only_unreadable(ctx):
                return self.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
            return self.result(Status.FAIL, 0, value=None, message="No serving code: the model is not served.",
                               evidence=[Evidence("no web framework, model server or serving container found")])
        frameworks = sorted({i["framework"] for i in items if i["framework"]})
        loads = [m for m in ctx.facts("code")["model_loads"] if m["serving"]]
        per_request = [m for m in loads if m["placement"] == "handler"]
        evidence = [ev(i, f"{i['framework']}: {i['call']}") for i in items][:MAX_EVIDENCE]
        evidence += [ev(m, f"model loaded ({m['call']}) at {m['placement']} level") for m in loads][:MAX_EVIDENCE]
        evidence += [ev(h, f"handler {h['name']}: {'async' if h['is_async'] else 'sync'}{', batched input' if h['batch'] else ''}")
                     for h in ctx.facts("code")["handlers"]][:MAX_EVIDENCE]
        evidence += [Evidence("load test", path=e.path) for e in ctx.tree.files() if any(n in e.path.lower() for n in LOAD_TEST_NAMES)][:5]
        if per_request:
            return self.result(Status.WARN, 0.5, value=frameworks, message=f"{len(per_request)} handler(s) load the model on every request.",
                               evidence=evidence)
        where = "once at start-up" if loads else "(no model load found in the serving code)"
        return self.result(Status.PASS, 1, value=frameworks, message=f"Served with {', '.join(frameworks)}; model loaded {where}.",
                           evidence=evidence)
