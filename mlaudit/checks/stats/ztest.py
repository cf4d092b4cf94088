"""Two-proportion z-test for columns with at most two values (pooled variance, two-sided)."""

from __future__ import annotations

import math

from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register


def proportions(ref: ColumnData, cur: ColumnData) -> tuple[float, float, int, int]:
    """Share of the first category (sorted) in each dataset, and the two sizes."""
    r, c = ref.category_counts(), cur.category_counts()
    keys = sorted(set(r) | set(c))
    first = keys[0] if keys else ""
    n1, n2 = sum(r.values()), sum(c.values())
    return r.get(first, 0) / n1, c.get(first, 0) / n2, n1, n2


@register("z", "Two-proportion z-test", ("categorical", "boolean", "numeric"), "p_value", 0.05,
          "Two-proportion z-test (columns with at most two values, small reference): drift when p is at or below this.")
def ztest(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    p1, p2, n1, n2 = proportions(ref, cur)
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var == 0:
        return StatOutcome(0.0, 1.0)
    z = (p1 - p2) / math.sqrt(var)
    from scipy.special import ndtr  # on first use: scipy.special costs 0.2 s to import

    return StatOutcome(z, float(2 * ndtr(-abs(z))))  # 2 norm.sf(|z|)


def cohens_h(ref: ColumnData, cur: ColumnData) -> float:
    """Effect size of a difference in proportions: |2 asin sqrt p1 - 2 asin sqrt p2|."""
    p1, p2, _, _ = proportions(ref, cur)
    return abs(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2)))
