"""LEAK-OVERLAP: test rows that are exact copies of training rows."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.data import (
    OVERLAP_SHARE,
    graded,
    history_evidence,
    measure_overlap,
    no_pairs,
    pair_label,
    pairs,
)
from mlaudit.checks.leakage.measures import overlap
from mlaudit.checks.leakage.pairs import LoadedPair


@register
class Overlap(Check):
    id = "LEAK-OVERLAP"
    title = "No test rows copied from the training data"
    area = "leakage"
    help = (
        "For every train/test pair of data files (paired by name), the share of test rows identical to a training "
        "row (64-bit row hashes over the shared columns), again ignoring identifier-like columns, and duplicates "
        "inside each split reported separately. Fails above leakage.overlap_share, warns on any copy."
    )
    recommendation = "Deduplicate before splitting, and split by entity so the same record cannot land in both sets."
    markers = ("data leakage",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        load = pairs(ctx)
        if (none := no_pairs(self, ctx, load)) is not None:
            return none
        worst, evidence = 0.0, []
        for lp in load.loaded:
            o, note = measure_overlap(ctx, lp)
            worst = max(worst, o.share)
            ign = f"; ignoring {', '.join(o.ignored)}: {o.copied_ignoring_ids} ({o.share_ignoring_ids:.1%})" if o.ignored else ""
            evidence.append(Evidence(
                f"{pair_label(lp)}: {o.copied} of {o.test_rows} test rows ({o.share:.1%}) copy a training row{ign}; "
                f"duplicates inside train {o.dup_train}, inside test {o.dup_test}{note}",
                path=lp.pair.test, value={"copied": o.copied, "test_rows": o.test_rows, "share": round(o.share, 6),
                                          "copied_ignoring_ids": o.copied_ignoring_ids, "dup_train": o.dup_train,
                                          "dup_test": o.dup_test, "sample_test_rows": o.sample_rows}))
            evidence += history_evidence(ctx, lp, describe)
        limit = ctx.threshold(OVERLAP_SHARE)
        return graded(self, worst, limit, f"Up to {worst:.1%} of test rows are copies of training rows.", evidence)


def describe(lp: LoadedPair) -> str:
    o = overlap(lp.train, lp.test)
    return f"{o.copied} of {o.test_rows} test rows ({o.share:.1%}) copied from training"
