"""KS and Wasserstein-1 of two sorted samples from one merge: the distances between their empirical CDFs.

Along the merged order, ``n_a n_b (F_a - F_b)`` moves by ``+n_b`` at each value of ``a`` and by ``-n_a`` at
each value of ``b``: a cumulative sum of whole numbers, exact in float64 while ``n_a n_b < 2**53``. Over each
gap between consecutive merged values that difference is exact (inside a run of equal values the gap is 0),
which is all KS (its largest value over a gap) and Wasserstein (its integral over the values) need.

When the samples hold many ties (integers, rounded values), their distinct values are merged instead, each
stepping by its count times ``n_b`` or ``-n_a``: the same sums over far fewer values. The merge runs block by
block: cut points taken from both samples' quantiles split them into blocks of about ``BLOCK`` values that
never split a run of equal values, so every pass over a block stays in the CPU cache (twice as fast as
merging 400k values at once). The difference at a block's start follows from how many values of each sample
lie before it. The last pair is cached per thread, so the KS and Wasserstein statistics of one column cost
one merge.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

BLOCK = 32_768  # merged values per block
TIES = 0.75  # merge distinct values with their counts when they are at most this share of all values


@dataclass(slots=True, frozen=True)
class EcdfDistances:
    """The largest distance between the two empirical CDFs (KS) and the area between them (Wasserstein-1)."""

    ks: float
    wasserstein: float


class _Workspace(threading.local):
    """Per-thread scratch arrays, reused from block to block and column to column (fresh ones cost page faults)."""

    def __init__(self) -> None:
        self.size = 0
        self.last: tuple[np.ndarray, np.ndarray, EcdfDistances] | None = None

    def arrays(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if n > self.size:
            self.size = n
            self.floats = [np.empty(n) for _ in range(4)]
            self.mask = np.empty(n, dtype=bool)
        f1, f2, f3, f4 = (f[:n] for f in self.floats)
        return f1, f2, f3, f4, self.mask[:n]


_WORK = _Workspace()


@dataclass(slots=True)
class _Side:
    """One sample as the merge sees it: its sorted values (distinct ones when ties are many) and their counts."""

    values: np.ndarray
    starts: np.ndarray | None = None  # where each distinct value's run starts in the sample, then its size
    weights: np.ndarray | None = None  # each distinct value's count times the step it makes (+n_b or -n_a)

    def below(self, i: int) -> int:
        """How many sample values lie below ``values[i]``."""
        return i if self.starts is None else int(self.starts[i])


def _sides(a: np.ndarray, b: np.ndarray) -> tuple[_Side, _Side]:
    """Both samples as distinct values with counts when that at least shrinks them by a quarter, else as they are."""
    change_a, change_b = a[1:] != a[:-1], b[1:] != b[:-1]
    if np.count_nonzero(change_a) + np.count_nonzero(change_b) + 2 > TIES * (len(a) + len(b)):
        return _Side(a), _Side(b)
    out = []
    for x, change, step in ((a, change_a, float(len(b))), (b, change_b, -float(len(a)))):
        starts = np.concatenate(([0], np.flatnonzero(change) + 1, [len(x)]))
        out.append(_Side(x[starts[:-1]], starts, np.diff(starts) * step))
    return out[0], out[1]


def ecdf_distances(a: np.ndarray, b: np.ndarray) -> EcdfDistances:
    """KS statistic and Wasserstein-1 distance of two non-empty sorted samples."""
    last = _WORK.last
    if last is not None and last[0] is a and last[1] is b:
        return last[2]
    na, nb = len(a), len(b)
    sa, sb = _sides(a, b)
    va, vb = sa.values, sb.values
    parts = max(1, (len(va) + len(vb)) // (2 * BLOCK))  # cuts from both samples: about 2 * parts blocks
    cuts = np.unique(np.concatenate([va[np.arange(1, parts) * len(va) // parts], vb[np.arange(1, parts) * len(vb) // parts]]))
    ia = [0, *np.searchsorted(va, cuts, "right").tolist(), len(va)]
    ib = [0, *np.searchsorted(vb, cuts, "right").tolist(), len(vb)]
    largest = total = 0.0
    previous: float | None = None  # the largest value of the blocks merged so far
    for a0, a1, b0, b1 in zip(ia, ia[1:], ib, ib[1:], strict=False):
        if a0 == a1 and b0 == b1:
            continue
        start = sa.below(a0) * nb - sb.below(b0) * na  # n_a n_b (F_a - F_b) just below this block
        if previous is not None:  # the gap from the previous block's last value to this block's first
            first = min(va[a0] if a1 > a0 else np.inf, vb[b0] if b1 > b0 else np.inf)
            largest, total = max(largest, abs(start)), total + abs(start) * float(first - previous)
        weights = None if sa.weights is None or sb.weights is None else (sa.weights[a0:a1], sb.weights[b0:b1])
        block_largest, block_total, previous = _merge_block(va[a0:a1], vb[b0:b1], weights, start, na, nb)
        largest, total = max(largest, block_largest), total + block_total
    scale = float(na) * float(nb)
    result = EcdfDistances(largest / scale, total / scale)
    _WORK.last = (a, b, result)
    return result


def _merge_block(a: np.ndarray, b: np.ndarray, weights: tuple[np.ndarray, np.ndarray] | None, start: int, na: int, nb: int
                 ) -> tuple[float, float, float]:
    """Largest |difference| over the block's inner gaps, its integral over them, and the block's last value."""
    both, diff, values, steps, mask = _WORK.arrays(len(a) + len(b))
    np.concatenate([a, b], out=both)
    order = np.argsort(both, kind="stable")  # two sorted runs: a linear merge
    np.take(both, order, out=values)
    if len(values) == 1:
        return 0.0, 0.0, float(values[0])
    gaps = np.subtract(values[1:], values[:-1], out=both[:-1])
    if weights is None:  # every value steps by +n_b (from a) or -n_a (from b)
        diff = np.multiply(np.less(order[:-1], len(a), out=mask[:-1]), float(na + nb), out=diff[:-1])
        diff -= na
    else:  # distinct values step by their count times that
        diff = np.take(np.concatenate(weights, out=steps), order[:-1], out=diff[:-1])
    diff[0] += start
    np.abs(np.cumsum(diff, out=diff), out=diff)
    largest = np.multiply(diff, np.greater(gaps, 0, out=mask[:-1]), out=values[:-1]).max()
    return float(largest), float(np.einsum("i,i", diff, gaps)), float(values[-1])
