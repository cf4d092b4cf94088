"""Two-sample Kolmogorov–Smirnov test on sorted values: exact p-value on small samples, asymptotic above."""

from __future__ import annotations

import numpy as np
from scipy import stats

from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register

EXACT_MAX_N = 10_000  # scipy's 'auto' switches to the asymptotic distribution above this size


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The largest distance between the two empirical CDFs (``a`` and ``b`` sorted)."""
    both = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, both, side="right") / len(a)
    cdf_b = np.searchsorted(b, both, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


@register("ks", "Kolmogorov–Smirnov", ("numeric",), "p_value", 0.05,
          "KS test (numeric columns, small reference): drift when the p-value is at or below this.")
def ks(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    a, b = ref.values, cur.values
    assert a is not None and b is not None
    if max(len(a), len(b)) <= EXACT_MAX_N:
        res = stats.ks_2samp(a, b)
        return StatOutcome(float(res.statistic), float(res.pvalue))
    d = ks_statistic(a, b)
    m, n = sorted([float(len(a)), float(len(b))], reverse=True)
    return StatOutcome(d, float(stats.kstwo.sf(d, np.round(m * n / (m + n)))))
