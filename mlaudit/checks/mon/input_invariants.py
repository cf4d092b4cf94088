"""MON-INPUT-INVARIANTS: inputs are validated at serving time."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, serving_items
from mlaudit.scanners.code import is_test_path


@register
class InputInvariants(Check):
    id = "MON-INPUT-INVARIANTS"
    title = "Inputs validated at serving time"
    area = "mon"
    help = (
        "Reads every request handler of the serving code: inputs typed with a pydantic model (with or without "
        "Field constraints) or checked explicitly (validate calls, raising on bad input) count as validated. "
        "Passes when every handler with inputs validates them, warns when some do, fails when none do; unknown "
        "when the serving code has no recognisable handlers."
    )
    recommendation = "Declare the request schema (a pydantic model with ranges and allowed values) and reject invalid inputs."
    markers = ("monitoring", "data dependencies")
    ml_test_score = ("mon-2",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        items = serving_items(ctx)
        if not items:
            return self.result(Status.NOT_APPLICABLE, message="No served model.")
        handlers = [h for h in ctx.facts("code")["handlers"] if h["params"] and not is_test_path(h["path"])]
        if not handlers:
            return self.result(Status.UNKNOWN, message="Serving code found but no request handler with inputs was recognised.",
                               evidence=[ev(i, f"{i['framework']}: {i['call']}") for i in items][:MAX_EVIDENCE])
        models = {m["name"]: m for m in ctx.facts("code")["pydantic_models"]}
        ok = [h for h in handlers if h["validated"]]
        evidence = []
        for h in handlers:
            if h["validated"] == "pydantic":
                names = sorted({n for p in h["params"] for n in p["model"] or []})
                constrained = any(models.get(n, {}).get("constrained") for n in names)
                detail = f"handler {h['name']} validates with {', '.join(names)}" + (" (constrained fields)" if constrained else " (types only)")
            elif h["validated"]:
                detail = f"handler {h['name']} checks its input explicitly"
            else:
                detail = f"handler {h['name']} uses its input unvalidated"
            evidence.append(ev(h, detail))
        value = {"handlers": len(handlers), "validated": len(ok)}
        if len(ok) == len(handlers):
            return self.result(Status.PASS, 1, value=value, message=f"All {len(handlers)} handler(s) validate their inputs.", evidence=evidence)
        if ok:
            return self.result(Status.WARN, 0.5, value=value, message=f"{len(handlers) - len(ok)} of {len(handlers)} handler(s) do not validate inputs.",
                               evidence=evidence)
        return self.result(Status.FAIL, 0, value=value, message="No handler validates its inputs.", evidence=evidence)
