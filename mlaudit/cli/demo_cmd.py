"""``mlaudit demo``: build a sample project, audit it, then open the GUI or write every report format."""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

import click

from mlaudit.audit import AuditResult, audit
from mlaudit.cli.base import cli, with_progress
from mlaudit.core.errors import MlauditError
from mlaudit.core.progress import Progress
from mlaudit.sample_projects.registry import DEFAULT, RECIPES, build_sample


def has_display() -> bool:
    """True when a window can be shown: not offscreen, and on Linux an X11 or Wayland display is set."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def demo_folder(out: Path | None) -> Path:
    """DIR itself with --out (created when missing), else a new temporary folder that is kept."""
    if out is None:
        return Path(tempfile.mkdtemp(prefix="mlaudit-demo-"))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MlauditError(f"cannot create {out}: {exc.strerror}; choose a writable folder with --out") from exc
    return out


def write_reports(result: AuditResult, folder: Path, name: str) -> list[Path]:
    """Every report format of the audit, written as ``folder/mlaudit-<name>.<ext>``."""
    from mlaudit.report import FORMATS, build_report, write_report

    built = build_report(result.store_path, result.repo.root)
    return [write_report(built, fmt, folder / f"mlaudit-{name}.{fmt}") for fmt in FORMATS]


def open_gui(ctx: click.Context, repo: Path, db: Path) -> bool:
    """Run ``mlaudit gui REPO --db DB``; False when the GUI is not installed or cannot start here."""
    command = cli.get_command(ctx, "gui")
    if command is None:
        return False
    try:
        command.main([str(repo), "--db", str(db)], prog_name="mlaudit gui", standalone_mode=False)
    except ImportError as exc:
        click.echo(f"mlaudit: the desktop app cannot start ({exc}); writing reports instead", err=True)
        return False
    return True


@cli.command(short_help="Build a sample project, audit it, show it.")
@click.option("--project", "-p", type=click.Choice(sorted(RECIPES)), default=DEFAULT, show_default=True,
              help="Sample project to build: " + "; ".join(f"{n}: {m.DESCRIPTION.split(':')[0]}" for n, m in RECIPES.items()))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the sample repo (DIR/<project>), its store and every report format; no window opens.")
@click.option("--no-gui", is_flag=True, help="Write the reports instead of opening the desktop app.")
@click.pass_context
@with_progress
def demo(ctx: click.Context, project: str, out: Path | None, no_gui: bool, progress: Progress) -> None:
    """Build a sample ML project with planted problems, audit it and show the result.

    The sample is a real git repo built on the fly (fixed dates and seeds). With a display and no
    --out, the desktop app opens on it; otherwise every report format (HTML, PDF, Markdown, JSON) is
    written next to it. Nothing outside the demo folder is touched.

    \b
    Example:
        mlaudit demo
        mlaudit demo --project small_service --out ./demo
    """
    folder = demo_folder(out)
    target = folder / project
    if target.exists():
        raise MlauditError(f"{target} already exists; remove it or choose another --out folder")
    click.echo(f"building sample project {project} in {target}", err=True)
    repo = build_sample(project, target)
    db = folder / f"{project}.mlaudit.sqlite"
    result = audit(repo, db, progress=progress)
    counts = Counter(str(r.status) for r in result.results)
    click.echo(f"audited {len(result.results)} checks: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    click.echo(f"sample repo: {repo}")
    click.echo(f"store:       {db}")
    if out is None and not no_gui and has_display() and open_gui(ctx, repo, db):
        return
    for path in write_reports(result, folder, project):
        click.echo(f"report:      {path}")
