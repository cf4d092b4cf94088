"""The statistic registry: each drift statistic registers its name, column types, kind and default threshold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlaudit.core.config import define_threshold


@dataclass(slots=True)
class ColumnData:
    """One column of one dataset as the statistics see it: sorted non-missing values, or category counts."""

    values: np.ndarray | None = None  # sorted float64 (numeric columns)
    counts: dict[str, int] | None = None  # category -> count (categorical / few-valued columns)

    @property
    def n(self) -> int:
        if self.values is not None:
            return len(self.values)
        return sum(self.counts.values()) if self.counts else 0

    def category_counts(self) -> dict[str, int]:
        """Counts per category (numeric values become their repr)."""
        if self.counts is not None:
            return self.counts
        assert self.values is not None
        uniq, cnt = np.unique(self.values, return_counts=True)
        return {repr(float(u)): int(c) for u, c in zip(uniq, cnt)}


@dataclass(slots=True)
class StatOutcome:
    """A statistic's value and, for hypothesis tests, its p-value."""

    statistic: float
    p_value: float | None = None


@dataclass(slots=True, frozen=True)
class Statistic:
    """A registered statistic. ``kind`` 'p_value' drifts when p <= threshold, 'distance' when value >= threshold."""

    name: str
    title: str
    column_types: tuple[str, ...]
    kind: str
    default_threshold: float
    compute: Callable[[ColumnData, ColumnData], StatOutcome]

    @property
    def threshold_name(self) -> str:
        return f"drift.{self.name}"

    def drifted(self, outcome: StatOutcome, threshold: float) -> bool:
        if self.kind == "p_value":
            return outcome.p_value is not None and outcome.p_value <= threshold
        return outcome.statistic >= threshold


STATISTICS: dict[str, Statistic] = {}


def register(name: str, title: str, column_types: tuple[str, ...], kind: str, default_threshold: float, help: str
             ) -> Callable[[Callable[[ColumnData, ColumnData], StatOutcome]], Callable[[ColumnData, ColumnData], StatOutcome]]:
    """Decorator: register ``fn(reference, current) -> StatOutcome`` and declare its threshold ``drift.<name>``."""

    def deco(fn: Callable[[ColumnData, ColumnData], StatOutcome]) -> Callable[[ColumnData, ColumnData], StatOutcome]:
        STATISTICS[name] = Statistic(name, title, column_types, kind, default_threshold, fn)
        define_threshold(f"drift.{name}", default_threshold, help)
        return fn

    return deco


_PAIR: list[tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]] = []


def merged_cdfs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both sorted samples merged (sorted), and each one's ECDF along the merge.

    The ECDF values are exact at the last position of each run of equal values (where the merged value
    changes), which is all KS and Wasserstein need. The last pair is cached, so a column costs one merge.
    """
    last = _PAIR[-1] if _PAIR else None  # one read: safe when threads compare at once
    if last is not None and last[0] is a and last[1] is b:
        return last[2]
    both = np.concatenate([a, b])
    order = np.argsort(both, kind="stable")  # two sorted runs: a linear merge
    both = both[order]
    cum_a = np.cumsum(order < len(a))
    cdf_b = (np.arange(1, len(both) + 1) - cum_a) / len(b)
    result = (both, cum_a / len(a), cdf_b)
    _PAIR[:] = [(a, b, result)]
    return result


def run_ends(both: np.ndarray) -> np.ndarray:
    """Positions of the last element of each run of equal values in a sorted array."""
    return np.flatnonzero(np.append(both[1:] != both[:-1], True))


def shares(ref: dict[str, int], cur: dict[str, int], floor: float = 0.0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Union of categories (sorted) and each side's shares; zero shares raised to ``floor`` when given."""
    keys = sorted(set(ref) | set(cur))
    r = np.array([ref.get(k, 0) for k in keys], dtype=np.float64)
    c = np.array([cur.get(k, 0) for k in keys], dtype=np.float64)
    r = r / r.sum() if r.sum() else r
    c = c / c.sum() if c.sum() else c
    if floor:
        r[r == 0] = floor
        c[c == 0] = floor
    return keys, r, c
