"""The read-only promise: a scan changes nothing under the repo, .git included, and never takes index.lock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from tests.snapshot import tree_snapshot


def scan_watching(root: Path, store: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `mlaudit scan` in a subprocess while a thread polls the repo for any new entry (index.lock, temp files)."""
    before = set(tree_snapshot(root))
    appeared: set[str] = set()
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            for dirpath, dirnames, filenames in os.walk(root):
                for name in dirnames + filenames:
                    rel = os.path.relpath(os.path.join(dirpath, name), root)
                    if rel not in before:
                        appeared.add(rel)

    watcher = threading.Thread(target=poll, name="repo-watcher")
    watcher.start()
    try:
        proc = subprocess.run([sys.executable, "-m", "mlaudit", "scan", str(root), "--db", str(store)],
                              check=False, capture_output=True, text=True)
    finally:
        done.set()
        watcher.join()
    return proc, appeared


def test_scan_of_dirty_repo_changes_nothing(make_repo, tmp_path: Path) -> None:
    """Scanning a dirty repo with a stale index (git status would refresh it) leaves every byte, mode and mtime as it was."""
    repo = make_repo()
    repo.commit("one", {"train.py": "print(1)\n", "data/a.csv": "x\n1\n", "model.pkl": b"\x80\x04N."})
    repo.tag("v1", annotated=True)
    repo.commit("two", {"data/a.csv": "x\n2\n"})
    os.utime(repo.root / "train.py", (1_800_000_000, 1_800_000_000))  # same content, new mtime: index is stale
    (repo.root / "untracked.csv").write_text("u\n1\n")
    (repo.root / "data" / "a.csv").write_text("x\n3\n")
    before = tree_snapshot(repo.root)
    proc, appeared = scan_watching(repo.root, tmp_path / "store.sqlite")
    assert proc.returncode == 0, proc.stderr
    assert not appeared, appeared
    assert tree_snapshot(repo.root) == before


def test_scan_of_sample_project_changes_nothing(sample_repo, tmp_path: Path) -> None:
    """Scanning a bundled sample project (history, models, MLflow files) leaves it byte-for-byte unchanged."""
    root = sample_repo("small_service")
    before = tree_snapshot(root)
    proc, appeared = scan_watching(root, tmp_path / "store.sqlite")
    assert proc.returncode == 0, proc.stderr
    assert not appeared, appeared
    assert tree_snapshot(root) == before
