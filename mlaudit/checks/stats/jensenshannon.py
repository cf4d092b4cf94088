"""Jensen–Shannon distance between category shares (natural log; zero shares floored at 0.0001, as Evidently)."""

from __future__ import annotations

import numpy as np

from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register, shares

FLOOR = 0.0001


def js_distance(ref: ColumnData, cur: ColumnData) -> float:
    """sqrt of the mean Kullback–Leibler divergence of each share vector (renormalised) from their average."""
    _, r, c = shares(ref.category_counts(), cur.category_counts(), FLOOR)
    r, c = r / r.sum(), c / c.sum()
    m = (r + c) / 2.0
    from scipy.special import rel_entr  # on first use: scipy.special costs 0.2 s to import

    return float(np.sqrt((rel_entr(r, m).sum() + rel_entr(c, m).sum()) / 2.0))


@register("jensenshannon", "Jensen–Shannon distance", ("categorical", "boolean", "numeric"), "distance", 0.1,
          "Jensen–Shannon distance (categorical or few-valued columns, large reference): drift at or above this.")
def jensenshannon(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    return StatOutcome(js_distance(ref, cur))
