"""The main window: start page, navigation over the views, status bar with progress and cancel, menus."""

from __future__ import annotations

import functools
import gc
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from mlaudit import __version__
from mlaudit.core.config import data_dir, load_config
from mlaudit.core.progress import ProgressEvent
from mlaudit.gui.session import Loaded, Session, load_stored, run_audit
from mlaudit.gui.start_page import StartPage
from mlaudit.gui.theme import icon
from mlaudit.gui.views import VIEW_CLASSES
from mlaudit.gui.views.base import View
from mlaudit.gui.widgets import PageStack, when_text
from mlaudit.gui.workers import WorkerPool

MAX_RECENT = 10


_warmed = False


def warm_up(progress: Any) -> None:
    """Load the scan, check, report and chart stacks in the pool while the start page is shown (once per process).

    A module's first import holds the GIL for long stretches (C extensions, matplotlib's font list);
    doing it before the first scan keeps the GUI thread from stalling on it later. The cyclic garbage
    collector is the other long holder: a full pass over the ~170k objects these imports create takes
    150-300 ms with the GIL held (that was the cold-start stall), so it is paused during the imports and
    the loaded modules are then frozen out of every later collection (``gc.freeze``).
    """
    global _warmed
    if _warmed:
        return
    collecting = gc.isenabled()
    gc.disable()
    try:
        from matplotlib import font_manager

        from mlaudit.audit.phases import all_phases
        from mlaudit.checks.base import all_checks
        from mlaudit.gui import charts, session  # noqa: F401  (imported for their dependencies)
        from mlaudit.report import figures  # noqa: F401
        from mlaudit.store.sqlite_utils_lazy import load_sqlite_utils

        all_phases()
        all_checks()
        load_sqlite_utils()  # the store's writer API: imported here, never first on the GUI thread (0.2-0.8 s)
        font_manager.findfont("DejaVu Sans")
        gc.freeze()
        _warmed = True
    finally:
        if collecting:
            gc.enable()


class MainWindow(QMainWindow):
    """One window, one open audit at a time."""

    audit_ready = Signal()  # the session holds a freshly loaded or scanned audit
    audit_failed = Signal(str)

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self.session: Session | None = None
        self.idle_message = "Ready"
        self.pool = WorkerPool(self)
        self.pool.progress.connect(self._on_progress)
        self.pool.busy_changed.connect(self._on_busy)
        self.pool.error.connect(self._on_error)
        self.setWindowTitle("mlaudit")
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        self.resize(1280, 820)

        self.start = StartPage()
        self.start.open_folder_requested.connect(self.choose_folder)
        self.start.open_path_requested.connect(self.open_audit)
        self.start.sample_requested.connect(self.open_sample)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        self.nav.setIconSize(QSize(18, 18))
        self.views: dict[str, View] = {}
        self.stack = PageStack()
        for cls in VIEW_CLASSES:
            view = cls(self)
            self.views[view.name] = view
            self.stack.addWidget(view)
            item = QListWidgetItem(icon(view.name), view.title)
            item.setToolTip(view.subtitle)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav)
        audit_page = QWidget()
        row = QHBoxLayout(audit_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.pages = PageStack()
        self.pages.addWidget(self.start)
        self.pages.addWidget(audit_page)
        self.setCentralWidget(self.pages)
        self._build_status_bar()
        self._build_menus()
        self._restore()
        self.start.set_recent(self.recent())
        QTimer.singleShot(0, lambda: self.pool.submit("warmup", warm_up, lambda _: None))

    # ---- chrome -------------------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel("Ready")
        self.status_label.setObjectName("statusMessage")
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running scan or computation (Esc); the store stays consistent.")
        self.cancel_button.clicked.connect(self.cancel_work)
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)
        self.progress_bar.hide()
        self.cancel_button.hide()

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self._action("&Open folder\u2026", self.choose_folder, QKeySequence.StandardKey.Open,
                                         "Audit a local repository or folder"))
        samples = file_menu.addMenu("Open &sample project")
        from mlaudit.gui.start_page import sample_recipes

        for name, description in sample_recipes().items():
            samples.addAction(self._action(name.replace("_", " "), lambda _=False, n=name: self.open_sample(n), tip=description))
        self.recent_menu = file_menu.addMenu("&Recent audits")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self.rescan_action = self._action("&Rescan", self.start_scan, QKeySequence.StandardKey.Refresh,
                                          "Bring the store up to date with the repository and rerun every check")
        file_menu.addAction(self.rescan_action)
        file_menu.addAction(self._action("&Close audit", self.close_audit, QKeySequence.StandardKey.Close, "Back to the start page"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Settings\u2026", self.open_settings, QKeySequence.StandardKey.Preferences,
                                         "Thresholds, path rules and theme"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        view_menu = menu.addMenu("&View")
        for i, view in enumerate(self.views.values()):
            view_menu.addAction(self._action(view.title, lambda _=False, n=view.name: self.show_view(n), f"Ctrl+{i + 1}", view.subtitle))
        view_menu.addSeparator()
        view_menu.addAction(self._action("Find in findings", self._find, QKeySequence.StandardKey.Find))
        self._action("Cancel", self.cancel_work, Qt.Key.Key_Escape)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("&Check reference", lambda: self.open_check_help(), QKeySequence.StandardKey.HelpContents,
                                         "What each check asks, how it decides, its thresholds and what to do"))
        help_menu.addAction(self._action("&Keyboard shortcuts", self.open_shortcuts, "Ctrl+/",
                                         "Every keyboard shortcut of the window"))
        help_menu.addSeparator()
        help_menu.addAction(self._action("&About mlaudit", self.about, tip="Version, and where the stores live"))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent():
            self.recent_menu.addAction(path, functools.partial(self.open_audit, path))
        if not self.recent():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def open_check_help(self, check_id: str | None = None) -> None:
        """The bundled page of ``check_id`` (or of the finding selected in Findings, else the first check)."""
        from mlaudit.gui.help_dialog import CheckHelpDialog

        if check_id is None and self.session is not None and self.current_view().name == "findings":
            result = self.views["findings"].current_result()  # type: ignore[attr-defined]
            check_id = result.check_id if result is not None else None
        dialog = CheckHelpDialog(self, check_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.help_dialog = dialog
        dialog.open()

    def open_shortcuts(self) -> None:
        from mlaudit.gui.help_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.actions(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog = dialog
        dialog.open()

    def about_box(self) -> QMessageBox:
        """The About box (version, what mlaudit does, where its stores live)."""
        box = QMessageBox(QMessageBox.Icon.Information, "About mlaudit", (
            f"<h3>mlaudit {__version__}</h3><p>An offline auditor for machine-learning repositories: "
            "reproducibility, data drift, leakage and model safety, each verdict with its evidence.</p>"
            "<p>mlaudit reads repositories without executing or writing anything in them; "
            f"its stores live in {data_dir()}.</p>"), QMessageBox.StandardButton.Ok, self)
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        return box

    def about(self) -> None:
        self.about_box().exec()  # audited-safe: QMessageBox.exec runs the dialog's event loop, not audited content

    # ---- settings -------------------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def recent(self) -> list[str]:
        value: Any = self.settings.value("recent", [])  # QSettings gives a list, or a str for one entry
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent() if p != str(path)]
        self.settings.setValue("recent", items[:MAX_RECENT])
        self.start.set_recent(items[:MAX_RECENT])

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel running work, wait for the pool, then save geometry (the store is left consistent)."""
        self.status_label.setText("Stopping background work\u2026")
        self.pool.shutdown()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        if self.session is not None:
            self.session.close()
        super().closeEvent(event)

    # ---- drag and drop ----------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and Path(urls[0].toLocalFile()).is_dir():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.open_audit(urls[0].toLocalFile())
            event.acceptProposedAction()

    # ---- opening and scanning -----------------------------------------------------------------------------
    def choose_folder(self) -> None:
        start = self.recent()[0] if self.recent() else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Open a repository to audit", str(Path(start).parent))
        if folder:
            self.open_audit(folder)

    def open_audit(self, path: str | Path, db: str | Path | None = None) -> None:
        """Show the stored audit of ``path`` at once, then scan when the repo changed since (or was never scanned)."""
        path = Path(path).expanduser()
        if not path.is_dir():
            self.show_error(f"{path} is not a folder; choose an existing repository folder.")
            return
        if self.session is not None:
            self.session.close()
        self.pool.cancel()
        self.session = Session(path, db)
        self.setWindowTitle(f"{self.session.name} \u2014 mlaudit")
        self.pages.setCurrentIndex(1)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        for view in self.views.values():
            view.loaded_generation = -1
        self.current_view().show_message("Opening the audit\u2026")
        session = self.session
        self.pool.submit("audit", lambda progress: load_stored(session.repo_path, session.db, progress),
                         lambda loaded: self._loaded(session, loaded), lambda msg: self.audit_failed.emit(msg))

    def open_sample(self, name: str) -> None:
        """Build a sample project once into the user data folder (in the pool), then open it."""
        dest = data_dir() / "samples" / name
        if dest.is_dir() and any(dest.iterdir()):
            self.open_audit(dest)
            return

        def build(progress: Any) -> Path:
            from mlaudit.sample_projects.registry import build_sample

            progress.update("sample", 0, 0, f"building the sample project {name}")
            return build_sample(name, dest)

        self.status_label.setText(f"Building the sample project {name}\u2026")
        self.pool.submit("audit", build, self.open_audit)

    def start_scan(self) -> None:
        """Incremental scan + every check + the report model, in the pool (F5)."""
        session = self.session
        if session is None:
            return
        config = load_config()
        self.pool.submit("audit", lambda progress: run_audit(session.repo_path, session.db, progress, config),
                         lambda loaded: self._loaded(session, loaded), lambda msg: self.audit_failed.emit(msg))

    def _loaded(self, session: Session, loaded: Loaded) -> None:
        if session is not self.session:
            return
        session.apply(loaded)
        self._remember(loaded.repo.root)
        if loaded.report is not None:
            when = when_text(loaded.report.provenance.scanned_at)
            self.idle_message = f"Audit of {session.name} (scanned {when})" + (" \u2014 scan finished" if loaded.scanned else "")
        else:
            self.idle_message = f"Audit of {session.name}: " + (loaded.report_error or "no stored audit yet").splitlines()[0]
        self.status_label.setText(self.idle_message)
        self.refresh_current()
        if loaded.stale and not loaded.scanned:
            self.status_label.setText("The repository changed since the stored audit (or was never scanned): scanning\u2026")
            self.start_scan()
            return
        self.audit_ready.emit()

    def cancel_work(self) -> None:
        if self.pool.busy:
            self.pool.cancel()
            self.status_label.setText("Cancelling\u2026")

    def close_audit(self) -> None:
        self.pool.cancel()
        if self.session is not None:
            self.session.close()
        self.session = None
        self.setWindowTitle("mlaudit")
        self.pages.setCurrentIndex(0)

    # ---- views ------------------------------------------------------------------------------------------
    def current_view(self) -> View:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def show_view(self, name: str) -> View:
        view = self.views[name]
        if self.session is not None:
            self.pages.setCurrentIndex(1)
        self.nav.setCurrentRow(list(self.views).index(name))
        return view

    def _on_nav(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        self.refresh_current()

    def refresh_current(self) -> None:
        if self.session is not None and self.session.generation > 0:
            self.current_view().refresh()

    def _find(self) -> None:
        view = self.show_view("findings")
        view.focus_search()  # type: ignore[attr-defined]

    def open_settings(self) -> None:
        from mlaudit.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self)
        dialog.accepted.connect(self._settings_saved)
        dialog.open()

    def _settings_saved(self) -> None:
        """Saved thresholds and path rules apply to the next scoring: rescan the open audit."""
        if self.session is not None:
            self.start_scan()

    # ---- status -------------------------------------------------------------------------------------------
    def _on_progress(self, channel: str, event: ProgressEvent) -> None:
        if event.total:
            self.progress_bar.setRange(0, event.total)
            self.progress_bar.setValue(event.done)
            self.progress_bar.setFormat(f"{event.phase} %v/%m")
        else:
            self.progress_bar.setRange(0, 0)
        self.status_label.setText(f"{event.phase}: {event.message}" if event.message else f"{event.phase}\u2026")

    def _on_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            return
        if self.status_label.text().startswith(("Cancelling", "Stopping")):
            self.idle_message = "Cancelled; the store keeps everything finished before the cancel."
        if not self.status_label.text().startswith("Error"):
            self.status_label.setText(self.idle_message)

    def _on_error(self, channel: str, message: str) -> None:
        self.show_error(message)

    def show_error(self, message: str) -> None:
        """A readable message in the status bar and a dialog-free banner in the current view."""
        first = message.splitlines()[0] if message else "unknown error"
        self.status_label.setText(f"Error: {first}")
        self.status_label.setToolTip(message)
        if self.session is None:
            self.start.show_error(message)
        elif self.session.generation == 0:
            self.current_view().show_message(message, error=True)
