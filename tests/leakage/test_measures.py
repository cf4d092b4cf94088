"""Data leakage statistics on constructed frames with hand-computed answers, at the threshold boundaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlaudit.checks.base import Check, Status
from mlaudit.checks.leakage.data import graded
from mlaudit.checks.leakage.measures import (
    arithmetic_sources,
    entity_overlap,
    id_columns,
    overlap,
    single_feature_scores,
    target_leaks,
    temporal,
)


def frame(n: int, start: int = 0) -> pd.DataFrame:
    i = np.arange(start, start + n)
    return pd.DataFrame({"row_id": i, "a": i * 2.0, "b": (i % 7).astype(str)})


class _Probe(Check):
    id, title, area, help = "LEAK-PROBE", "probe", "leakage", "test probe"


@pytest.mark.parametrize(("value", "limit", "status"), [
    (0.0, 0.01, Status.PASS), (0.01, 0.01, Status.WARN), (0.0101, 0.01, Status.FAIL), (0.001, 0.01, Status.WARN),
])
def test_graded_verdict_boundaries(value: float, limit: float, status: Status) -> None:
    """Zero passes, up to the limit warns, strictly above it fails."""
    assert graded(_Probe(), value, limit, "m", []).status == status


def test_overlap_counts_planted_copies_exactly() -> None:
    """3 of 300 test rows copied from training = 1.0% exactly; duplicates inside each split counted apart."""
    train = frame(1000)
    test = pd.concat([frame(297, 5000), train.iloc[[10, 20, 30]]], ignore_index=True)
    train = pd.concat([train, train.iloc[[0, 1]]], ignore_index=True)  # 2 duplicates inside train
    o = overlap(train, test)
    assert (o.test_rows, o.copied, o.dup_train, o.dup_test) == (300, 3, 2, 0)
    assert o.share == pytest.approx(0.01)
    assert graded(_Probe(), o.share, 0.01, "", []).status == Status.WARN
    assert graded(_Probe(), o.share, 0.0099, "", []).status == Status.FAIL


def test_overlap_ignoring_ids_finds_copies_with_new_ids() -> None:
    """Rows copied with a fresh id are not exact copies but are copies once the id column is ignored."""
    train = frame(100)
    test = train.iloc[:4].copy()
    test["row_id"] = [900, 901, 902, 903]
    o = overlap(train, test)
    assert o.ignored == ["row_id"]
    assert (o.copied, o.copied_ignoring_ids) == (0, 4)


def test_overlap_compares_columns_with_different_dtypes_as_text() -> None:
    """An int column in train and the same values as float in test still match."""
    train = pd.DataFrame({"x": [1, 2, 3]})
    test = pd.DataFrame({"x": ["1", "5"]})
    assert overlap(train, test).copied == 1


def test_entity_overlap_share_of_test_entities() -> None:
    """2 of 4 distinct test customers also in training: share 0.5; non-id columns are ignored."""
    train = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": [5, 6, 7, 8]})
    test = pd.DataFrame({"customer_id": [3, 3, 2, 9, 10], "amount": [5, 6, 7, 8, 9]})
    (e,) = entity_overlap(train, test)
    assert (e.column, e.shared, e.test_entities, e.share) == ("customer_id", 2, 4, 0.5)
    assert id_columns(test) == ["customer_id"]


def test_id_like_names() -> None:
    """user, patient_id, ticket_no and uuid are ids; grid, paid and price are not."""
    df = pd.DataFrame({c: [1, 2] for c in ["user", "patient_id", "ticket_no", "uuid", "grid", "paid", "price"]})
    assert id_columns(df) == ["user", "patient_id", "ticket_no", "uuid"]


def test_temporal_share_on_interleaved_dates() -> None:
    """Test dates interleaved with training dates: share of test rows before the last training date."""
    days = pd.date_range("2024-01-01", periods=20, freq="D")
    train = pd.DataFrame({"date": days[::2].strftime("%Y-%m-%d")})  # days 0,2,...,18
    test = pd.DataFrame({"date": days[1::2].strftime("%Y-%m-%d")})  # days 1,3,...,19: 9 of 10 before day 18
    (t,) = temporal(train, test)
    assert (t.column, t.before, t.test_rows) == ("date", 9, 10)
    assert graded(_Probe(), t.share, 0.9, "", []).status == Status.WARN
    assert graded(_Probe(), t.share, 0.89, "", []).status == Status.FAIL


def test_temporal_split_by_time_passes() -> None:
    """A time-based split (every test date on or after the last training date) has share 0."""
    days = pd.Series(pd.date_range("2024-01-01", periods=10, freq="h"), name="ts")
    (t,) = temporal(pd.DataFrame({"ts": days[:6]}), pd.DataFrame({"ts": days[5:]}))
    assert t.before == 0 and t.share == 0.0


def test_columns_that_are_not_dates_are_skipped() -> None:
    """Numbers and free text are not dates, even when their name says so."""
    assert temporal(pd.DataFrame({"day": [1, 2]}), pd.DataFrame({"day": [0, 1]})) == []
    assert temporal(pd.DataFrame({"date": ["soon", "later"]}), pd.DataFrame({"date": ["now", "x"]})) == []


def test_target_equal_to_sum_of_two_columns() -> None:
    """count = casual + registered is found; a near-sum is not."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"casual": rng.integers(0, 50, 200), "registered": rng.integers(0, 500, 200),
                       "temp": rng.normal(size=200)})
    df["count"] = df["casual"] + df["registered"]
    assert [t.feature for t in arithmetic_sources(df, "count")] == ["casual + registered"]
    df.loc[5, "count"] += 1
    assert arithmetic_sources(df, "count") == []


def test_single_feature_proxy_and_threshold_boundary() -> None:
    """A copy of the label scores 1.0; a noisy proxy scores below; the threshold decides at its boundary."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 600)
    noisy = np.where(rng.random(600) < 0.8, y, 1 - y)
    df = pd.DataFrame({"refund": y, "noisy": noisy, "x": rng.normal(size=600), "y": y})
    scores = single_feature_scores(df, "y")
    assert scores["refund"] == pytest.approx(1.0)
    assert 0.7 < scores["noisy"] < 0.9 and scores["x"] < 0.6
    assert [t.feature for t in target_leaks(df, "y", 1.0)] == ["refund"]
    assert [t.feature for t in target_leaks(df, "y", scores["noisy"])] == ["refund", "noisy"]
    assert "noisy" not in [t.feature for t in target_leaks(df, "y", scores["noisy"] + 1e-9)]
