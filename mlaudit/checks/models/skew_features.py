"""MODEL-SKEW-FEATURES: features the model expects vs the columns of serving / test data."""

from __future__ import annotations

import csv
import io
import re

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import evidence, real_models
from mlaudit.store.model_queries import list_models

SERVING_NAME = re.compile(r"(test|serving|holdout|valid|inference|predict|score|prod|live)", re.IGNORECASE)


def columns_of(ctx: CheckContext, path: str) -> list[str] | None:
    """Column names of a CSV/TSV (header line) or Parquet (schema) file in the tree being judged."""
    low = path.lower()
    try:
        if low.endswith((".csv", ".tsv")):
            head = ctx.tree.read_head(path, 64 * 1024).decode("utf-8", "replace").splitlines()
            return next(csv.reader(io.StringIO(head[0]), delimiter="\t" if low.endswith(".tsv") else ","), None) if head else None
        if low.endswith((".parquet", ".pq")):
            import pyarrow.parquet as pq

            return list(pq.read_schema(io.BytesIO(ctx.tree.read_bytes(path))).names)
    except Exception:  # noqa: BLE001 - unreadable data is the data checks' business; here it is just not evidence
        return None
    return None


@register
class FeatureSkew(Check):
    id = "MODEL-SKEW-FEATURES"
    title = "Serving and test data carry the features the model expects"
    area = "models"
    help = (
        "Compares the feature names recorded in each current model (feature_names_in_, ONNX inputs, MLmodel "
        "signature) with the columns of test / serving / holdout data files. A feature missing from the data "
        "fails; extra columns are listed but pass (they may be the target or ids). Unknown when no model "
        "records its features or no such data file exists."
    )
    recommendation = "Build serving inputs from the same feature code as training and validate their columns against the model's expected features."
    markers = ("training/serving skew",)
    ml_test_score = ("mon-3",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        current = real_models(list_models(ctx.store, ctx.rev))
        if not current:
            return self.result(Status.NOT_APPLICABLE, 0, message="No model file in the project now (HEAD).")
        models = [v for v in current if v.features]
        if not models:
            return self.result(Status.UNKNOWN, 0, message="No current model records the feature names it expects.")
        roles = dict(ctx.store.db.execute("SELECT path, role FROM path_roles WHERE role = 'data'").fetchall())
        targets = [e.path for e in ctx.tree.files() if e.path in roles and SERVING_NAME.search(e.path.rsplit("/", 1)[-1])]
        tables = {p: c for p in targets if (c := columns_of(ctx, p))}
        if not tables:
            return self.result(Status.UNKNOWN, 0, message="No test or serving data file with readable columns to compare with.")
        failing, passing = [], []
        for v in models:
            expected = set(v.features or [])
            for path, cols in tables.items():
                missing = sorted(expected - set(cols))
                extra = sorted(set(cols) - expected)
                if missing:
                    failing.append(evidence(v, f"{path} lacks {len(missing)} expected feature(s): {', '.join(missing[:8])}",
                                            {"data": path, "missing": missing, "extra": extra}))
                else:
                    passing.append(evidence(v, f"{path} has all {len(expected)} features" + (f"; extra: {', '.join(extra[:8])}" if extra else ""),
                                            {"data": path, "missing": [], "extra": extra}))
        if failing:
            return self.result(Status.FAIL, 0, value=len(failing), threshold=0,
                               message=f"{len(failing)} model/data pair(s) miss features the model expects.", evidence=failing[:20])
        return self.result(Status.PASS, 1, value=0, threshold=0,
                           message=f"Test/serving data has every expected feature ({len(passing)} pair(s) compared).",
                           evidence=passing[:20] or [Evidence("compared")])
