"""DATA-SCHEMA-CHANGE: columns added, removed, renamed or retyped across versions of a data file."""

from __future__ import annotations

import itertools

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.data._use import data_use
from mlaudit.checks.drift._common import usable
from mlaudit.checks.drift.history import history
from mlaudit.checks.stats.compare import SchemaChange, schema_changes
from mlaudit.store import data_queries as dq

MAX_EVIDENCE = 30


def with_renames(changes: list[SchemaChange]) -> list[SchemaChange]:
    """One removed and one added column of the same type in the same change read as a rename."""
    removed = [c for c in changes if c.kind == "removed"]
    added = [c for c in changes if c.kind == "added"]
    if len(removed) == 1 and len(added) == 1 and removed[0].before == added[0].after:
        rest = [c for c in changes if c.kind not in ("removed", "added")]
        return [SchemaChange("renamed", added[0].column, removed[0].column, added[0].column), *rest]
    return changes


@register
class SchemaChanges(Check):
    id = "DATA-SCHEMA-CHANGE"
    title = "Schema changes of data files are visible"
    area = "data"
    help = (
        "Walks the committed versions of every data file and lists columns added, removed, renamed or "
        "retyped (and new categories) with the commit that changed them. Warns when a column was removed, "
        "renamed or retyped (downstream code and models may silently break), passes when schemas only grew "
        "or stayed stable. Not applicable when no data file has two readable versions."
    )
    recommendation = "Declare the expected schema (pandera, a schema file) and validate each new data version against it."
    markers = ("data dependencies",)
    ml_test_score = ()  # schema churn does not decide data-2 (every feature beneficial)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        ancestors = dq.scope_ancestors(ctx.store, ctx.rev)  # HEAD's history, never other refs
        evidence: list[Evidence] = []
        compared = breaking = 0
        for f in dq.list_data_files(ctx.store):
            versions = [v for v in history(ctx, f.path, ancestors) if not usable(ctx, v)]
            if versions and not data_use(ctx, versions[-1]).training:
                continue  # outputs, submissions and lists are not the training data's schema
            for before, after in itertools.pairwise(versions):
                compared += 1
                ref, cur = dq.profile(ctx.store, before.key), dq.profile(ctx.store, after.key)
                assert ref is not None and cur is not None
                changes = with_renames(schema_changes(ref, cur))
                breaking += any(c.kind in ("removed", "renamed", "retyped") for c in changes)
                for c in changes:
                    what = {"added": f"added ({c.after})", "removed": f"removed (was {c.before})",
                            "renamed": f"renamed from {c.before}", "retyped": f"retyped {c.before} -> {c.after}",
                            "new categories": f"new categories {c.after}"}[c.kind]
                    evidence.append(Evidence(f"{f.path}: column {c.column} {what}", path=f.path, commit=after.commit,
                                             value={"kind": c.kind, "before": c.before, "after": c.after}))
        evidence = evidence[:MAX_EVIDENCE]
        if not compared:
            return self.result(Status.NOT_APPLICABLE, message="No data file has two readable versions.")
        if breaking:
            return self.result(Status.WARN, 0.5, value=breaking, evidence=evidence,
                               message=f"{breaking} version change(s) removed, renamed or retyped columns.")
        return self.result(Status.PASS, 1, value=0, evidence=evidence,
                           message=f"No column removed, renamed or retyped across {compared} version change(s).")
