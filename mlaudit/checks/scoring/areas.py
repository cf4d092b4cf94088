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
    measured: int = 0  # checks with a verdict (pass, warn, fail)
    total: int = 0  # checks of the area
    unknown: list[str] = field(default_factory=list)  # "CHECK-ID: why" for each unknown or errored check

    @property
    def coverage_line(self) -> str:
        """``measured N of M checks; K unknown because …`` (the report's per-area coverage)."""
        line = f"measured {self.measured} of {self.total} checks"
        na = self.counts.get(str(Status.NOT_APPLICABLE), 0)
        if na:
            line += f"; {na} not applicable"
        if self.unknown:
            line += f"; {len(self.unknown)} unknown because " + "; ".join(self.unknown[:3])
            if len(self.unknown) > 3:
                line += f"; and {len(self.unknown) - 3} more"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {"area": self.area, "name": self.name, "score": self.score, "earned": self.earned,
                "available": self.available, "counts": dict(self.counts), "measured": self.measured,
                "total": self.total, "unknown": list(self.unknown), "coverage": self.coverage_line}


def _why_unknown(r: CheckResult) -> str:
    """A short reason an unknown check could not be decided: what it skipped, else its message."""
    cov = r.coverage
    if cov is not None and cov.skipped_total:
        first = cov.skipped[0]
        more = f" (+{cov.skipped_total - 1} more)" if cov.skipped_total > 1 else ""
        return f"{r.check_id}: {first['what']} {first['why']}{more}"
    msg = (r.message or str(r.status)).split(". ")[0].rstrip(".")
    return f"{r.check_id}: {msg[:140]}"


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
        measured = sum(r.status in (Status.PASS, Status.WARN, Status.FAIL) for r in mine)
        unknown = [_why_unknown(r) for r in mine if r.status in (Status.UNKNOWN, Status.ERROR)]
        out[area] = AreaScore(area, name, score, earned, available, {k: v for k, v in counts.items() if v},
                              measured, len(mine), unknown)
    return out
