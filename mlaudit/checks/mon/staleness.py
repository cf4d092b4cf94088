"""MON-STALENESS: age of the current model versus the age of the newest data."""

from __future__ import annotations

from datetime import UTC, datetime

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import real_models
from mlaudit.checks.models._declared import declared_evidence, declared_models
from mlaudit.core.config import define_threshold
from mlaudit.store import data_queries as dq
from mlaudit.store.model_queries import versions_in_scope

DAYS = define_threshold("mon.staleness_days", 30, "Days the newest data may be newer than the current model before MON-STALENESS warns (three times that fails).")


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def _newest_data_change(ctx: CheckContext) -> tuple[int, str, str] | None:
    """(time, path, commit) of the newest committed change to a data file in HEAD's history (other refs never count)."""
    scope = dq.scope_ancestors(ctx.store, ctx.rev)
    if not scope or "data_versions" not in ctx.store.db.table_names():
        return None
    rows = ctx.store.db.execute("SELECT committer_time, path, commit_sha FROM data_versions WHERE commit_sha != '' "
                                "AND committer_time IS NOT NULL").fetchall()
    in_scope = [r for r in rows if r[2] in scope]
    return max(in_scope, key=lambda r: r[0]) if in_scope else None


@register
class Staleness(Check):
    id = "MON-STALENESS"
    title = "The current model is not older than its data"
    area = "mon"
    help = (
        "Compares the commit time of the newest model version with the commit time of the newest data change. "
        "Data newer than the model by more than the threshold warns (the model has not been retrained on it); "
        "three times the threshold fails. Unknown without committed data, or when the model is only DVC-declared "
        "(its content and age live in the DVC cache); not applicable without any model."
    )
    recommendation = "Retrain on a schedule or when new data lands (continuous training), and record the model's age."
    markers = ("monitoring", "continuous training")
    ml_test_score = ("mon-4",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        models = [v for v in real_models(versions_in_scope(ctx.store, ctx.rev)) if v.source == "git" and v.committer_time]
        row = _newest_data_change(ctx)
        if not models and declared_models(ctx):
            return self.result(Status.UNKNOWN, 0, message="The model is DVC-declared (content in the DVC cache or remote): "
                               "its age against the data's is not recorded in git.",
                               evidence=declared_evidence(declared_models(ctx), "declared, content absent"))
        if not models:
            return self.result(Status.NOT_APPLICABLE, 0, message="No committed model in HEAD's history, so nothing can be stale.")
        if not row or row[0] is None:
            return self.result(Status.UNKNOWN, 0, message="Needs committed model versions and committed data to compare their ages.")
        newest = max(models, key=lambda v: v.committer_time or 0)
        data_time, data_path, data_commit = row
        lag_days = (data_time - (newest.committer_time or 0)) / 86400
        threshold = ctx.threshold(DAYS)
        ev = [Evidence(f"newest model version committed {_day(newest.committer_time or 0)}", path=newest.path, commit=newest.commit),
              Evidence(f"newest data change committed {_day(data_time)}", path=data_path, commit=data_commit)]
        value = round(max(lag_days, 0.0), 1)
        if lag_days <= threshold:
            return self.result(Status.PASS, 1, value=value, threshold=threshold,
                               message="The current model is at least as recent as the data (within the threshold).", evidence=ev)
        status = Status.FAIL if lag_days > 3 * threshold else Status.WARN
        return self.result(status, 0, value=value, threshold=threshold,
                           message=f"Data changed {value:g} days after the newest model version.", evidence=ev)
