"""Measured effect of a preprocessing leak: statistics fitted with and without the test rows, duplicates across a split."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlaudit.checks.leakage.measures import fit_effect, split_duplicates


def test_effect_is_zero_when_the_test_rows_are_copies_of_the_training_rows() -> None:
    """Every row duplicated once, a 50% split drawn: statistics may move but a constant column never does."""
    frame = pd.DataFrame({"c": [5.0] * 40, "x": np.arange(40.0)})
    eff = fit_effect(frame, 0.5)
    assert "c" not in eff.columns  # zero spread: no shift is defined
    assert eff.rows == 40 and eff.columns["x"] >= 0


def test_effect_matches_a_hand_computed_mean_and_std_shift() -> None:
    """The shift equals the largest of the mean, std and quartile moves over the training std, computed independently."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.normal(10, 2, 1000)})
    eff = fit_effect(frame, 0.2, seed=7)
    train = frame.iloc[np.random.default_rng(7).permutation(1000)[:800]]["x"]
    sd = train.std()
    expect = max(abs(frame.x.mean() - train.mean()) / sd, abs(frame.x.std() / sd - 1),
                 *(abs(frame.x.quantile(q) - train.quantile(q)) / sd for q in (0.25, 0.5, 0.75)))
    assert abs(eff.columns["x"] - expect) < 1e-12
    assert eff.shift < 0.05 and eff.impact in ("low", "medium")  # a random fifth barely moves a normal sample


def test_a_skewed_test_part_gives_a_high_impact() -> None:
    """When the rows that join the fit are far from the rest, the shift is large and the impact high."""
    frame = pd.DataFrame({"x": np.r_[np.zeros(50), np.full(50, 100.0)] + np.arange(100) * 1e-3})
    eff = fit_effect(frame, 0.5, seed=0)
    assert eff.impact in ("medium", "high") and eff.worst == "x"


def test_only_the_named_columns_are_measured() -> None:
    """Columns named in the fitting line restrict the measurement; unknown names fall back to all numeric columns."""
    frame = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) ** 2, "s": list("ab" * 10)})
    assert set(fit_effect(frame, 0.25, ["a"]).columns) == {"a"}
    assert set(fit_effect(frame, 0.25, ["zzz"]).columns) == {"a", "b"}


def test_duplicates_expected_across_a_split() -> None:
    """4 repeated rows, a 25% test share: 4 * 2 * 0.25 * 0.75 = 1.5 expected across the split."""
    frame = pd.DataFrame({"a": [1, 1, 2, 2, 3, 4, 5, 5, 5], "b": [0, 0, 1, 1, 1, 1, 2, 2, 2]})
    dups, across = split_duplicates(frame, 0.25)
    assert dups == 4 and abs(across - 1.5) < 1e-12


def test_test_share_read_from_the_split_line() -> None:
    """test_size, train_size, validation_split, fold counts and the defaults."""
    from mlaudit.checks.leakage.code import test_share

    assert test_share("a, b = train_test_split(X, test_size=0.3)")[0] == 0.3
    assert abs(test_share("train_test_split(X, y, train_size=.9)")[0] - 0.1) < 1e-12
    assert test_share("m.fit(X, y, validation_split=0.15)")[0] == 0.15
    assert test_share("for a, b in KFold(4).split(X):")[0] == 0.25
    assert test_share("cross_val_score(m, X, y, cv=10)")[0] == 0.1
    assert test_share("train_test_split(X, y)") == (0.25, "train_test_split's default")
