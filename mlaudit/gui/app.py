"""Start the desktop app: the QApplication, its theme and settings, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from mlaudit.core.config import config_dir
from mlaudit.gui.theme import apply_theme, icon
from mlaudit.gui.window import MainWindow


def gui_settings() -> QSettings:
    """Window geometry, recent audits and theme, in the mlaudit config folder (next to config.json)."""
    return QSettings(str(config_dir() / "gui.ini"), QSettings.Format.IniFormat)


def application() -> QApplication:
    """The running QApplication, created and themed on first use."""
    app = QApplication.instance()
    if app is None:
        # a worker running Python hands the GIL back to the GUI thread within 1 ms instead of 5 (the default):
        # every call the GUI thread makes into Python (a table cell, a slot) waits at most that long
        sys.setswitchinterval(0.001)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("mlaudit")
        app.setOrganizationName("mlaudit")
        app.setWindowIcon(icon("app"))
    return app  # type: ignore[return-value]


def create_window(settings: QSettings | None = None) -> MainWindow:
    """A themed main window (the theme follows the system unless the settings choose light or dark)."""
    app = application()
    settings = settings or gui_settings()
    choice = str(settings.value("theme", "system"))
    apply_theme(app, choice)
    window = MainWindow(settings)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app, str(settings.value("theme", "system"))))
    return window


def run(path: str | None = None, db: str | None = None, screenshots: str | None = None) -> int:
    """Show the window (opening ``path`` when given); with ``screenshots`` render every view to PNGs and exit."""
    app = application()
    window = create_window()
    window.show()
    if path:
        window.open_audit(path, db)
    if screenshots:
        from mlaudit.gui.screenshots import save_all_views

        written = save_all_views(window, Path(screenshots))
        for p in written:
            print(p)
        window.close()
        return 0 if written else 1
    return app.exec()  # audited-safe: Qt's event loop, not Python's exec
