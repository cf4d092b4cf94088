"""The read-only promise from the GUI: opening, scanning and visiting every view changes nothing in the repo."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from tests.gui.conftest import open_and_wait, settle
from tests.snapshot import tree_snapshot


def test_gui_scan_and_every_view_leave_the_repo_untouched(qtbot, window, sample_repo, tmp_path: Path) -> None:
    """Every file and directory entry (content, mode, mtime, .git included) is the same after a GUI audit; no lock appears."""
    repo = tmp_path / "repo"
    shutil.copytree(sample_repo("small_service"), repo, symlinks=True)
    before = tree_snapshot(repo)
    seen_locks: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen_locks.extend(str(p) for p in repo.rglob("*.lock") if p.name == "index.lock")
            stop.wait(0.02)

    watcher = threading.Thread(target=watch, name="lock-watcher")
    watcher.start()
    try:
        open_and_wait(qtbot, window, repo, tmp_path / "store.sqlite")
        for name in window.views:
            window.show_view(name)
            settle(window)
    finally:
        stop.set()
        watcher.join()
    assert not seen_locks
    assert tree_snapshot(repo) == before
