"""LEAK-ENTITY: identifier or group values (user, customer, patient, ...) present in both splits."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.data import (
    ENTITY_SHARE,
    graded,
    history_evidence,
    measure_entities,
    no_pairs,
    pair_label,
    pairs,
)
from mlaudit.checks.leakage.measures import entity_overlap
from mlaudit.checks.leakage.pairs import LoadedPair


@register
class Entity(Check):
    id = "LEAK-ENTITY"
    title = "No entity shared between training and test data"
    area = "leakage"
    help = (
        "For identifier-like columns (user, customer, patient, ticket, ..._id) in both files of a train/test pair: "
        "the share of distinct test values also present in training. Fails above leakage.entity_share, warns on any."
    )
    recommendation = "Split by entity (GroupShuffleSplit / GroupKFold on the id) so one customer's rows stay on one side."
    markers = ("data leakage",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        load = pairs(ctx)
        if (none := no_pairs(self, ctx, load)) is not None:
            return none
        worst, evidence, columns = 0.0, [], 0
        for lp in load.loaded:
            for e in measure_entities(ctx, lp):
                columns += 1
                worst = max(worst, e.share)
                evidence.append(Evidence(f"{pair_label(lp)}: {e.column}: {e.shared} of {e.test_entities} test values "
                                         f"({e.share:.1%}) also in training, e.g. {', '.join(e.examples[:3]) or '-'}",
                                         path=lp.pair.test, value={"column": e.column, "shared": e.shared,
                                                                   "test_entities": e.test_entities}))
            evidence += history_evidence(ctx, lp, describe)
        if not columns:
            return self.result(Status.NOT_APPLICABLE, 0, message="No identifier-like column in the train/test files.")
        return graded(self, worst, ctx.threshold(ENTITY_SHARE),
                      f"Up to {worst:.1%} of test entities also appear in training.", evidence)


def describe(lp: LoadedPair) -> str | None:
    found = entity_overlap(lp.train, lp.test)
    return "; ".join(f"{e.column}: {e.shared} of {e.test_entities} test values in training" for e in found) or None
