"""``mlaudit drift``: compare two versions of data files, column by column."""

from __future__ import annotations

import json
from typing import Any

import click

from mlaudit.audit import scan
from mlaudit.checks.stats.compare import DriftReport, compare
from mlaudit.cli.base import audit_options, cli, with_progress
from mlaudit.core.config import load_config
from mlaudit.core.errors import MlauditError
from mlaudit.core.progress import Progress
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store


def _side(spec: str, v: dq.DataVersion) -> dict[str, Any]:
    return {"spec": spec, "path": v.path, "commit": v.commit or None, "hash": v.key, "source": v.source}


def _usable(store: Any, spec: str, v: dq.DataVersion) -> None:
    if not v.available:
        raise MlauditError(f"{spec}: content {v.key} is not available locally ({v.source}); fetch it (dvc pull / git lfs pull) first")
    prof = dq.profile(store, v.key)
    if prof is None or prof.error:
        raise MlauditError(f"{spec}: cannot be parsed: {prof.error if prof else 'not profiled'}")


def _table(report: DriftReport) -> None:
    cols = report.columns
    width = max([6, *(len(c.name) for c in cols)])
    click.echo(f"{'column':<{width}}  {'type':<11} {'test':<13} {'statistic':>10} {'p-value':>10} {'effect':>8} {'threshold':>9}  drift")
    for c in cols:
        p = "" if c.p_value is None else f"{c.p_value:.3g}"
        flag = click.style("DRIFT", fg="red") if c.drifted else "-"
        if c.significant_but_small:
            flag += " (significant but small)"
        click.echo(f"{c.name:<{width}}  {c.type:<11} {c.test:<13} {c.statistic:>10.4g} {p:>10} {c.effect_size:>8.3g} {c.threshold:>9g}  {flag}")
    verdict = click.style("dataset drift", fg="red") if report.dataset_drift else "no dataset drift"
    click.echo(f"\n{len(report.drifted_columns)} of {len(cols)} columns drift (share {report.share_drifted:.2f}, "
               f"threshold {report.share_threshold:g}): {verdict}" + ("  [computed on the stored sample]" if report.sampled else ""))
    for s in report.schema_changes:
        click.echo(f"schema: column {s.column} {s.kind}" + (f": {s.before} -> {s.after}" if s.before or s.after else ""))
    for name, why in report.skipped.items():
        click.echo(f"not tested: {name}: {why}")


@cli.command(short_help="Compare two data versions or files for drift.")
@audit_options
@click.argument("reference")
@click.argument("current")
@with_progress
def drift(path: str, db: str | None, as_json: bool, reference: str, current: str, progress: Progress) -> None:
    """Compare data file CURRENT against REFERENCE, each given as path[@rev] (rev: any commit, tag or branch;
    default HEAD; "worktree" for the copy on disk). Every column gets its default test (KS / chi-square / z
    below 1000 reference rows, normed Wasserstein / Jensen–Shannon above), effect size and PSI; schema
    changes are listed apart.

    \b
    Example:
        mlaudit drift ~/src/churn-model data/train.csv@v1.0 data/train.csv
        mlaudit drift ~/src/churn-model data/train.csv data/test.csv --json
    """
    config = load_config()
    summary = scan(path, db, progress=progress, config=config)
    with open_store(summary.store_path, repo_root=summary.repo.root) as store:
        ref = dq.resolve_version(store, summary.repo, reference)
        cur = dq.resolve_version(store, summary.repo, current)
        _usable(store, reference, ref)
        _usable(store, current, cur)
        report = compare(store, ref.key, cur.key, config)
    if as_json:
        out = report.to_dict() | {"reference": _side(reference, ref), "current": _side(current, cur)}
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(f"reference: {reference} ({ref.key[:12]})\ncurrent:   {current} ({cur.key[:12]})\n")
    _table(report)
