"""Crash safety: SIGKILLed scans leave a sound store and the next scan gives the uninterrupted results; busy stores."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlaudit.audit import audit, scan
from mlaudit.cli import cli
from mlaudit.core.errors import StoreBusyError
from mlaudit.store.db import open_store, scan_lock

# (phase whose progress line triggers the kill, extra delay in seconds): at phase starts and inside transactions.
KILL_POINTS = [("git", 0.03), ("roles", 0.0), ("data", 0.02), ("models", 0.05), ("tracking", 0.0), ("leakage", 0.02),
               ("checks", 0.05)]
TABLES = {
    "commits": "SELECT sha, parents, committer_time, message FROM commits",
    "file_changes": "SELECT commit_sha, path, old_path, status, added, deleted, blob, binary FROM file_changes",
    "refs": "SELECT name, kind, target FROM refs",
    "path_roles": "SELECT path, role, reason FROM path_roles",
    "model_blobs": "SELECT key, format, verdict, globals, estimator FROM model_blobs",
    "data_profiles": "SELECT key, format, rows, n_columns, error FROM data_profiles",
}


def kill_scan_at(root: Path, store: Path, phase: str, delay: float) -> int | None:
    """Start `mlaudit scan`, SIGKILL it `delay` s after it announces ``phase``; return its exit code (None if it ended first)."""
    proc = subprocess.Popen([sys.executable, "-m", "mlaudit", "scan", str(root), "--db", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    killed = False
    for line in proc.stderr:
        if line.decode(errors="replace").strip() == f"{phase}...":
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
    proc.stderr.close()
    code = proc.wait()
    return code if killed else None


def contents(store_path: Path) -> dict[str, list]:
    with open_store(store_path) as store:
        out = {name: sorted(map(tuple, store.db.execute(sql))) for name, sql in TABLES.items()}
    return out


def check_view(results) -> list[str]:
    return sorted(json.dumps(r.to_dict(), sort_keys=True, default=str) for r in results)


def test_killed_scans_leave_a_sound_store_and_resume(sample_repo, tmp_path: Path) -> None:
    """SIGKILL at every phase (start and mid-transaction): the store passes integrity_check each time, and the
    scan that follows gives exactly the store contents and check results of an uninterrupted scan."""
    root = sample_repo("small_service")
    baseline = audit(root, tmp_path / "baseline.sqlite")
    store = tmp_path / "killed.sqlite"
    codes = []
    for phase, delay in KILL_POINTS:
        codes.append(kill_scan_at(root, store, phase, delay))
        with open_store(store) as opened:
            assert opened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            running = opened.db.execute("SELECT COUNT(*) FROM scans WHERE status = 'running'").fetchone()[0]
            assert running >= 1 or codes[-1] is None
    assert codes.count(-signal.SIGKILL) >= len(KILL_POINTS) - 1, codes
    resumed = audit(root, store)
    assert check_view(resumed.results) == check_view(baseline.results)
    assert contents(store) == contents(tmp_path / "baseline.sqlite")


def test_second_scan_waits_for_the_first(make_repo, tmp_path: Path) -> None:
    """Two `mlaudit scan` processes on one store at once: the second waits for the first and both succeed."""
    repo = make_repo()
    for i in range(3):
        repo.commit(f"c{i}", {"train.py": f"print({i})\n", "data/a.csv": f"x\n{i}\n"})
    store = tmp_path / "store.sqlite"
    args = [sys.executable, "-m", "mlaudit", "scan", str(repo.root), "--db", str(store), "--json"]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    first, second = (json.loads(o[0]) for o in outs)
    assert first["checks"] == second["checks"] and first["commits"] == second["commits"] == 3


def test_busy_store_is_reported_clearly(make_repo, store_path: Path) -> None:
    """While another scan holds the store, a scan that will not wait says clearly that the store is busy."""
    repo = make_repo()
    repo.commit("one", {"a.py": "1\n"})
    store_path.parent.mkdir(parents=True)
    with scan_lock(store_path), pytest.raises(StoreBusyError, match=r"another mlaudit scan is writing to .*wait for it to finish"):
        scan(repo.root, store_path, wait_seconds=0.2)


def test_cli_scan_waits_for_the_lock_holder(make_repo, store_path: Path) -> None:
    """`mlaudit scan` on a store another scan holds waits until it is released, then succeeds."""
    repo = make_repo()
    repo.commit("one", {"a.py": "1\n"})
    store_path.parent.mkdir(parents=True)
    fd = os.open(str(store_path) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)

    store_before_release = []

    def release() -> None:
        store_before_release.append(store_path.exists())
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    timer = threading.Timer(1.0, release)
    timer.start()
    try:
        result = CliRunner().invoke(cli, ["scan", str(repo.root), "--db", str(store_path)])
    finally:
        timer.join()
    assert result.exit_code == 0, result.output
    assert store_before_release == [False]  # the scan did not touch the store until the holder let go


def test_reader_never_sees_a_half_written_phase(make_repo, store_path: Path) -> None:
    """A reader polling during a scan sees commit and file-change counts that always match a finished git phase."""
    repo = make_repo()
    for i in range(30):
        repo.commit(f"c{i}", {f"src/m{i}.py": "x\n" * i, "data/a.csv": f"x\n{i}\n"})
    scan(repo.root, store_path)  # create the store; the next scan sees new commits only
    for i in range(30, 60):
        repo.commit(f"c{i}", {f"src/m{i}.py": "y\n", "data/a.csv": f"x\n{i}\n"})
    seen: set[tuple[int, int]] = set()
    done = threading.Event()

    def poll() -> None:
        with open_store(store_path) as reader:
            while not done.is_set():
                seen.add(reader.db.execute("SELECT (SELECT COUNT(*) FROM commits), (SELECT COUNT(*) FROM file_changes)").fetchone())

    t = threading.Thread(target=poll, name="store-reader")
    t.start()
    try:
        scan(repo.root, store_path)
    finally:
        done.set()
        t.join()
    assert seen <= {(30, 60), (60, 120)}, seen


def test_phase_transaction_waits_for_another_writer_regression(store_path: Path) -> None:
    """Regression (concurrent scans failed with 'database is locked' in the roles phase): a phase transaction takes the
    write lock up front, so a writer that commits between its read and its write makes it wait, not fail."""
    from mlaudit.store.db import write_transaction

    with open_store(store_path) as setup:
        setup.set_meta("k", "0")
    holding, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with open_store(store_path) as other, write_transaction(other):
            other.set_meta("k", "other")
            holding.set()
            release.wait(10)

    t = threading.Thread(target=other_writer, name="other-writer")
    t.start()
    holding.wait(10)
    with open_store(store_path) as mine:
        threading.Timer(0.3, release.set).start()
        with write_transaction(mine):  # blocks until the other writer commits, then reads its value
            seen = mine.meta("k")
            mine.set_meta("k", "mine")
    t.join()
    assert seen == "other"
    with open_store(store_path) as check:
        assert check.meta("k") == "mine"
