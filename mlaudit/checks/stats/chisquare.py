"""Chi-square goodness of fit of the current category counts against the reference shares (as Evidently)."""

from __future__ import annotations

import numpy as np

from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register


@register("chisquare", "Chi-square", ("categorical", "boolean", "numeric"), "p_value", 0.05,
          "Chi-square test (categorical or few-valued columns, small reference): drift when p is at or below this.")
def chisquare(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    r, c = ref.category_counts(), cur.category_counts()
    keys = sorted(set(r) | set(c))
    n_ref, n_cur = sum(r.values()), sum(c.values())
    expected = np.array([r.get(k, 0) for k in keys], dtype=np.float64) * (n_cur / n_ref)
    observed = np.array([c.get(k, 0) for k in keys], dtype=np.float64)
    if len(keys) < 2:
        return StatOutcome(0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(expected > 0, (observed - expected) ** 2 / np.where(expected > 0, expected, 1), np.where(observed > 0, np.inf, 0))
    statistic = float(terms.sum())
    from scipy.special import chdtrc  # on first use: scipy.special costs 0.2 s to import

    return StatOutcome(statistic, float(chdtrc(len(keys) - 1, statistic)))  # chi2.sf
