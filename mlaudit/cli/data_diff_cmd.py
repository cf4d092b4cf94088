"""``mlaudit data diff``: rows, keys, cells, schema and distributions that changed between two data versions."""

from __future__ import annotations

import json
from typing import Any

import click

from mlaudit.audit import scan
from mlaudit.cli.base import audit_options, with_progress
from mlaudit.core.config import load_config
from mlaudit.core.errors import MlauditError
from mlaudit.core.progress import Progress
from mlaudit.report.data_diff import DataDiff, data_diff
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store


def _side(spec: str, v: dq.DataVersion) -> dict[str, Any]:
    return {"spec": spec, "path": v.path, "commit": v.commit or None, "hash": v.key, "source": v.source}


def _usable(store: Any, spec: str, v: dq.DataVersion) -> None:
    if not v.available:
        raise MlauditError(f"{spec}: content {v.key[:16]} is not available locally ({v.source}); "
                           "fetch it (dvc pull / git lfs pull) and rescan")
    prof = dq.profile(store, v.key)
    if prof is None or prof.error:
        raise MlauditError(f"{spec}: could not be read when scanned: {prof.error if prof else 'not profiled'}")


def print_diff(diff: DataDiff) -> None:
    """The diff as text: rows, keys, changed cells, schema, drifted columns, notes."""
    click.echo(f"rows: {diff.rows_a:,} -> {diff.rows_b:,}   added {diff.rows_added:,}  removed {diff.rows_removed:,}  "
               f"unchanged {diff.rows_unchanged:,}")
    if diff.key_column is not None:
        keys = (f"added {diff.keys_added:,}  removed {diff.keys_removed:,}  in both {diff.keys_common:,}"
                if diff.keys_common is not None else "no key hashes stored")
        click.echo(f"key {diff.key_column}: {keys}")
    if diff.changed_rows is not None:
        bound = "" if diff.changed_exact else " (at least; counted on the stored samples)"
        cells = ", ".join(f"{c} {n:,}" for c, n in sorted(diff.changed_cells.items(), key=lambda kv: -kv[1]))
        click.echo(f"changed rows: {diff.changed_rows:,}{bound}" + (f"   cells by column: {cells}" if cells else ""))
        for row in diff.sample[:10]:
            changes = "; ".join(f"{c}: {a!r} -> {b!r}" for c, (a, b) in row.cells.items())
            click.echo(f"  {diff.key_column}={row.key}: {changes}")
    for c in diff.columns:
        if c.change == "same":
            continue
        detail = {"added": f"added ({c.type_b})", "removed": f"removed ({c.type_a})",
                  "retyped": f"retyped {c.type_a} -> {c.type_b}",
                  "renamed": f"renamed from {c.renamed_from} ({c.how})"}[c.change]
        if c.change == "retyped" and c.renamed_from:
            detail += f", renamed from {c.renamed_from}"
        click.echo(f"schema: {c.column} {detail}")
    if diff.drift is not None:
        drifted = [f"{d.name} ({d.test} {d.statistic:.3g})" for d in diff.drift.drifted_columns]
        click.echo(f"distribution: {len(drifted)} of {len(diff.drift.columns)} compared columns drift"
                   + (f": {', '.join(drifted)}" if drifted else ""))
    for note in diff.notes:
        click.echo(f"note: {note}")


@click.command(name="diff", short_help="What changed between two versions of a data file.")
@audit_options
@click.argument("a")
@click.argument("b")
@click.option("--key", "key", default=None, metavar="COLUMN",
              help="Key column that identifies a row in both versions (default: detected, unique in both).")
@with_progress
def data_diff_command(path: str, db: str | None, as_json: bool, a: str, b: str, key: str | None,
                      progress: Progress) -> None:
    """Diff data version B against A, each given as path[@rev] (rev: a commit, tag or branch; default HEAD;
    "worktree" for the copy on disk): rows added, removed and unchanged (from the stored row hashes), keys
    added and removed and the changed rows and cells where a key column exists, schema changes, and the
    drift of each column. Reads only the store after the scan.

    \b
    Example:
        mlaudit data diff ~/src/churn-model data/train.csv@v1.0 data/train.csv
        mlaudit data diff ~/src/churn-model data/train.csv@v1.0 data/train.csv@v1.1 --key customer_id --json
    """
    config = load_config()
    summary = scan(path, db, progress=progress, config=config)
    with open_store(summary.store_path, repo_root=summary.repo.root) as store:
        va, vb = dq.resolve_version(store, summary.repo, a), dq.resolve_version(store, summary.repo, b)
        _usable(store, a, va)
        _usable(store, b, vb)
        diff = data_diff(store, va.key, vb.key, key=key, config=config)
    if as_json:
        click.echo(json.dumps(diff.to_dict() | {"a": _side(a, va), "b": _side(b, vb)}, indent=2, default=str))
        return
    click.echo(f"A: {a} ({va.key[:12]})\nB: {b} ({vb.key[:12]})\n")
    print_diff(diff)
