"""Area scores: the share of available points earned by the checks of each area."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlaudit.checks.base import AREAS, CheckResult, Status


@dataclass(slots=True)
class AreaScore:
    """Points earned over points available; not-applicable checks are left out, unknown ones earn 0."""

    area: str
    name: str
    score: float | None  # 0..1, None when no check of the area applies
    earned: float
    available: float
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"area": self.area, "name": self.name, "score": self.score, "earned": self.earned,
                "available": self.available, "counts": dict(self.counts)}


def area_scores(results: list[CheckResult]) -> dict[str, AreaScore]:
    """One score per area in report order (an area with no applicable check has score None)."""
    out: dict[str, AreaScore] = {}
    for area, name in AREAS.items():
        mine = [r for r in results if r.area == area]
        counts = {str(s): sum(r.status == s for r in mine) for s in Status}
        counted = [r for r in mine if r.status != Status.NOT_APPLICABLE]
        earned = float(sum(r.points for r in counted))
        available = float(len(counted))
        score = round(earned / available, 4) if available else None
        out[area] = AreaScore(area, name, score, earned, available, {k: v for k, v in counts.items() if v})
    return out
