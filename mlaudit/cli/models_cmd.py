"""``mlaudit models``: every model file and version, with its security verdict and metadata."""

from __future__ import annotations

import json

import click

from mlaudit.audit import scan
from mlaudit.cli.base import audit_options, cli, with_progress
from mlaudit.core.progress import Progress
from mlaudit.store.db import open_store
from mlaudit.store.model_queries import ModelVersion, all_versions, list_models

VERDICT_COLORS = {"dangerous": "red", "inconclusive": "yellow", "safe": "green"}


def _line(v: ModelVersion) -> str:
    verdict = click.style(f"{v.verdict:<15}", fg=VERDICT_COLORS.get(v.verdict))
    size = f"{v.size or 0:>10,}"
    est = (v.estimator or "").rsplit(".", 1)[-1]
    feats = f" features={v.n_features}" if v.n_features else ""
    libs = " ".join(f"{k}={val}" for k, val in list(v.library_versions.items())[:2])
    extra = f"  [{', '.join(v.dangerous[:3])}]" if v.dangerous else ""
    return f"  {v.rev_label:<10} {v.format:<14} {verdict} {size}  {est}{feats} {libs}{extra}"


@cli.command(short_help="List model files with security verdicts.")
@audit_options
@click.option("--all-versions", "every", is_flag=True, help="List every version in history, not only the current one of each path.")
@with_progress
def models(path: str, db: str | None, as_json: bool, every: bool, progress: Progress) -> None:
    """List model files with their format, security verdict, estimator and library versions.

    Nothing is loaded: pickles are read opcode by opcode, other formats by their headers. Every
    version in git history, MLflow artifacts and DVC-cached models are included.

    \b
    Example:
        mlaudit models ~/src/churn-model
        mlaudit models ~/src/churn-model --all-versions --json | jq '.models[] | select(.security.verdict != "safe")'
    """
    summary = scan(path, db, progress=progress)
    with open_store(summary.store_path, repo_root=summary.repo.root) as store:
        versions = all_versions(store) if every else list_models(store)
        versions = [v for v in versions if v.format != "unknown" and v.status != "D"]
        if as_json:
            click.echo(json.dumps({"repo": str(summary.repo.root), "models": [v.to_json() for v in versions]}, indent=2, default=str))
            return
        if not versions:
            click.echo("No model files found.")
            return
        current = None
        for v in sorted(versions, key=lambda v: (v.path, v.committer_time or 0)):
            if v.path != current:
                current = v.path
                click.echo(click.style(v.path, bold=True))
            click.echo(_line(v))
        dangerous = {v.path for v in all_versions(store) if v.verdict == "dangerous"}
        if dangerous:
            click.echo(click.style(f"\n{len(dangerous)} path(s) have a dangerous version in history: {', '.join(sorted(dangerous))}", fg="red"))
