"""DATA-SCHEMA: the expected schema of the data is declared."""

from __future__ import annotations

import re

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
from mlaudit.core.tree import FileTooLarge
from mlaudit.scanners.code import is_test_path

SCHEMA_NAMES = ("schema.json", "schema.yaml", "schema.yml", "schema.pbtxt", "datapackage.json", "table_schema.json")
SCHEMA_SUFFIXES = (".schema.json", ".schema.yaml", ".schema.yml", ".avsc")
SIGNATURE = re.compile(r"^signature:\s*\n\s+inputs:\s*\S", re.MULTILINE)
MAX_SIGNATURES = 200  # MLmodel files read (an mlruns/ folder may hold thousands)
MLMODEL_BYTES = 256 * 1024


def _signature_line(ctx: CheckContext, path: str) -> int | None:
    """The line of an MLmodel's ``signature:`` when it declares inputs (an MLflow model input schema), else None."""
    try:
        text = ctx.tree.read_text(path, MLMODEL_BYTES)
    except (OSError, FileTooLarge):
        return None
    m = SIGNATURE.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


@register
class DataSchema(Check):
    id = "DATA-SCHEMA"
    title = "Expected data schema declared"
    area = "data"
    help = (
        "Looks for a declared schema: pandera schemas and models, TFDV schemas, Great Expectations suites and "
        "column/type expectations (also in a validation suite under tests/), "
        "JSON/Avro/Frictionless schema files, pydantic data models outside serving, MLflow model signatures (MLmodel "
        "signature inputs). Passes when a schema is "
        "declared (1 point when validation against it runs automatically, 0.5 otherwise); fails when data is "
        "used with no schema."
    )
    recommendation = "Declare the expected columns, types and ranges (a pandera schema or a Great Expectations suite) next to the code."
    markers = ("data dependencies",)
    ml_test_score = ("data-1",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if only_unreadable(ctx):
            return self.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
        code = ctx.facts("code")
        found = [dict(s, detail=f"{s['tool']} schema {s['name']}") for s in code["schemas"]
                 if not is_test_path(s["path"]) or s.get("in_tests")]  # a validation suite kept under tests/ counts
        found += [dict(m, detail=f"pydantic data model {m['name']}") for m in code["pydantic_models"] if not m["serving"]]
        signatures: list[dict[str, object]] = []
        for e in ctx.tree.files():
            name = e.path.rsplit("/", 1)[-1]
            if name in SCHEMA_NAMES or name.endswith(SCHEMA_SUFFIXES) or ("/expectations/" in f"/{e.path}" and name.endswith(".json")):
                found.append({"path": e.path, "line": None, "detail": "schema file"})
            elif name == "MLmodel" and len(signatures) < MAX_SIGNATURES:
                line = _signature_line(ctx, e.path)
                if line is not None:
                    signatures.append({"path": e.path, "line": line, "detail": "MLflow model signature (input schema, "
                                       "enforced when the model is served through pyfunc)"})
        found += signatures
        if not found:
            if not has_data(ctx) and not has_training(ctx):
                return self.result(Status.NOT_APPLICABLE, message="No data and no training in this tree.")
            return self.result(Status.FAIL, 0, message="Data is used but no schema is declared.",
                               evidence=[Evidence("no pandera/TFDV/Great Expectations schema, schema file or data model found")])
        runs = validation_runs(ctx, {f["path"] for f in found})
        evidence = [ev(f, f["detail"]) for f in found][:MAX_EVIDENCE] + [ev(r, r["detail"]) for r in runs][:MAX_EVIDENCE]
        points = 1 if runs else 0.5
        return self.result(Status.PASS, points, value=len(found), message=f"{len(found)} schema declaration(s)"
                           + ("; validated automatically." if runs else "; nothing enforces them automatically."), evidence=evidence)
