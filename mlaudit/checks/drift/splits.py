"""DRIFT-SPLITS: train vs test / valid / holdout / serving distributions."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.drift._common import column_evidence, usable
from mlaudit.checks.stats.compare import SHARE, compare
from mlaudit.store import data_queries as dq


@register
class SplitDrift(Check):
    id = "DRIFT-SPLITS"
    title = "Train and evaluation splits come from the same distribution"
    area = "drift"
    help = (
        "Pairs data files whose names differ only by the split word (train vs test, valid, holdout, serving; "
        "DVC outputs included) and compares every column with the default test (KS / chi-square / z on small "
        "references, normed Wasserstein / Jensen–Shannon on large ones; PSI always). Fails when a pair shows "
        "dataset drift (share of drifted columns at or above drift.share), warns when some columns drift, passes "
        "otherwise. Not applicable without split pairs."
    )
    recommendation = ("Split train and evaluation data from the same population (stratified or by time on purpose), "
                      "and investigate drifted columns before trusting evaluation scores.")
    markers = ("data dependencies", "training/serving skew")
    ml_test_score = ()  # train/test drift is neither a schema (data-1) nor training/serving skew (mon-3)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        pairs = dq.split_pairs(ctx.store, ctx.rev)
        if not pairs:
            return self.result(Status.NOT_APPLICABLE, message="No train / test (valid, holdout, serving) data file pairs found.")
        evidence: list[Evidence] = []
        worst, compared, drifting, dataset = 0.0, 0, 0, 0
        skipped = []
        for pair in pairs:
            why = usable(ctx, pair.reference) or usable(ctx, pair.current)
            if why:
                skipped.append(why)
                evidence.append(Evidence(f"not compared: {why}", path=pair.current.path))
                continue
            report = compare(ctx.store, pair.reference.key, pair.current.key, ctx.config)
            if not report.comparable:  # 0 comparable columns is "not comparable", never "no drift"
                evidence.append(Evidence(f"not comparable: {pair.reference.path} vs {pair.current.path} share no testable column",
                                         path=pair.current.path, value=report.skipped or None))
                continue
            compared += 1
            worst = max(worst, report.share_drifted)
            n = len(report.drifted_columns)
            drifting += bool(n)
            dataset += report.dataset_drift
            evidence.append(Evidence(
                f"{pair.reference.path} vs {pair.current.path} ({pair.kind}): {n} of {len(report.columns)} columns drift "
                f"(share {report.share_drifted:.2f})" + (" — dataset drift" if report.dataset_drift else ""),
                path=pair.current.path, value=report.share_drifted))
            evidence += column_evidence(report, pair.current.path)
        threshold = ctx.threshold(SHARE)
        if not compared:
            return self.result(Status.UNKNOWN, message=f"{len(pairs)} split pair(s) found but none could be compared.",
                               evidence=evidence, threshold=threshold)
        if dataset:
            return self.result(Status.FAIL, 0, value=round(worst, 3), threshold=threshold, evidence=evidence,
                               message=f"Dataset drift between splits in {dataset} of {compared} pair(s).")
        if drifting:
            return self.result(Status.WARN, 0.5, value=round(worst, 3), threshold=threshold, evidence=evidence,
                               message=f"Some columns drift between splits in {drifting} of {compared} pair(s).")
        return self.result(Status.PASS, 1, value=round(worst, 3), threshold=threshold, evidence=evidence,
                           message=f"No column drifts between splits ({compared} pair(s) compared).")
