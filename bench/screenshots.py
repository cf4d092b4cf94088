"""Screenshots of every view, tab, dialog and open picker of the desktop app, light and dark, at two window sizes.

Renders offscreen with ``widget.grab()`` (no display needed) and writes PNGs to
``OUT/<target>/<theme>-<width>x<height>/NN-<what>.png``. A target is a bundled sample project (built into OUT's
``work`` folder) or any local repository (read only: the store is written to OUT's ``work`` folder, never into the
repository). Look at them: clipped text, empty panes, unreadable colours, tables too narrow.

    python bench/screenshots.py                                   # the at_scale sample, light+dark, 1280x800+1920x1080
    python bench/screenshots.py --sample notebook_prototype --repo ~/src/some-ml-repo --out /tmp/shots
    python bench/screenshots.py --repo ~/src/x --themes dark --sizes 1280x800

Each (target, theme) renders in a fresh process (the theme is chosen when the window is made).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEFAULT_SIZES = ("1280x800", "1920x1080")


class Shooter:
    """Drives one main window through every view and interaction and saves a PNG of each state."""

    def __init__(self, window: Any, folder: Path) -> None:
        self.window = window
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def settle(self, timeout: float = 120.0) -> None:
        from mlaudit.gui.screenshots import settle

        settle(self.window, timeout)

    def save(self, name: str, widget: Any = None) -> Path:
        """Grab ``widget`` (default: the main window) after the pool went idle."""
        from PySide6.QtWidgets import QApplication

        self.settle()
        QApplication.processEvents()
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        (widget or self.window).grab().save(str(path))
        return path

    def popup(self, name: str, combo: Any) -> None:
        """Open a combo box's list, grab the window and the list, close it."""
        from PySide6.QtWidgets import QApplication

        combo.showPopup()
        QApplication.processEvents()
        self.save(name)
        self.save(f"{name}-list", combo.view().window())
        combo.hidePopup()

    # ---- the views ---------------------------------------------------------------------------------------
    def every_view(self) -> None:
        w = self.window
        for name in w.views:
            w.show_view(name)
            self.save(name)
            extra = getattr(self, f"view_{name}", None)
            if extra is not None:
                try:
                    extra(w.views[name])
                except Exception as exc:  # noqa: BLE001  (one view's interaction failing must not lose the other shots)
                    print(f"  {name}: interaction failed: {type(exc).__name__}: {exc}", file=sys.stderr)

    def view_history(self, view: Any) -> None:
        table = getattr(view, "commits_view", None)
        if table is None or not table.model().rowCount():
            return
        rows = [r for r in range(table.model().rowCount())
                if {"data", "model"} & set(view.commits.record(table.model().mapToSource(table.model().index(r, 0)).row())["roles"])]
        table.selectRow(rows[0] if rows else 0)
        self.save("history-commit")
        view.show_diff()
        self.save("history-commit-diff")

    def view_data(self, view: Any) -> None:
        if not hasattr(view, "versions_view"):
            return
        files = view.findChild(type(view.versions_view), "dataFiles")
        model = files.model() if files is not None else None
        best = max(range(model.rowCount()), key=lambda r: view.files.record(model.mapToSource(model.index(r, 0)).row())
                   .get("versions") or 0) if model is not None and model.rowCount() else None
        if best is not None:
            files.selectRow(best)
            self.save("data-file-versions")
        view.right.setCurrentIndex(1)
        self.save("data-diff-tab")
        self.popup("data-diff-against", view.diff_base)
        view.run_diff()
        self.save("data-diff-result")
        view.diff_tabs.setCurrentIndex(1)
        self.save("data-diff-columns")

    def view_drift(self, view: Any) -> None:
        columns = getattr(view, "columns_view", None)
        if columns is None or not columns.model().rowCount():
            return
        columns.selectRow(0)
        self.save("drift-column")
        self.popup("drift-reference", view.ref_box)

    def view_compare(self, view: Any) -> None:
        if not hasattr(view, "pick_a"):
            return
        self.popup("compare-picker", view.pick_a.box)
        view.pick_b.filter.setText("v")
        self.save("compare-picker-filtered")
        view.pick_b.filter.clear()
        view.tabs.setCurrentIndex(1)
        self.save("compare-code")
        if view.code_model.rowCount():
            view.code_view.selectRow(0)
            self.save("compare-code-diff")
        view.tabs.setCurrentIndex(0)
        view.only_diff.setChecked(False)
        self.save("compare-all-fields")
        view.only_diff.setChecked(True)

    def view_findings(self, view: Any) -> None:
        model = view.proxy
        for r in range(model.rowCount()):
            result = view.model.record(model.mapToSource(model.index(r, 0)).row())
            if str(result.status) in ("fail", "warn") and any(ev.path and ev.line for ev in result.evidence):
                view.table.selectRow(r)
                self.save("findings-evidence")
                break
        for r in range(model.rowCount()):
            result = view.model.record(model.mapToSource(model.index(r, 0)).row())
            if any(ev.commit for ev in result.evidence):
                view.table.selectRow(r)
                view.evidence_list.setCurrentRow(next(i for i, ev in enumerate(result.evidence) if ev.commit))
                view.open_evidence(prefer_commit=True)
                self.save("findings-commit-diff")
                break

    # ---- dialogs -----------------------------------------------------------------------------------------
    def dialogs(self) -> None:
        from PySide6.QtWidgets import QTabWidget

        from mlaudit.gui.help_dialog import CheckHelpDialog, ShortcutsDialog
        from mlaudit.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.window)
        dialog.show()
        tabs = dialog.findChild(QTabWidget)
        for i in range(tabs.count() if tabs is not None else 0):
            assert tabs is not None
            tabs.setCurrentIndex(i)
            self.save(f"settings-{tabs.tabText(i).lower().replace(' ', '-')}", dialog)
        dialog.reject()
        helper = CheckHelpDialog(self.window, "REPRO-SEEDS")
        helper.show()
        self.save("help-check-reference", helper)
        helper.search.setText("leak")
        self.save("help-check-reference-filtered", helper)
        helper.close()
        keys = ShortcutsDialog(self.window.actions(), self.window)
        keys.show()
        self.save("help-shortcuts", keys)
        keys.close()
        about = self.window.about_box()
        about.show()
        self.save("help-about", about)
        about.close()


def child(args: argparse.Namespace) -> int:
    """Render one target in one theme at every size (runs in its own process)."""
    from PySide6.QtCore import QSettings

    from mlaudit.gui.app import application, create_window
    from mlaudit.gui.screenshots import wait_for_audit

    app = application()
    settings = QSettings(str(Path(os.environ["XDG_CONFIG_HOME"]) / "gui.ini"), QSettings.Format.IniFormat)
    settings.setValue("theme", args.theme)
    window = create_window(settings)
    window.show()
    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    for width, height in sizes:
        window.resize(width, height)
        app.processEvents()
        shooter = Shooter(window, Path(args.out) / args.name / f"{args.theme}-{width}x{height}")
        if window.session is None:
            shooter.save("start")
            started = time.perf_counter()
            window.open_audit(args.repo[0], args.db)
            if not wait_for_audit(window):
                print(f"{args.name}: the audit did not load in time", file=sys.stderr)
                return 1
            print(f"  {args.name}: audit ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        shooter.every_view()
        shooter.dialogs()
        print(f"{shooter.folder}: {shooter.count} screenshots")
    window.close()
    app.processEvents()
    return 0


def prepare(out: Path, samples: list[str], repos: list[str]) -> list[tuple[str, Path, Path]]:
    """(name, repository, store) per target: samples are built under OUT/work, stores always go there."""
    from mlaudit.sample_projects.registry import build_sample

    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    targets = []
    for name in samples:
        repo = work / "samples" / name
        if not repo.is_dir():
            build_sample(name, repo)
        targets.append((f"sample-{name}", repo, work / f"sample-{name}.sqlite"))
    for path in repos:
        repo = Path(path).expanduser().resolve()
        targets.append((repo.name, repo, work / f"{repo.name}.sqlite"))
    return targets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="append", default=None, help="a bundled sample project (repeatable)")
    parser.add_argument("--repo", action="append", default=[], help="a local repository, read only (repeatable)")
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "mlaudit-shots"))
    parser.add_argument("--themes", default="light,dark")
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--theme", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    samples = args.sample if args.sample is not None else (["at_scale"] if not args.repo else [])
    out = Path(args.out)
    failed = 0
    for name, repo, db in prepare(out, samples, args.repo):
        for theme in args.themes.split(","):
            config = out / "work" / "config"
            env = dict(os.environ, XDG_CONFIG_HOME=str(config), XDG_DATA_HOME=str(out / "work" / "data"))
            config.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, __file__, "--child", "--name", name, "--db", str(db), "--theme", theme,
                                   "--sizes", args.sizes, "--out", str(out), "--repo", str(repo)], check=False, env=env)
            print(f"{name} {theme}: {time.perf_counter() - started:.1f} s" + ("" if done.returncode == 0 else " FAILED"))
            failed += done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
