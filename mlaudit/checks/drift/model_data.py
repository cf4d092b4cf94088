"""DRIFT-MODEL-DATA: the data a model version was trained on versus the latest data (drift engine, store only)."""

from __future__ import annotations

from typing import Any

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import real_models
from mlaudit.core.config import AuditConfig
from mlaudit.core.errors import MlauditError
from mlaudit.store import data_queries as dq
from mlaudit.store.db import Store
from mlaudit.store.model_queries import commit_ancestry, files_at, list_models, version_commit


def _data_paths(store: Store, commit: str | None) -> dict[str, str]:
    if commit is None:  # the project now: on disk, else at HEAD
        return {v.path: v.key for v in dq.current_data_files(store)}
    return files_at(store, commit, "data", commit_ancestry(store, commit))


def training_data_diff(store: Store, commit_a: str | None, commit_b: str | None, config: AuditConfig | None = None) -> list[dict[str, Any]]:
    """Per data path: the version at ``commit_a`` vs ``commit_b`` (None = latest on disk): rows, schema, drift."""
    if "data_versions" not in store.db.table_names():
        return []
    paths = sorted(set(_data_paths(store, commit_a)) | set(_data_paths(store, commit_b)))
    anc_a = dq.commit_ancestors(store, commit_a) if commit_a else None
    anc_b = dq.scope_ancestors(store, commit_b)
    out = []
    for path in paths:
        va, vb = dq.version_at(store, path, commit_a, anc_a), dq.version_at(store, path, commit_b, anc_b)
        if va is None and vb is None:
            continue  # not a data file the data scanner profiles (e.g. data/.gitignore)
        item: dict[str, Any] = {"path": path, "a": va.key if va else None, "b": vb.key if vb else None,
                                "status": dq.change_status(va, vb)}
        if va is not None and vb is not None and item["status"] == "changed":
            pa, pb = dq.profile(store, va.key), dq.profile(store, vb.key)
            item["rows"] = [pa.rows if pa else None, pb.rows if pb else None]
            try:
                from mlaudit.checks.stats.compare import compare

                report = compare(store, va.key, vb.key, config)
                item["drift"] = report.to_dict()
                item["drifted_columns"] = [c.name for c in report.drifted_columns]
                item["dataset_drift"] = report.dataset_drift
            except MlauditError as exc:
                item["drift_error"] = str(exc)
        out.append(item)
    return out


@register
class ModelDataDrift(Check):
    id = "DRIFT-MODEL-DATA"
    title = "The current model's training data still matches the latest data"
    area = "drift"
    help = (
        "For each current model file, finds the data files at the commit that produced it and compares each "
        "with the latest version of the same file using the drift engine (per-column tests, dataset drift when "
        "the drifted share reaches its threshold). Dataset drift fails, drifted columns warn, no change passes."
    )
    recommendation = "Retrain (or re-validate) the model on the latest data, and monitor drift between training and serving data."
    markers = ("drift", "continuous training")
    ml_test_score = ("mon-7",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        models = [v for v in real_models(list_models(ctx.store, ctx.rev))]
        if not models:
            return self.result(Status.NOT_APPLICABLE, 0, message="No model files found.")
        if "data_versions" not in ctx.store.db.table_names():
            return self.result(Status.UNKNOWN, 0, message="No data profiles in the store.")
        failing, warning, passing, unknown = [], [], [], []
        for v in models:
            commit = version_commit(ctx.store, v)
            if commit is None:
                unknown.append(Evidence("the commit that produced this model is unknown", path=v.path))
                continue
            items = [i for i in training_data_diff(ctx.store, commit, None, ctx.config) if i["status"] in ("changed", "unchanged")]
            if not items:
                unknown.append(Evidence("no data file of the commit that produced this model is still in the project",
                                        path=v.path, commit=commit))
            for item in items:
                if item["status"] == "unchanged":
                    passing.append(Evidence(f"{item['path']}: unchanged since the model was trained", path=v.path, commit=commit))
                    continue
                detail = f"{item['path']}: trained on {str(item['a'])[:10]}, latest {str(item['b'])[:10]}"
                if "drift_error" in item:
                    unknown.append(Evidence(f"{detail}; {item['drift_error']}", path=v.path, commit=commit))
                elif item.get("dataset_drift"):
                    failing.append(Evidence(f"{detail}; dataset drift in {', '.join(item['drifted_columns'][:8])}", path=v.path,
                                            commit=commit, value=item["drifted_columns"]))
                elif item.get("drifted_columns"):
                    warning.append(Evidence(f"{detail}; drift in {', '.join(item['drifted_columns'][:8])}", path=v.path,
                                            commit=commit, value=item["drifted_columns"]))
                else:
                    passing.append(Evidence(f"{detail}; no column drifted", path=v.path, commit=commit))
        if failing:
            return self.result(Status.FAIL, 0, value=len(failing), message="The latest data has drifted from what the model was trained on.",
                               evidence=(failing + warning)[:20])
        if warning:
            return self.result(Status.WARN, 0.5, value=len(warning), message="Some columns drifted since the model was trained.",
                               evidence=warning[:20])
        if not passing:  # nothing compared: no pass on evidence never seen
            return self.result(Status.UNKNOWN, 0, message="Could not compare the model's training data with the latest data.",
                               evidence=unknown[:20])
        return self.result(Status.PASS, 1, value=0, message="The data the current models were trained on has not drifted.",
                           evidence=(passing + unknown)[:20])
