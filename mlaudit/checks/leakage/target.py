"""LEAK-TARGET: a feature that predicts the target almost perfectly alone, or a target computed from features."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.data import TARGET_SCORE, code_frames, find_target, pairs
from mlaudit.checks.leakage.measures import target_leaks

if TYPE_CHECKING:
    import pandas as pd


@register
class TargetLeak(Check):
    id = "LEAK-TARGET"
    title = "No feature that is the target in disguise"
    area = "leakage"
    help = (
        "Finds the target (code: y = df[...], .pop(...); params: target:; or the column train has and test lacks), "
        "then scores each feature alone with a depth-limited tree (3-fold CV balanced accuracy or R², on at most "
        "20,000 rows) and flags scores at or above leakage.target_score; also flags a target equal to the sum or "
        "difference of two columns (count = casual + registered)."
    )
    recommendation = "Drop features that are only known after the outcome (or are computed from it) before training."
    markers = ("data leakage",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        load = pairs(ctx)
        frames: list[tuple[str, pd.DataFrame, pd.DataFrame | None]] = [(lp.pair.train, lp.train, lp.test) for lp in load.loaded]
        if not frames:
            frames = [(p, f, None) for p, f in code_frames(ctx)]
        if not frames:
            return self.result(Status.NOT_APPLICABLE, 0, message="No training data in the repository to examine.")
        threshold = ctx.threshold(TARGET_SCORE)
        evidence, leaks, targets = [], 0, 0
        for path, frame, test in frames:
            target = find_target(ctx, frame, test)
            if target is None:
                continue
            targets += 1
            found = target_leaks(frame, target.column, threshold)
            leaks += len(found)
            evidence.append(Evidence(f"target {target.column!r} ({target.source})", path=path))
            for t in found:
                what = "alone predicts" if t.how == "single feature" else "equals"
                evidence.append(Evidence(f"{t.feature} {what} {target.column} (score {t.score:.3f})", path=path,
                                         value={"feature": t.feature, "score": round(t.score, 4), "how": t.how}))
        if not targets:
            return self.result(Status.UNKNOWN, 0, message="The target column could not be determined (code, params or "
                               "train-only column).", evidence=[Evidence("examined", path=p) for p, _, _ in frames])
        if leaks:
            return self.result(Status.FAIL, 0, value=leaks, threshold=threshold,
                               message=f"{leaks} feature(s) give the target away.", evidence=evidence)
        return self.result(Status.PASS, 1, value=0, threshold=threshold,
                           message="No single feature predicts the target almost perfectly.", evidence=evidence)
