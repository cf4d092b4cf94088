"""Jensen–Shannon distance between category shares (natural log; zero shares floored at 0.0001, as Evidently)."""

from __future__ import annotations

from scipy.spatial import distance

from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register, shares

FLOOR = 0.0001


def js_distance(ref: ColumnData, cur: ColumnData) -> float:
    _, r, c = shares(ref.category_counts(), cur.category_counts(), FLOOR)
    return float(distance.jensenshannon(r, c))


@register("jensenshannon", "Jensen–Shannon distance", ("categorical", "boolean", "numeric"), "distance", 0.1,
          "Jensen–Shannon distance (categorical or few-valued columns, large reference): drift at or above this.")
def jensenshannon(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    return StatOutcome(js_distance(ref, cur))
