"""Two-sample Kolmogorov–Smirnov test on sorted values: exact p-value on small samples, asymptotic above.

Above ``EXACT_MAX_N`` the p-value is scipy's asymptotic one, ``kstwo.sf(D, round(m n / (m + n)))``; two of
scipy's branches for it cost 50-100 ms at large n, so ``kstwo_sf`` answers those itself (same values).
scipy.stats is imported on first use only: importing it costs more than a whole comparison.
"""

from __future__ import annotations

import math

import numpy as np

from mlaudit.checks.stats.ecdf import ecdf_distances
from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register

EXACT_MAX_N = 10_000  # scipy's 'auto' switches to the asymptotic distribution above this size
EXACT_SMALL_N = 140  # scipy computes these sizes exactly and cheaply
NEGLIGIBLE_Z = 0.15  # sqrt(n) D at or below this: P(D_n < D) < 1e-20 (Kolmogorov limit), the p-value is 1.0
SMIRNOV_BAND = (2.2, 370.0)  # n D^2 in this band: scipy's p-value is twice the one-sided Smirnov tail


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The largest distance between the two empirical CDFs (``a`` and ``b`` sorted)."""
    return ecdf_distances(a, b).ks


def smirnov_sf(n: int, d: float) -> float:
    """P(D+_n >= d), one-sided, by the Birnbaum–Tingey sum evaluated in logs over all its terms at once."""
    from scipy.special import gammaln  # on first use: scipy.special costs 0.2 s to import

    j = np.arange(math.floor(n * (1 - d)) + 1, dtype=np.float64)
    p = d + j / n
    with np.errstate(divide="ignore"):
        logs = gammaln(n + 1.0) - gammaln(j + 1) - gammaln(n - j + 1) + (j - 1) * np.log(p) + (n - j) * np.log1p(-p)
    return d * float(np.sum(np.exp(logs)))


def kstwo_sf(d: float, n: int) -> float:
    """``scipy.stats.kstwo.sf(d, n)``: P(D_n >= d) for the two-sided one-sample statistic."""
    t, nd2 = n * d, n * d * d
    if n > EXACT_SMALL_N and t > 1 and math.sqrt(nd2) <= NEGLIGIBLE_Z:
        return 1.0
    if n > EXACT_SMALL_N and 1 < t < n - 1 and d < 0.5 and SMIRNOV_BAND[0] <= nd2 < SMIRNOV_BAND[1]:
        return min(max(2 * smirnov_sf(n, d), 0.0), 1.0)
    from scipy import stats

    return float(stats.kstwo.sf(d, n))


@register("ks", "Kolmogorov–Smirnov", ("numeric",), "p_value", 0.05,
          "KS test (numeric columns, small reference): drift when the p-value is at or below this.")
def ks(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    a, b = ref.values, cur.values
    assert a is not None and b is not None
    if max(len(a), len(b)) <= EXACT_MAX_N:
        from scipy import stats

        res = stats.ks_2samp(a, b)
        return StatOutcome(float(res.statistic), float(res.pvalue))
    d = ks_statistic(a, b)
    m, n = sorted([float(len(a)), float(len(b))], reverse=True)
    return StatOutcome(d, kstwo_sf(d, int(np.round(m * n / (m + n)))))
