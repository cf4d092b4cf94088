"""The window's polish: start page, recent audits, geometry, drag-and-drop, settings, theme, quit during a scan."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QPushButton

from mlaudit import __version__
from mlaudit.core.config import THRESHOLDS, default_config_path, load_config
from mlaudit.store.db import open_store
from tests.gui.conftest import settle


def test_start_page_offers_folder_and_sample_projects(qtbot, window):
    """Before an audit is open the window shows the start page with the sample projects and no recent audit."""
    assert window.pages.currentWidget() is window.start
    names = {b.objectName() for b in window.start.findChildren(QPushButton)}
    assert {"sample_notebook_prototype", "sample_small_service", "sample_at_scale"} <= names
    assert window.start.recent.count() == 1 and not window.recent()


def test_drop_a_folder_opens_its_audit(qtbot, window, sample_repo, tmp_path):
    """Dropping a folder on the window opens (and scans) that repository."""
    repo = sample_repo("notebook_prototype")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(repo))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.audit_ready, timeout=120_000):
        window.dropEvent(event)
    settle(window)
    assert window.session.root == repo
    assert window.pages.currentIndex() == 1


def test_missing_folder_is_a_readable_error(qtbot, window, tmp_path):
    """Opening a folder that does not exist says so on the start page; the app keeps running."""
    window.open_audit(tmp_path / "nope")
    assert "is not a folder" in window.start.error.text()
    assert window.session is None


def test_geometry_and_recent_audits_are_remembered(qtbot, settings, sample_repo, tmp_path):
    """Closing saves the geometry and the recent list; a new window restores both."""
    from mlaudit.gui.app import create_window

    first = create_window(settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)  # within the offscreen screen (800 x 600), so nothing is clamped
    first._remember(sample_repo("notebook_prototype"))  # what opening an audit records
    first.close()
    second = create_window(settings)
    qtbot.addWidget(second)
    assert (second.size().width(), second.size().height()) == (700, 500)
    assert second.recent() == [str(sample_repo("notebook_prototype"))]
    second.close()


def test_settings_dialog_saves_thresholds_and_rules(qtbot, window):
    """The settings dialog persists edited thresholds, path rules and theme; tooltips carry each threshold's help."""
    from mlaudit.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    spin = dialog.spins["repro.pinned_share"]
    assert THRESHOLDS["repro.pinned_share"].help in spin.toolTip()
    spin.setValue(0.75)
    dialog.add_rule("datasets/**/*.bin", "data")
    dialog.theme.setCurrentText("dark")
    dialog.accept()
    saved = json.loads(default_config_path().read_text())
    assert saved == {"thresholds": {"repro.pinned_share": 0.75}, "path_rules": [["datasets/**/*.bin", "data"]]}
    assert load_config().threshold("repro.pinned_share") == 0.75
    assert window.settings.value("theme") == "dark"
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance().palette().window().color().name() == "#1e2126"
    from mlaudit.gui.theme import apply_theme

    apply_theme(QApplication.instance(), "light")


def test_stylesheets_are_joined_with_theme_colours():
    """The numbered .qss files are joined in order with every placeholder replaced."""
    from mlaudit.gui.theme import DARK, LIGHT, stylesheet

    for theme in (LIGHT, DARK):
        text = stylesheet(theme)
        assert "{{" not in text and theme.accent in text
        assert text.index("QMainWindow") < text.index("QListWidget#navigation") < text.index("QLabel#viewTitle")


def test_quit_during_a_scan_cancels_and_leaves_the_store_consistent(qtbot, settings, sample_repo, tmp_path):
    """Closing the window mid-scan cancels the worker, waits for it, and the store holds no half-finished scan."""
    from mlaudit.gui.app import create_window

    win = create_window(settings)
    qtbot.addWidget(win)
    win.show()
    db = tmp_path / "quit.sqlite"
    with qtbot.waitSignal(win.pool.progress, timeout=30_000):
        win.open_audit(sample_repo("at_scale"), db)
    win.close()
    assert not win.pool.busy
    with open_store(db) as store:
        statuses = [r[0] for r in store.db.execute("SELECT status FROM scans")]
    assert "running" not in statuses
    assert set(statuses) <= {"done", "cancelled"}


def test_about_box_names_the_version(qtbot, window):
    """Help > About shows mlaudit's version."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    texts = []

    def close_box():
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        texts.append(box.text())
        box.accept()

    QTimer.singleShot(50, close_box)
    window.about()
    assert __version__ in texts[0]


def test_gui_without_a_display_is_a_clear_error(monkeypatch, tmp_path):
    """Without a display (and not asked for screenshots) `mlaudit gui` exits 2 with advice instead of aborting in Qt."""
    from click.testing import CliRunner

    from mlaudit.cli import cli

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["gui", str(tmp_path)])
    assert result.exit_code == 2
    assert "no display" in result.output and "--screenshots" in result.output
