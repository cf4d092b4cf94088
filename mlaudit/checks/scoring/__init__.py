"""Maturity scoring: area scores, the ML Test Score, Google and Microsoft levels, the decision matrix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlaudit.checks.base import CheckResult
from mlaudit.checks.scoring.areas import AreaScore, area_scores
from mlaudit.checks.scoring.common import Reason, Verdict
from mlaudit.checks.scoring.levels import google_level, microsoft_level
from mlaudit.checks.scoring.mlts import MLTestScore, TestScore, band, ml_test_score
from mlaudit.checks.scoring.stage import STAGES, Decision, NextStep, decide


@dataclass(slots=True)
class Scorecard:
    """Everything the scoring rules conclude from one set of check results."""

    areas: dict[str, AreaScore]
    ml_test_score: MLTestScore
    google: Verdict
    microsoft: Verdict
    decision: Decision

    def to_dict(self) -> dict[str, Any]:
        return {
            "areas": {k: v.to_dict() for k, v in self.areas.items()},
            "ml_test_score": self.ml_test_score.to_dict(),
            "levels": {"google": self.google.to_dict(), "microsoft": self.microsoft.to_dict()},
            "stage": self.decision.to_dict(),
        }


def score(results: list[CheckResult], *, mapping: dict[str, list[str]] | None = None,
          tests: dict[str, tuple[str, str]] | None = None, extra_signals: dict[str, list[str]] | None = None) -> Scorecard:
    """Score check results (``mapping``/``tests`` default to the registered checks and the 28-test table)."""
    return Scorecard(
        area_scores(results), ml_test_score(results, mapping, tests), google_level(results),
        microsoft_level(results), decide(results, extra_signals),
    )


__all__ = [
    "STAGES", "AreaScore", "Decision", "MLTestScore", "NextStep", "Reason", "Scorecard", "TestScore", "Verdict",
    "band", "score",
]
