"""The statistic registry: each drift statistic registers its name, column types, kind and default threshold."""

from __future__ import annotations

import threading
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


@dataclass(slots=True, frozen=True)
class EcdfDistances:
    """Distances between the empirical CDFs of two samples: the largest gap (KS) and the area between (Wasserstein-1)."""

    ks: float
    wasserstein: float


class _Workspace(threading.local):
    """Per-thread scratch arrays, reused across columns: fresh multi-MB arrays cost more in page faults than the math."""

    def __init__(self) -> None:
        self.size = 0
        self.last: tuple[np.ndarray, np.ndarray, EcdfDistances] | None = None

    def arrays(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if n > self.size:
            self.size = n
            self.f1, self.f2, self.f3, self.mask = np.empty(n), np.empty(n), np.empty(n), np.empty(n, dtype=bool)
        return self.f1[:n], self.f2[:n], self.f3[:n], self.mask[:n]


_WORK = _Workspace()


def ecdf_distances(a: np.ndarray, b: np.ndarray) -> EcdfDistances:
    """KS statistic and Wasserstein-1 distance of two sorted samples, from one merge.

    The merge is one stable argsort of the two sorted runs (a linear merge). Along it, ``n_a n_b (F_a - F_b)``
    moves by ``+n_b`` at each value of ``a`` and ``-n_a`` at each value of ``b``: a cumulative sum of whole
    numbers, exact in float64. Over each gap between consecutive merged values (inside a run of equal
    values the gap is 0) that difference is exact, which is all KS (its largest value over a gap) and
    Wasserstein (its integral) need. The last pair is cached per thread, so both statistics of a column
    cost one merge.
    """
    last = _WORK.last
    if last is not None and last[0] is a and last[1] is b:
        return last[2]
    na, nb = len(a), len(b)
    both, steps, values, mask = _WORK.arrays(na + nb)
    np.concatenate([a, b], out=both)
    order = np.argsort(both, kind="stable")
    np.take(both, order, out=values)
    gaps = np.subtract(values[1:], values[:-1], out=both[:-1])
    diff = np.multiply(np.less(order[:-1], na, out=mask[:-1]), float(na + nb), out=steps[:-1])
    diff -= na
    np.abs(np.cumsum(diff, out=diff), out=diff)  # n_a n_b |F_a - F_b| over each gap
    largest = np.multiply(diff, np.greater(gaps, 0, out=mask[:-1]), out=values[:-1]).max(initial=0.0)
    scale = float(na) * float(nb)
    result = EcdfDistances(float(largest) / scale, float(np.einsum("i,i", diff, gaps)) / scale)  # einsum: no BLAS threads
    _WORK.last = (a, b, result)
    return result


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
