"""LEAK-TEMPORAL: test rows dated before the last training row (a random split of time-ordered data)."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.data import TEMPORAL_SHARE, graded, history_evidence, no_pairs, pair_label, pairs
from mlaudit.checks.leakage.measures import temporal
from mlaudit.checks.leakage.pairs import LoadedPair


@register
class Temporal(Check):
    id = "LEAK-TEMPORAL"
    title = "Test data dated after the training data"
    area = "leakage"
    help = (
        "For each date column in both files of a train/test pair: the share of test rows dated strictly before the "
        "latest training row. Time-ordered data split at random puts the future in training. Fails above "
        "leakage.temporal_share, warns on any."
    )
    recommendation = "Split by time: train on rows before a cut-off date, test on rows after it."
    markers = ("data leakage", "strict temporal partitioning")
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        load = pairs(ctx)
        if (none := no_pairs(self, ctx, load)) is not None:
            return none
        worst, evidence, dated = 0.0, [], 0
        for lp in load.loaded:
            for t in temporal(lp.train, lp.test):
                dated += 1
                worst = max(worst, t.share)
                evidence.append(Evidence(f"{pair_label(lp)}: {t.column}: {t.before} of {t.test_rows} test rows ({t.share:.1%}) "
                                         f"dated before the last training row ({t.train_last}); first test date {t.test_first}",
                                         path=lp.pair.test, value={"column": t.column, "before": t.before,
                                                                   "test_rows": t.test_rows, "share": round(t.share, 6)}))
            evidence += history_evidence(ctx, lp, describe)
        if not dated:
            return self.result(Status.NOT_APPLICABLE, 0, message="No date column in the train/test files.")
        return graded(self, worst, ctx.threshold(TEMPORAL_SHARE),
                      f"Up to {worst:.1%} of test rows are older than the newest training row.", evidence)


def describe(lp: LoadedPair) -> str | None:
    found = temporal(lp.train, lp.test)
    return "; ".join(f"{t.column}: {t.before} of {t.test_rows} test rows ({t.share:.1%}) before the last training row"
                     for t in found) or None
