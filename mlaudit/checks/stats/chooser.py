"""The default test for a column, as Evidently chooses it (so results can be cross-checked).

Reference with at most ``drift.small_rows`` (1000) rows: numeric with more than 5 distinct values -> KS;
otherwise chi-square, or the two-proportion z-test when there are at most 2 distinct values.
Larger reference: numeric with more than 5 distinct values -> normed Wasserstein, otherwise Jensen–Shannon.
Distinct values are counted over both datasets together.
"""

from __future__ import annotations

from mlaudit.core.config import define_threshold

SMALL_ROWS = define_threshold("drift.small_rows", 1000, "References with at most this many rows use hypothesis tests (KS, chi-square, z); larger ones use distances.")
FEW_VALUES = 5
BINARY = 2


def choose(column_type: str, reference_rows: int, n_distinct: int, small_rows: int = 1000) -> str:
    """Name of the default statistic for a column type, reference size and distinct count."""
    numeric = column_type == "numeric"
    if reference_rows <= small_rows:
        if numeric and n_distinct > FEW_VALUES:
            return "ks"
        return "chisquare" if n_distinct > BINARY else "z"
    return "wasserstein" if numeric and n_distinct > FEW_VALUES else "jensenshannon"
