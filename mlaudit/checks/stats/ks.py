"""Two-sample Kolmogorov–Smirnov test on sorted values: exact p-value where it matters, asymptotic elsewhere.

The asymptotic p-value is scipy's, ``kstwo.sf(D, round(m n / (m + n)))``; two of scipy's branches for it cost
50-100 ms at large n, so ``kstwo_sf`` answers those itself (same values). scipy's exact two-sample path
(its choice up to 10,000 values a side) counts lattice paths: 100-850 ms per column when the sizes differ,
typically to return p = 1.0 for two near-identical versions or p ~ 1e-100 for two very different ones. So the
exact p-value is computed only when it is cheap (m n <= ``EXACT_CHEAP_CELLS``, or m = n, scipy's O(n) case)
or when the asymptotic one falls in ``EXACT_BAND``, around any sensible decision threshold. Elsewhere the
asymptotic value is returned: within ``ASYMPTOTIC_TOLERANCE`` (absolute) of scipy's exact one, checked against
scipy in the tests (measured worst case 0.007, for near-equal sizes of ~1,600 where the lattice is coarsest).
Verdicts at any threshold inside the band, less the tolerance, are therefore scipy's exactly.
scipy.stats is imported on first use only: importing it costs more than a whole comparison.
"""

from __future__ import annotations

import math

import numpy as np

from mlaudit.checks.stats.ecdf import ecdf_distances
from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register

EXACT_MAX_N = 10_000  # scipy's 'auto' switches to the asymptotic distribution above this size
EXACT_CHEAP_CELLS = 2_500_000  # m n up to this: scipy's exact path costs a few ms at most
EXACT_BAND = (1e-4, 0.25)  # asymptotic p in this band: compute the exact one (verdicts near thresholds)
ASYMPTOTIC_TOLERANCE = 0.01  # |asymptotic p - scipy exact p| outside the band, for m n > EXACT_CHEAP_CELLS
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


def exact_is_cheap(m: int, n: int) -> bool:
    """scipy's exact path costs a few ms at most for these sample sizes."""
    return max(m, n) <= EXACT_MAX_N and (m == n or m * n <= EXACT_CHEAP_CELLS)


def needs_exact(m: int, n: int, p_asymptotic: float) -> bool:
    """Whether scipy's exact p-value is worth its cost for sample sizes ``m``, ``n`` (see the module docstring)."""
    if max(m, n) > EXACT_MAX_N:
        return False
    return exact_is_cheap(m, n) or EXACT_BAND[0] <= p_asymptotic <= EXACT_BAND[1]


@register("ks", "Kolmogorov–Smirnov", ("numeric",), "p_value", 0.05,
          "KS test (numeric columns, small reference): drift when the p-value is at or below this.")
def ks(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    a, b = ref.values, cur.values
    assert a is not None and b is not None
    if not exact_is_cheap(len(a), len(b)):
        d = ks_statistic(a, b)
        m, n = sorted([float(len(a)), float(len(b))], reverse=True)
        p = kstwo_sf(d, int(np.round(m * n / (m + n))))
        if not needs_exact(len(a), len(b), p):
            return StatOutcome(d, p)
    from scipy import stats

    res = stats.ks_2samp(a, b)  # scipy's own choice: exact up to EXACT_MAX_N values a side
    return StatOutcome(float(res.statistic), float(res.pvalue))
