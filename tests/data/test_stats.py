"""Drift statistics against scipy and hand-computed cases; the chooser at each boundary."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial import distance

from mlaudit.checks.stats import STATISTICS, ColumnData, ecdf
from mlaudit.checks.stats.chooser import choose
from mlaudit.checks.stats.ks import ASYMPTOTIC_TOLERANCE, EXACT_BAND, ks_statistic, kstwo_sf, needs_exact
from mlaudit.checks.stats.psi import psi_value, quantile_shares
from mlaudit.checks.stats.wasserstein import wasserstein_sorted

RNG = np.random.default_rng(42)
CASES = [
    (np.round(RNG.normal(0, 1, 300), 2), np.round(RNG.normal(0.2, 1.1, 250), 2)),
    (RNG.exponential(1, 900), RNG.exponential(1.3, 1000)),
    (RNG.integers(0, 40, 5000).astype(float), RNG.integers(0, 42, 7000).astype(float)),
    (RNG.normal(0, 1, 20000), RNG.normal(0.01, 1, 15000)),
    (RNG.normal(0, 1, 20000), RNG.normal(0.05, 1, 15000)),  # asymptotic p in scipy's one-sided Smirnov branch
]


@pytest.mark.parametrize("a,b", CASES)
def test_ks_matches_scipy(a: np.ndarray, b: np.ndarray) -> None:
    """KS statistic agrees with scipy.stats.ks_2samp to 1e-9, and so does the p-value where it is computed exactly
    (scipy's choice); where the exact path is skipped, the p-value is within the documented tolerance."""
    sa, sb = np.sort(a), np.sort(b)
    mode = "auto" if max(len(a), len(b)) <= 10_000 else "asymp"
    want = stats.ks_2samp(a, b, method=mode)
    got = STATISTICS["ks"].compute(ColumnData(sa), ColumnData(sb))
    assert got.statistic == pytest.approx(want.statistic, abs=1e-9)
    exact_skipped = mode == "auto" and not needs_exact(len(a), len(b), got.p_value)
    assert got.p_value == pytest.approx(want.pvalue, abs=ASYMPTOTIC_TOLERANCE if exact_skipped else 1e-9)
    assert ks_statistic(sa, sb) == pytest.approx(want.statistic, abs=1e-9)


@pytest.mark.parametrize("n,nd2", [(8571, 0.0001), (8571, 0.0225), (8571, 0.03), (8571, 2.2), (8571, 12.0),
                                    (30000, 0.01), (30000, 3.5), (30000, 369.0), (141, 3.0), (20000, 0.8)])
def test_kstwo_sf_matches_scipy(n: int, nd2: float) -> None:
    """The asymptotic KS p-value equals scipy's kstwo.sf to 1e-9, in the branches answered without scipy too."""
    d = math.sqrt(nd2 / n)
    assert kstwo_sf(d, n) == pytest.approx(float(stats.kstwo.sf(d, n)), abs=1e-9)


SIZES = [(1581, 1582), (2000, 2001), (1600, 1700), (3000, 3100), (4000, 4001), (9000, 9500), (1300, 9999)]


@pytest.mark.parametrize("m,n", SIZES)
def test_ks_skips_exact_only_within_tolerance(m: int, n: int) -> None:
    """Over near-equal sizes (the coarsest lattice) and shifts from none to strong: where the exact path is skipped the
    p-value is within ASYMPTOTIC_TOLERANCE of scipy's exact one, and the drift verdict at 0.05 is scipy's."""
    rng = np.random.default_rng(m + n)
    for shift in (0.0, 0.01, 0.03, 0.06, 0.1, 0.3):
        for ties in (False, True):
            a, b = np.sort(rng.normal(0, 1, m)), np.sort(rng.normal(shift, 1, n))
            if ties:
                a, b = np.round(a, 1), np.round(b, 1)
            want = stats.ks_2samp(a, b, method="exact").pvalue
            got = STATISTICS["ks"].compute(ColumnData(a), ColumnData(b)).p_value
            assert abs(got - want) <= ASYMPTOTIC_TOLERANCE, (shift, ties, got, want)
            assert (got <= 0.05) == (want <= 0.05)


def test_near_identical_versions_skip_the_exact_path() -> None:
    """Two versions of 9,500 and 9,497 values that differ in 3 (p = 1) and two far apart (p ~ 0) skip scipy's exact path;
    a p-value near a threshold does not."""
    a = np.sort(RNG.normal(size=9_500))
    b = np.sort(np.concatenate([a[:-6], RNG.normal(size=3)]))
    near = STATISTICS["ks"].compute(ColumnData(a), ColumnData(b))
    assert near.p_value > EXACT_BAND[1] and not needs_exact(len(a), len(b), near.p_value)
    assert near.p_value == pytest.approx(stats.ks_2samp(a, b, method="exact").pvalue, abs=ASYMPTOTIC_TOLERANCE)
    far = STATISTICS["ks"].compute(ColumnData(a), ColumnData(np.sort(RNG.normal(0.5, 1, 9_000))))
    assert far.p_value < EXACT_BAND[0] and not needs_exact(9_500, 9_000, far.p_value)
    assert needs_exact(9_500, 9_000, 0.04) and not needs_exact(20_000, 15_000, 0.04)


def test_near_identical_large_samples_match_scipy() -> None:
    """A few changed values in 12,000 (KS p-value 1.0 without the slow matrix method) agree with ks_2samp."""
    a = np.sort(RNG.normal(size=12_000))
    b = a.copy()
    b[:4] += 0.5
    b.sort()
    want = stats.ks_2samp(a, b, method="asymp")
    got = STATISTICS["ks"].compute(ColumnData(a), ColumnData(b))
    assert got.statistic == pytest.approx(want.statistic, abs=1e-12)
    assert got.p_value == pytest.approx(want.pvalue, abs=1e-9)


BLOCK_CASES = [
    *CASES[:3],
    (np.full(300, 2.0), RNG.normal(2, 1, 500)),  # a constant sample: one run of equal values larger than a block
    (RNG.normal(0, 1, 400), RNG.normal(50, 1, 300)),  # disjoint ranges: blocks holding one sample only
    (RNG.integers(0, 3, 2000).astype(float), RNG.integers(1, 4, 1500).astype(float)),  # ties across both samples
]


@pytest.mark.parametrize("a,b", BLOCK_CASES)
def test_merging_in_small_blocks_matches_scipy(a: np.ndarray, b: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    """With blocks of 64 values (many block boundaries, runs of ties never split) KS and Wasserstein equal scipy's."""
    monkeypatch.setattr(ecdf, "BLOCK", 64)
    sa, sb = np.sort(a), np.sort(b)
    assert ks_statistic(sa, sb) == pytest.approx(stats.ks_2samp(a, b).statistic, abs=1e-12)
    assert wasserstein_sorted(sa, sb) == pytest.approx(stats.wasserstein_distance(a, b), abs=1e-9)


def test_statistics_after_a_larger_pair_reuse_scratch_space() -> None:
    """KS and Wasserstein of a small pair computed right after a large one still equal scipy's (scratch reused)."""
    big_a, big_b = np.sort(RNG.normal(size=30_000)), np.sort(RNG.normal(size=25_000))
    assert wasserstein_sorted(big_a, big_b) == pytest.approx(stats.wasserstein_distance(big_a, big_b), abs=1e-9)
    a, b = np.sort(RNG.integers(0, 5, 40).astype(float)), np.sort(RNG.integers(0, 6, 30).astype(float))
    assert ks_statistic(a, b) == pytest.approx(stats.ks_2samp(a, b).statistic, abs=1e-12)
    assert wasserstein_sorted(a, b) == pytest.approx(stats.wasserstein_distance(a, b), abs=1e-12)


@pytest.mark.parametrize("a,b", CASES)
def test_wasserstein_matches_scipy(a: np.ndarray, b: np.ndarray) -> None:
    """Wasserstein distance equals scipy's, and the normed value divides by the reference std."""
    sa, sb = np.sort(a), np.sort(b)
    want = stats.wasserstein_distance(a, b)
    assert wasserstein_sorted(sa, sb) == pytest.approx(want, abs=1e-9)
    normed = STATISTICS["wasserstein"].compute(ColumnData(sa), ColumnData(sb)).statistic
    assert normed == pytest.approx(want / np.std(a), abs=1e-9)


def test_chisquare_matches_scipy() -> None:
    """Chi-square of current counts against reference shares equals scipy.stats.chisquare."""
    ref, cur = {"a": 50, "b": 30, "c": 20}, {"a": 40, "b": 45, "c": 35}
    got = STATISTICS["chisquare"].compute(ColumnData(counts=ref), ColumnData(counts=cur))
    n = sum(cur.values())
    want = stats.chisquare([40, 45, 35], [50 / 100 * n, 30 / 100 * n, 20 / 100 * n])
    assert got.statistic == pytest.approx(want.statistic, abs=1e-9)
    assert got.p_value == pytest.approx(want.pvalue, abs=1e-9)


def test_chisquare_new_category_is_drift() -> None:
    """A category absent from the reference makes the statistic infinite and p zero."""
    got = STATISTICS["chisquare"].compute(ColumnData(counts={"a": 10, "b": 10}), ColumnData(counts={"a": 5, "b": 5, "z": 3}))
    assert math.isinf(got.statistic) and got.p_value == 0.0


def test_ztest_hand_computed() -> None:
    """Two-proportion z: p1=0.6 (n=100), p2=0.45 (n=200) gives z = 0.15 / sqrt(0.5 * 0.5 * 0.015)."""
    got = STATISTICS["z"].compute(ColumnData(counts={"no": 40, "yes": 60}), ColumnData(counts={"no": 110, "yes": 90}))
    # first category in sorted order is "no": p1 = 0.4, p2 = 0.55, pooled = 0.5
    z = (0.4 - 0.55) / math.sqrt(0.5 * 0.5 * (1 / 100 + 1 / 200))
    assert got.statistic == pytest.approx(z, abs=1e-12)
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), abs=1e-12)


def test_ztest_identical_constant_columns() -> None:
    """Both sides constant on the same value: no variance, p-value 1."""
    got = STATISTICS["z"].compute(ColumnData(counts={"x": 10}), ColumnData(counts={"x": 7}))
    assert got.p_value == 1.0


def test_jensenshannon_matches_scipy() -> None:
    """JS distance equals scipy's jensenshannon on the shares (zero shares floored at 0.0001)."""
    ref, cur = {"a": 70, "b": 30}, {"a": 20, "b": 60, "c": 20}
    got = STATISTICS["jensenshannon"].compute(ColumnData(counts=ref), ColumnData(counts=cur)).statistic
    assert got == pytest.approx(distance.jensenshannon([0.7, 0.3, 0.0001], [0.2, 0.6, 0.2]), abs=1e-12)


def test_psi_hand_computed() -> None:
    """PSI of shares (0.5, 0.5) -> (0.25, 0.75) is (-0.25) ln 0.5 + 0.25 ln 1.5."""
    want = -0.25 * math.log(0.5) + 0.25 * math.log(1.5)
    assert psi_value(np.array([0.5, 0.5]), np.array([0.25, 0.75])) == pytest.approx(want, abs=1e-12)


def test_psi_uses_ten_reference_quantile_bins() -> None:
    """Reference 0..999 has ten equal bins; the current sample falling in the top bin only gives a known PSI."""
    a = np.arange(1000, dtype=float)
    r, c = quantile_shares(a, np.full(100, 990.0))
    assert np.allclose(r, 0.1)
    assert c[-1] == 1.0
    want = 9 * (0.0001 - 0.1) * math.log(0.0001 / 0.1) + (1 - 0.1) * math.log(1 / 0.1)
    assert STATISTICS["psi"].compute(ColumnData(a), ColumnData(np.full(100, 990.0))).statistic == pytest.approx(want, abs=1e-9)


def test_identical_samples_do_not_drift() -> None:
    """The same sample on both sides: KS 0 with p 1, distances 0, PSI 0."""
    a = np.sort(RNG.normal(size=500))
    assert STATISTICS["ks"].compute(ColumnData(a), ColumnData(a)).p_value == pytest.approx(1.0)
    assert STATISTICS["wasserstein"].compute(ColumnData(a), ColumnData(a)).statistic == 0.0
    assert STATISTICS["psi"].compute(ColumnData(a), ColumnData(a)).statistic == pytest.approx(0.0)


@pytest.mark.parametrize("kind,rows,distinct,want", [
    ("numeric", 1000, 6, "ks"), ("numeric", 1000, 5, "chisquare"), ("numeric", 1000, 3, "chisquare"),
    ("numeric", 1000, 2, "z"), ("categorical", 1000, 6, "chisquare"), ("categorical", 1000, 2, "z"),
    ("categorical", 999, 1, "z"),
    ("numeric", 1001, 6, "wasserstein"), ("numeric", 1001, 5, "jensenshannon"), ("numeric", 1001, 2, "jensenshannon"),
    ("categorical", 1001, 50, "jensenshannon"), ("boolean", 5000, 2, "jensenshannon"),
])
def test_chooser_boundaries(kind: str, rows: int, distinct: int, want: str) -> None:
    """The default test at the 1000-row and 2 / 5 distinct-value boundaries (as Evidently)."""
    assert choose(kind, rows, distinct) == want


def test_every_statistic_is_registered_with_a_threshold() -> None:
    """Each statistic declares its column types and a default threshold in the config."""
    from mlaudit.core.config import AuditConfig

    assert set(STATISTICS) == {"ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi"}
    for stat in STATISTICS.values():
        assert stat.column_types and AuditConfig().threshold(stat.threshold_name) == stat.default_threshold
