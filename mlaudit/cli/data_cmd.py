"""``mlaudit data``: every data file with its versions (commit, date, hash, rows, columns, availability)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from mlaudit.audit import scan
from mlaudit.cli.base import audit_options, cli, with_progress
from mlaudit.core.progress import Progress
from mlaudit.store import data_queries as dq
from mlaudit.store.db import Store, open_store


def _date(ts: int | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M") if ts else None


def data_listing(store: Store) -> list[dict[str, Any]]:
    """Every data file and its versions, oldest first, with each version's profile summary."""
    out = []
    for f in dq.list_data_files(store):
        versions = []
        for v in dq.data_versions(store, f.path):
            prof = dq.profile(store, v.key)
            d = v.to_dict() | {"date": _date(v.committer_time)}
            d |= {"rows": prof.rows if prof else None, "columns": len(prof.columns) if prof and prof.columns else None,
                  "error": prof.error if prof else None, "sampled": prof.sampled if prof else None}
            versions.append(d)
        out.append({"path": f.path, "versions": versions})
    return out


class DataCommand(click.Command):
    """``mlaudit data REPO`` lists; ``mlaudit data diff REPO A B`` runs the diff (a subcommand beside a listing)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] == "diff":
            ctx.meta["mlaudit.data_diff"] = args[1:]
            return []
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        if "mlaudit.data_diff" in ctx.meta:
            from mlaudit.cli.data_diff_cmd import data_diff_command

            sub = data_diff_command.make_context("mlaudit data diff", ctx.meta.pop("mlaudit.data_diff"), parent=ctx)
            with sub:
                return data_diff_command.invoke(sub)
        return super().invoke(ctx)


@cli.command(cls=DataCommand, short_help="List data files and every stored version; `data diff` compares two.")
@audit_options
@with_progress
def data(path: str, db: str | None, as_json: bool, progress: Progress) -> None:
    """List every data file of the repo and every version of it found in git history, the DVC cache,
    Git LFS and the working tree: commit, date, content hash, rows, columns and availability.
    `mlaudit data diff PATH A B [--key COL]` shows what changed between two versions (see its --help).

    \b
    Example:
        mlaudit data ~/src/churn-model
        mlaudit data ~/src/churn-model --json > data.json
        mlaudit data diff ~/src/churn-model data/train.csv@v1.0 data/train.csv --key customer_id
    """
    summary = scan(path, db, progress=progress)
    with open_store(summary.store_path, repo_root=summary.repo.root) as store:
        files = data_listing(store)
    if as_json:
        click.echo(json.dumps({"repo": str(summary.repo.root), "files": files}, indent=2))
        return
    if not files:
        click.echo("No data files found.")
    for f in files:
        click.echo(click.style(f["path"], bold=True) + f"  ({len(f['versions'])} version(s))")
        for v in f["versions"]:
            where = (v["commit"] or "")[:10] or "working tree"
            shape = f"{v['rows']} rows x {v['columns']} cols" if v["rows"] is not None else (v["error"] or "-")
            avail = "" if v["availability"] == "available" else f"  [{v['availability']}]"
            click.echo(f"  {where:<12} {v['date'] or '':<16} {v['source']:<8} {v['hash'][:16]:<16}  {shape}{avail}")
