"""Data diff from the store: rows, keys, changed cells, schema and drift, checked against pandas on the same data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from mlaudit.cli import cli


def versions(n: int = 1200, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Version 1, and version 2 with rows removed, rows added, cells changed, a column renamed in case and one added."""
    rng = np.random.default_rng(seed)
    a = pd.DataFrame({"customer_id": np.arange(1, n + 1), "amount": rng.normal(100, 10, n).round(2),
                      "Region": rng.choice(["north", "south", "east"], n), "age": rng.integers(18, 90, n)})
    b = a.iloc[20:].copy()  # 20 rows removed
    changed = b.sample(15, random_state=1).index
    b.loc[changed, "amount"] = b.loc[changed, "amount"] + 1000
    b.loc[changed[:5], "age"] = 200
    added = pd.DataFrame({"customer_id": np.arange(n + 1, n + 31), "amount": rng.normal(150, 10, 30).round(2),
                          "Region": "west", "age": 40})
    b = pd.concat([b, added], ignore_index=True).rename(columns={"Region": "region"})
    b["score"] = 0.5
    return a, b


@pytest.fixture
def diff_repo(make_repo, store_path: Path):
    """A repo whose data/train.csv changes between tags v1 and v2, scanned into a store."""
    a, b = versions()
    repo = make_repo()
    repo.commit("v1 data", {"data/train.csv": a.to_csv(index=False)})
    repo.tag("v1")
    repo.commit("v2 data", {"data/train.csv": b.to_csv(index=False)})
    repo.tag("v2")
    return repo.root, store_path, a, b


def run(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_data_diff_counts_match_pandas(diff_repo) -> None:
    """Rows/keys added and removed, changed rows and cells per column equal what pandas computes on the two frames."""
    root, db, a, b = diff_repo
    out = run("data", "diff", str(root), "data/train.csv@v1", "data/train.csv@v2", "--db", str(db), "--json")
    assert out["key_column"] == "customer_id"
    assert (out["rows_a"], out["rows_b"]) == (len(a), len(b))
    assert out["keys_removed"] == len(set(a.customer_id) - set(b.customer_id)) == 20
    assert out["keys_added"] == len(set(b.customer_id) - set(a.customer_id)) == 30
    merged = a.merge(b.rename(columns={"region": "Region"}), on="customer_id", suffixes=("_a", "_b"))
    amount = int((merged.amount_a != merged.amount_b).sum())
    age = int((merged.age_a != merged.age_b).sum())
    changed = int(((merged.amount_a != merged.amount_b) | (merged.age_a != merged.age_b)).sum())
    assert out["changed_rows"] == changed == 15 and out["changed_exact"] is True
    assert out["changed_cells"] == {"amount": amount, "age": age}
    first = out["sample"][0]
    row = merged[merged.customer_id == int(first["key"])].iloc[0]
    assert first["cells"]["amount"] == [row.amount_a, row.amount_b]
    kinds = {c["column"]: (c["change"], c.get("renamed_from")) for c in out["columns"]}
    assert kinds["region"] == ("renamed", "Region") and kinds["score"][0] == "added"
    assert out["drift"] is not None and out["drift"]["columns"]


def test_whole_row_multiset_counts(make_repo, store_path: Path) -> None:
    """Without a schema change, rows added/removed/unchanged are the multiset difference of the rows (duplicates count)."""
    a = pd.DataFrame({"x": [1, 1, 2, 3, 4], "y": ["a", "a", "b", "c", "d"]})
    b = pd.DataFrame({"x": [1, 2, 2, 5], "y": ["a", "b", "b", "e"]})
    repo = make_repo()
    repo.commit("a", {"d.csv": a.to_csv(index=False)})
    repo.tag("a")
    repo.commit("b", {"d.csv": b.to_csv(index=False)})
    out = run("data", "diff", str(repo.root), "d.csv@a", "d.csv", "--db", str(store_path), "--json")
    # shared: (1,a) once, (2,b) once -> unchanged 2; removed 5-2=3; added 4-2=2
    assert (out["rows_unchanged"], out["rows_removed"], out["rows_added"]) == (2, 3, 2)


def test_data_diff_text_and_errors(diff_repo) -> None:
    """The text output names the key and the changes; a key absent from a version is one clear error, exit 2."""
    root, db, _a, _b = diff_repo
    result = CliRunner().invoke(cli, ["data", "diff", str(root), "data/train.csv@v1", "data/train.csv@v2", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "key customer_id: added 30  removed 20" in result.stdout
    assert "schema: region renamed from Region (same name in another case)" in result.stdout
    bad = CliRunner().invoke(cli, ["data", "diff", str(root), "data/train.csv@v1", "data/train.csv@v2", "--db", str(db),
                                   "--key", "nope"])
    assert bad.exit_code == 2 and "key column 'nope' is not in both versions" in bad.output
    listing = CliRunner().invoke(cli, ["data", str(root), "--db", str(db)])
    assert listing.exit_code == 0 and "data/train.csv" in listing.stdout


def test_data_diff_help_has_an_example() -> None:
    """`mlaudit data diff --help` explains the command and ends with an example."""
    result = CliRunner().invoke(cli, ["data", "diff", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--key" in result.output


def test_multiset_helpers_match_numpy() -> None:
    """sorted_counts, is_unique and multiset_overlap agree with numpy's unique/Counter on random multisets."""
    from collections import Counter

    from mlaudit.report.data_diff import is_unique, multiset_overlap, sorted_counts

    rng = np.random.default_rng(0)
    for _ in range(20):
        a = rng.integers(0, 50, rng.integers(0, 300)).astype(np.uint64)
        b = rng.integers(0, 50, rng.integers(0, 300)).astype(np.uint64)
        values, counts = sorted_counts(np.sort(a))
        ref_values, ref_counts = np.unique(a, return_counts=True)
        assert values.tolist() == ref_values.tolist() and counts.tolist() == ref_counts.tolist()
        ca, cb = Counter(a.tolist()), Counter(b.tolist())
        assert multiset_overlap(a, b) == sum((ca & cb).values())
        assert is_unique(a) == (len(set(a.tolist())) == len(a))


def test_multiset_overlap_of_unique_hashes_matches_python_sets() -> None:
    """On duplicate-free 64-bit hashes (the fast merge path), the overlap is the size of the set intersection."""
    from mlaudit.report.data_diff import multiset_overlap

    rng = np.random.default_rng(5)
    for size in (1, 2, 1000, 50_000):
        a = np.unique(rng.integers(0, 2**63, size, dtype=np.uint64))
        fresh = np.unique(rng.integers(0, 2**63, size // 3 + 1, dtype=np.uint64))
        b = np.unique(np.concatenate([a[size // 4:], fresh]))
        expected = len(set(a.tolist()) & set(b.tolist()))
        assert multiset_overlap(a, b) == expected
        assert multiset_overlap(b, a) == expected
    top = np.array([2**64 - 1], dtype=np.uint64)
    assert multiset_overlap(top, top) == 1 and multiset_overlap(top, np.array([0], dtype=np.uint64)) == 0
