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
        return {repr(float(u)): int(c) for u, c in zip(uniq, cnt, strict=True)}


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
