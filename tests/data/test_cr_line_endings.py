"""Delimited text with old Mac line endings (a bare CR) is a table, not one very wide header line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlaudit.scanners.data.readers import DataReadError, read_table


def test_bare_cr_line_endings_read_as_rows(tmp_path: Path) -> None:
    """Header and rows split on CR: 3 columns, 2 rows (the whole file once read as one line of 10k+ columns)."""
    path = tmp_path / "songs.csv"
    path.write_bytes(b",name,genre\r0,a,rock\r1,b,folk\r")
    table = read_table(path, "songs.csv")
    assert table.num_rows == 2 and table.column("genre").to_pylist() == ["rock", "folk"]
    wide = ",".join(f"c{i}" for i in range(20_000)).encode() + b"\r" + b"1" * 10 + b"\r"
    (tmp_path / "wide.csv").write_bytes(wide)
    with pytest.raises(DataReadError, match="more than"):  # the column bound still holds for a real wide header
        read_table(tmp_path / "wide.csv", "wide.csv")
