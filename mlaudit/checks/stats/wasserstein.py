"""Normed Wasserstein distance: the earth mover's distance divided by the reference's standard deviation."""

from __future__ import annotations

import numpy as np

from mlaudit.checks.stats.ecdf import ecdf_distances
from mlaudit.checks.stats.registry import ColumnData, StatOutcome, register

MIN_NORM = 0.001  # as Evidently: a constant reference column is normed by this, not by zero


def wasserstein_sorted(a: np.ndarray, b: np.ndarray) -> float:
    """First Wasserstein distance between two sorted samples (same result as scipy.stats.wasserstein_distance)."""
    return ecdf_distances(a, b).wasserstein


@register("wasserstein", "Normed Wasserstein distance", ("numeric",), "distance", 0.1,
          "Normed Wasserstein distance (numeric columns, large reference): drift at or above this.")
def wasserstein(ref: ColumnData, cur: ColumnData) -> StatOutcome:
    assert ref.values is not None and cur.values is not None
    norm = max(float(np.std(ref.values)), MIN_NORM)
    return StatOutcome(wasserstein_sorted(ref.values, cur.values) / norm)
