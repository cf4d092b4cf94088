"""MODEL-METRICS: each model version has recorded metrics (metrics file, MLflow run, DVC metrics)."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import MAX_EVIDENCE, evidence, real_models
from mlaudit.checks.models._declared import declared_evidence, declared_models
from mlaudit.core.config import define_threshold
from mlaudit.store.model_queries import ModelVersion, lineage, versions_in_scope

SHARE = define_threshold("models.metrics_share", 1.0, "Share of model versions that must have recorded metrics for MODEL-METRICS to pass.")


@register
class ModelMetrics(Check):
    id = "MODEL-METRICS"
    title = "Every model version has recorded metrics"
    area = "models"
    help = (
        "For each distinct model version (git history, MLflow artifacts) looks for metrics at its commit: "
        "metrics files (metrics.json, scores.json, DVC metrics) or the MLflow runs that produced or name it. "
        "Passes when the share reaches the threshold, warns when some versions have metrics, fails when none do. Models declared by a DVC pipeline without their content count their dvc.yaml metrics."
    )
    recommendation = "Write evaluation metrics with every trained model (MLflow log_metric, DVC metrics file) and commit them together."
    markers = ("experiment tracking",)
    ml_test_score = ()  # recorded metrics cannot show offline/online correlation (model-2)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        seen: dict[tuple[str, str], ModelVersion] = {}
        for v in real_models(versions_in_scope(ctx.store, ctx.rev)):
            seen.setdefault((v.path, v.key), v)
        if not seen:
            declared = declared_models(ctx)
            if declared:  # DVC-declared model versions: metrics files the same pipeline declares
                declared_with = [m for m in declared if m["metrics"]]
                shown = declared_evidence(declared_with, f"metrics {', '.join(declared_with[0]['metrics'][:3])}" if declared_with else "")
                shown += declared_evidence([m for m in declared if not m["metrics"]], "no metrics declared")
                status = Status.PASS if len(declared_with) == len(declared) else Status.WARN if declared_with else Status.FAIL
                return self.result(status, len(declared_with) / len(declared), value={"declared": len(declared), "with_metrics": len(declared_with)},
                                   message=f"{len(declared_with)} of {len(declared)} DVC-declared model(s) have metrics declared by the pipeline.",
                                   evidence=shown)
            return self.result(Status.NOT_APPLICABLE, 0, message="No model files found.")
        with_metrics, without = [], []
        for v in seen.values():
            lin = lineage(ctx.store, v)
            if lin.metrics:
                with_metrics.append(evidence(v, f"{len(lin.metrics)} metric(s), e.g. {next(iter(lin.metrics))}"))
            else:
                without.append(evidence(v, "no metrics file or run at this version"))
        share = len(with_metrics) / len(seen)
        threshold = ctx.threshold(SHARE)
        value = round(share, 3)
        if share >= threshold:
            return self.result(Status.PASS, 1, value=value, threshold=threshold,
                               message=f"All {len(seen)} model versions have recorded metrics.", evidence=with_metrics[:MAX_EVIDENCE])
        if with_metrics:
            return self.result(Status.WARN, 0.5, value=value, threshold=threshold,
                               message=f"{len(without)} of {len(seen)} model versions have no recorded metrics.",
                               evidence=without[:MAX_EVIDENCE])
        return self.result(Status.FAIL, 0, value=value, threshold=threshold,
                           message=f"None of the {len(seen)} model versions has recorded metrics.", evidence=without[:MAX_EVIDENCE])
