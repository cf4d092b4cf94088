"""Population Stability Index: 10 quantile bins of the reference (numeric) or the categories; always reported."""

from __future__ import annotations

import numpy as np

from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register, shares
from mlaudit.core.config import define_threshold

BINS = 10
FLOOR = 0.0001
MODERATE = define_threshold("drift.psi_moderate", 0.1, "PSI at or above this (and below drift.psi) is moderate drift.")


def psi_value(ref_share: np.ndarray, cur_share: np.ndarray) -> float:
    """sum((cur - ref) * ln(cur / ref)) over bins, zero shares floored at 0.0001."""
    r = np.where(ref_share == 0, FLOOR, ref_share)
    c = np.where(cur_share == 0, FLOOR, cur_share)
    return float(np.sum((c - r) * np.log(c / r)))


def sorted_quantiles(a: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``np.quantile(a, q)`` (linear method) for an already sorted ``a``, without re-partitioning it."""
    pos = q * (len(a) - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, len(a) - 1)
    out: np.ndarray = a[lo] + (a[hi] - a[lo]) * (pos - lo)
    return out


def quantile_shares(a: np.ndarray, b: np.ndarray, bins: int = BINS) -> tuple[np.ndarray, np.ndarray]:
    """Shares of sorted ``a`` and ``b`` in the reference's quantile bins (right-closed, open at both ends)."""
    edges = np.unique(sorted_quantiles(a, np.linspace(0, 1, bins + 1))[1:-1])
    cum_a = np.concatenate([[0], np.searchsorted(a, edges, side="right"), [len(a)]])
    cum_b = np.concatenate([[0], np.searchsorted(b, edges, side="right"), [len(b)]])
    return np.diff(cum_a) / len(a), np.diff(cum_b) / len(b)


@register("psi", "Population Stability Index", ("numeric", "categorical", "boolean"), "distance", 0.2,
          "PSI (always reported): drift at or above this; between drift.psi_moderate and this is moderate.")
def psi(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    if ref.values is not None and cur.values is not None and ref.counts is None:
        r, c = quantile_shares(ref.values, cur.values)
    else:
        _, r, c = shares(ref.category_counts(), cur.category_counts())
    return StatOutcome(psi_value(r, c))
