"""Two-sample Kolmogorov–Smirnov test on sorted values: exact p-value on small samples, asymptotic above."""

from __future__ import annotations

import numpy as np
from scipy import stats

from mlaudit.checks.stats.registry import ColumnData, StatOutcome, merged_cdfs, register, run_ends

EXACT_MAX_N = 10_000  # scipy's 'auto' switches to the asymptotic distribution above this size


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The largest distance between the two empirical CDFs (``a`` and ``b`` sorted)."""
    both, cdf_a, cdf_b = merged_cdfs(a, b)
    ends = run_ends(both)
    return float(np.max(np.abs(cdf_a[ends] - cdf_b[ends])))


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
