"""``mlaudit compare``: two model versions side by side."""

from __future__ import annotations

import json
from typing import Any

import click

from mlaudit.audit import scan
from mlaudit.cli.base import audit_options, cli, with_progress
from mlaudit.core.errors import MlauditError
from mlaudit.core.progress import Progress
from mlaudit.core.repo import RepoInfo, resolve_rev
from mlaudit.report.compare import Comparison, compare_models
from mlaudit.store.db import open_store


def _git_rev(repo: RepoInfo, spec: str) -> str:
    """``path@HEAD~1`` style revisions resolved with git; other specs unchanged."""
    if "@" not in spec or ("/" not in spec.split("@", 1)[0] and "." not in spec.split("@", 1)[0]):
        return spec
    path, _, rev = spec.rpartition("@")
    if not repo.is_git or rev.upper() in ("WORKTREE", "HEAD") or not rev:
        return spec
    try:
        return f"{path}@{resolve_rev(repo, rev)}"
    except MlauditError:
        return spec


def _fmt(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def _print_differences(c: Comparison) -> None:
    if not c.differences:
        click.echo("\nThe two versions are identical.")
        return
    click.echo(click.style("\nDifferences", bold=True))
    width = max(len(d["field"]) for d in c.differences)
    for d in c.differences:
        click.echo(f"  {d['field']:<{width}}  {_fmt(d['a']):<40} -> {_fmt(d['b'])}")


def _print_params_and_metrics(c: Comparison) -> None:
    for title, rows in (("Params", c.params_diff), ("Metrics", c.metrics_diff)):
        if rows:
            click.echo(click.style(f"\n{title}", bold=True))
            for r in rows:
                delta = f"  ({r['delta']:+.4g})" if "delta" in r else ""
                click.echo(f"  {r['key']}: {_fmt(r['a'])} -> {_fmt(r['b'])}{delta}")


def _print_data_and_code(c: Comparison) -> None:
    changed = [d for d in c.data_drift if d["status"] != "unchanged"]
    if changed:
        click.echo(click.style("\nTraining data", bold=True))
        for d in changed:
            drift = f"; drift in {', '.join(d['drifted_columns'])}" if d.get("drifted_columns") else ""
            row_counts = f" rows {d['rows'][0]} -> {d['rows'][1]}" if d.get("rows") else ""
            click.echo(f"  {d['path']}: {d['status']}{row_counts}{drift}")
    code = c.code_changes
    if code.get("commits"):
        roles = ", ".join(f"{n} {r}" for r, n in sorted(code["by_role"].items()))
        click.echo(click.style("\nCode changes", bold=True) + f"\n  {code['commits']} commit(s), files by role: {roles}")


def print_comparison(c: Comparison) -> None:
    """Readable side-by-side output."""
    click.echo(f"A: {c.a.path} @ {c.a.rev_label}  ({c.a.format}, {c.a.verdict})")
    click.echo(f"B: {c.b.path} @ {c.b.rev_label}  ({c.b.format}, {c.b.verdict})")
    _print_differences(c)
    _print_params_and_metrics(c)
    _print_data_and_code(c)
    for name, lin in (("A", c.lineage_a), ("B", c.lineage_b)):
        if lin.missing:
            click.echo(f"\nLineage of {name} lacks: {', '.join(lin.missing)}")


@cli.command(short_help="Compare two model versions side by side.")
@audit_options
@click.argument("version_a")
@click.argument("version_b")
@with_progress
def compare(path: str, db: str | None, as_json: bool, version_a: str, version_b: str, progress: Progress) -> None:
    """Compare two model versions: metadata, hyperparameters, training data drift, params, metrics, code.

    VERSION_A and VERSION_B are each ``path@rev`` (a commit, branch, tag, HEAD~n or WORKTREE), an MLflow
    run id, or a registered model ``name/version`` (or ``name@alias``).

    \b
    Example:
        mlaudit compare ~/src/churn-model models/model.joblib@v1.0 models/model.joblib@HEAD
        mlaudit compare ~/src/churn-model churn-classifier/1 churn-classifier/2 --json
    """
    summary = scan(path, db, progress=progress)
    a, b = _git_rev(summary.repo, version_a), _git_rev(summary.repo, version_b)
    with open_store(summary.store_path, repo_root=summary.repo.root) as store:
        comparison = compare_models(store, a, b)
        if as_json:
            click.echo(json.dumps(comparison.to_json(), indent=2, default=str))
        else:
            print_comparison(comparison)
