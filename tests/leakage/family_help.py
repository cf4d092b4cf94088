"""Helpers for the miss-family tests: analyse a snippet (script or notebook cells) and locate its ``#!`` marker."""

from __future__ import annotations

import json
import textwrap

from mlaudit.scanners.leakage import CodeFinding, analyze_file


def notebook(cells: list[tuple[int | None, str]]) -> bytes:
    """A notebook whose code cells carry the given execution counts (file order as listed)."""
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": n, "outputs": [],
                     "source": textwrap.dedent(src).strip("\n").splitlines(keepends=True)} for n, src in cells],
          "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb).encode()


def run(src: str | list[tuple[int | None, str]]) -> list[CodeFinding]:
    """Findings of a script (a string) or a notebook (a list of (execution count, cell source))."""
    if isinstance(src, str):
        r = analyze_file("snippet.py", textwrap.dedent(src).strip("\n").encode())
    else:
        r = analyze_file("snippet.ipynb", notebook(src))
    assert r.unreadable is None, r.unreadable
    return r.findings


def marker(src: str | list[tuple[int | None, str]]) -> tuple[int | None, int]:
    """(cell index, line) of the line ending in ``#!``: where the finding must point."""
    cells = [(None, src)] if isinstance(src, str) else list(src)
    for index, (_, text) in enumerate(cells):
        for n, line in enumerate(textwrap.dedent(text).strip("\n").split("\n"), 1):
            if line.rstrip().endswith("#!"):
                return (None if isinstance(src, str) else index), n
    raise AssertionError("snippet has no #! marker")


def points_at(f: CodeFinding) -> set[tuple[int | None, int]]:
    """Every place a finding names: its site, its fit, the related sites and the top-level call of a helper."""
    sites = [f.site, *([f.fit] if f.fit else []), *f.related]
    sites += [s.via for s in sites if s.via is not None]
    return {(s.cell, s.line) for s in sites}


def assert_leak(src: str | list[tuple[int | None, str]], check: str) -> CodeFinding:
    """The snippet reports ``check`` and the finding points at the ``#!`` line; returns that finding."""
    found = run(src)
    where = marker(src)
    hits = [f for f in found if f.check_id == check]
    assert hits, f"{check} not found; got {[(f.check_id, f.message) for f in found]}"
    assert any(where in points_at(f) for f in hits), f"expected {where}, got {[sorted(points_at(f), key=str) for f in hits]}"
    return next(f for f in hits if where in points_at(f))


def assert_clean(src: str | list[tuple[int | None, str]]) -> None:
    """The snippet reports no code leak at all."""
    found = run(src)
    assert not found, [(f.check_id, f.site.line, f.message) for f in found]
