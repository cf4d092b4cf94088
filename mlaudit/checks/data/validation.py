"""DATA-VALIDATION: automated data validation exists and runs in CI or the pipeline."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import (
    MAX_EVIDENCE,
    ev,
    has_data,
    has_training,
    only_unreadable,
    unreadable_evidence,
    validation_runs,
)

GE_FILES = ("great_expectations.yml", "great_expectations.yaml")


@register
class DataValidation(Check):
    id = "DATA-VALIDATION"
    title = "Automated data validation"
    area = "data"
    help = (
        "Looks for data validation in the code (pandera, Great Expectations, evidently, deepchecks, TFDV, soda, "
        "whylogs, schema asserts on columns and dtypes) outside serving handlers and tests (a validation suite kept "
        "under tests/ counts), and for where it runs: a CI data-check step (a step, or a script it runs, that runs "
        "pytest over such a suite counts) or a pipeline stage. Passes when validation runs automatically, warns when "
        "it exists but is run by hand, fails when there is none."
    )
    recommendation = "Validate every data snapshot against expectations (pandera, Great Expectations) in the pipeline and in CI."
    markers = ("data dependencies", "data testing debt")
    ml_test_score = ("mon-2",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        if only_unreadable(ctx):
            return self.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
        code = ctx.facts("code")
        found = [v for v in code["validation"] if not v["serving"] and v["tool"] != "pydantic"]
        found += [dict(m, tool="pydantic", call=f"class {m['name']}") for m in code["pydantic_models"] if not m["serving"]]
        ge = [e.path for e in ctx.tree.files() if e.path.rsplit("/", 1)[-1] in GE_FILES]
        if not found and not ge:
            if not has_data(ctx) and not has_training(ctx):
                return self.result(Status.NOT_APPLICABLE, message="No data and no training in this tree.")
            return self.result(Status.FAIL, 0, value=None, message="No data validation found.",
                               evidence=[Evidence("no pandera, Great Expectations, evidently, deepchecks, TFDV or schema asserts outside serving code")])
        files = {v["path"] for v in found} | set(ge)
        runs = validation_runs(ctx, files)
        tools = sorted({v["tool"] for v in found} | ({"great_expectations"} if ge else set()))
        evidence = [ev(v, f"{v['tool']}: {v['call']}") for v in found][:MAX_EVIDENCE] + [Evidence("Great Expectations project", path=p) for p in ge]
        evidence += [ev(r, r["detail"]) for r in runs][:MAX_EVIDENCE]
        if runs:
            return self.result(Status.PASS, 1, value=tools, message=f"Data validated automatically ({', '.join(tools)}).", evidence=evidence)
        return self.result(Status.WARN, 0.5, value=tools, message=f"Data validation exists ({', '.join(tools)}) but nothing runs it automatically.",
                           evidence=evidence)
