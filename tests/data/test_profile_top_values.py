"""Top values of identifier and text columns, ordered by Arrow, equal the plain-Python reference order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from mlaudit.scanners.data.profile import TOP_K, _top_strings, profile_file


def reference(values: list[str | None]) -> tuple[int, list[tuple[str, int]]]:
    """Distinct non-null values and the TOP_K most frequent, ties broken by the value (Python's own order)."""
    counts: dict[str, int] = {}
    for v in values:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    pairs = sorted(counts.items(), key=lambda p: (-p[1], p[0]))
    return len(pairs), pairs[:TOP_K]


RNG = np.random.default_rng(5)
CASES = [
    [f"id{i:06d}" for i in RNG.permutation(3000)],  # all distinct: every count ties at 1
    [f"k{int(x) % 500}" for x in RNG.zipf(1.6, 4000)] + [None] * 7,  # skewed counts, nulls
    ["b", "a", "é", "B", "ab", "a", None, "é", "z" * 50, "É"],  # non-ASCII and case: code-point order
    [None, None],
    [],
]


@pytest.mark.parametrize("values", CASES)
def test_top_strings_match_python_order(values: list[str | None]) -> None:
    """Arrow's top-k selection gives the same distinct count and the same ordered top values as sorting in Python."""
    assert _top_strings(pc.value_counts(pa.array(values, pa.string()))) == reference(values)


def test_identifier_column_profile_uses_the_same_order(tmp_path: Path) -> None:
    """A CSV with an ID column and a repeated text column: the profile's top values are the reference ones."""
    ids = [f"u{i:05d}" for i in RNG.permutation(2000)]
    notes = [f"note {int(x) % 30} {'long text ' * 5}" for x in RNG.integers(0, 1000, 2000)]
    path = tmp_path / "users.csv"
    path.write_text("user_id,note\n" + "".join(f"{i},{n}\n" for i, n in zip(ids, notes, strict=True)))
    prof = profile_file(path, "users.csv")
    for name, values in (("user_id", ids), ("note", notes)):
        stats = prof.stats[name]
        assert (stats["distinct"], [tuple(t) for t in stats["top"]]) == reference(values), name
