"""Git and store states through the real CLI: bare repo, corrupt object, read-only store folder, full disk, Ctrl-C, stale temp files."""

from __future__ import annotations

import io
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from mlaudit.sample_projects.gitrepo import GitRepo

from tests.hardening import faults, matrix
from tests.snapshot import tree_snapshot


def _repo(base: Path, extra: dict[str, bytes] | None = None) -> tuple[GitRepo, Path]:
    canary = base / "canary"
    repo = GitRepo(base / "repo")
    repo.commit("controls", faults.controls(canary) | (extra or {}))
    return repo, canary


def _one_error_line(run: matrix.Run) -> None:
    lines = [ln for ln in run.stderr.splitlines() if ln.strip() and not ln.endswith("...")]
    assert run.returncode == 2, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    assert len(lines) == 1 and lines[0].startswith("mlaudit: error: "), lines


def _status(store: Path) -> list[str]:
    con = sqlite3.connect(str(store))
    try:
        return [s for (s,) in con.execute("SELECT status FROM scans ORDER BY id")]
    finally:
        con.close()


def test_bare_repository_audited_through_its_history(tmp_path: Path) -> None:
    """A bare clone is a git repo: its commits are read and a dangerous pickle that exists only in history is flagged."""
    repo, _ = _repo(tmp_path)
    repo.commit("drop the pickle", remove=[faults.EVIL_PKL])
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(bare)], check=True)
    before = tree_snapshot(bare)
    store = tmp_path / "store" / "a.sqlite"
    run = matrix.run_cli(["scan", str(bare), "--db", str(store), "--json"], matrix.env_for(tmp_path / "env"), tmp_path / "out")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert tree_snapshot(bare) == before
    con = sqlite3.connect(str(store))
    commits = con.execute("SELECT COUNT(*) FROM commits").fetchone()[0]
    flagged = con.execute("SELECT mb.verdict FROM model_versions mv JOIN model_blobs mb ON mb.key = mv.key "
                          "WHERE mv.path = ? AND mv.source = 'git'", [faults.EVIL_PKL]).fetchall()
    internals = con.execute("SELECT COUNT(*) FROM data_versions WHERE source = 'worktree'").fetchone()[0]
    con.close()
    assert commits == 2
    assert ("dangerous",) in flagged
    assert internals == 0  # git's own files in the bare folder are not project data


def test_corrupt_object_reported_unreadable_not_empty(tmp_path: Path) -> None:
    """A data blob whose loose object is garbage is reported as unreadable; it never becomes an empty or 0-row profile."""
    repo, _ = _repo(tmp_path, {"data/corrupt.csv": b"a,b\n" + b"5,6\n" * 50})
    sha = repo.git("rev-parse", "HEAD:data/corrupt.csv")
    obj = repo.root / ".git" / "objects" / sha[:2] / sha[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"\x78\x9c" + b"\x00garbage" * 8)
    store = tmp_path / "store" / "a.sqlite"
    run = matrix.run_cli(["scan", str(repo.root), "--db", str(store), "--json"], matrix.env_for(tmp_path / "env"), tmp_path / "out")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    con = sqlite3.connect(str(store))
    reasons = [r for (r,) in con.execute("SELECT reason FROM scan_errors WHERE path = 'data/corrupt.csv'")]
    git_side = con.execute("SELECT availability FROM data_versions WHERE path = 'data/corrupt.csv' AND source = 'git'").fetchall()
    con.close()
    assert any("is corrupt" in r and "unreadable, not empty" in r for r in reasons), reasons
    assert git_side == [("not available locally",)]  # the committed version is not passed off as read
    assert matrix.controls_ok(store) == []


def _make_readonly(folder: Path) -> bool:
    """Make ``folder`` read-only even for root (chattr +i); returns whether chattr was used."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        return True
    folder.chmod(0o555)
    return False


def _undo_readonly(folder: Path, used_chattr: bool) -> None:
    if used_chattr:
        subprocess.run(["chattr", "-i", str(folder)], check=False)
    folder.chmod(0o755)


@pytest.mark.parametrize("existing", [False, True], ids=["fresh store", "existing store"])
def test_read_only_store_folder_is_one_line_exit_2(tmp_path: Path, existing: bool) -> None:
    """A store folder that cannot be written: one 'mlaudit: error:' line on stderr, exit 2, no traceback."""
    repo, _ = _repo(tmp_path)
    folder = tmp_path / "store"
    folder.mkdir()
    env = matrix.env_for(tmp_path / "env")
    if existing:
        first = matrix.run_cli(["scan", str(repo.root), "--db", str(folder / "a.sqlite")], env, tmp_path / "out0")
        assert first.returncode == 0, first.stderr[-2000:]
        for extra in folder.glob("a.sqlite-*"):
            extra.unlink()
        repo.commit("more", {"data/more.csv": b"a\n1\n"})
    used = _make_readonly(folder)
    try:
        run = matrix.run_cli(["scan", str(repo.root), "--db", str(folder / "a.sqlite")], env, tmp_path / "out")
    finally:
        _undo_readonly(folder, used)
    _one_error_line(run)


def test_full_disk_is_one_line_exit_2(tmp_path: Path) -> None:
    """The store cannot grow (file-size limit: writes fail like a full disk): one error line, exit 2, no traceback."""
    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    np.savetxt(buf, rng.random((60_000, 2)), fmt="%.12f", delimiter=",", header="x,y", comments="")
    repo, _ = _repo(tmp_path, {"data/big.csv": buf.getvalue()})
    limit = 600 * 1024

    def cap_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    store = tmp_path / "store" / "a.sqlite"
    run = matrix.run_cli(["scan", str(repo.root), "--db", str(store)], matrix.env_for(tmp_path / "env"), tmp_path / "out",
                         preexec=cap_file_size)
    _one_error_line(run)
    assert "store" in run.stderr


def test_ctrl_c_exits_130_recorded_cancelled_and_resumable(tmp_path: Path) -> None:
    """SIGINT during the data phase: exit 130, no traceback, scan recorded 'cancelled'; the next scan finishes it."""
    rng = np.random.default_rng(2)
    files = {}
    for i in range(3):
        buf = io.BytesIO()
        np.savetxt(buf, rng.random((120_000, 3)), fmt="%.9f", delimiter=",", header="a,b,c", comments="")
        files[f"data/part{i}.csv"] = buf.getvalue()
    repo, _ = _repo(tmp_path, files)
    store = tmp_path / "store" / "a.sqlite"
    env = matrix.env_for(tmp_path / "env")
    out = tmp_path / "out"
    out.mkdir()
    with open(out / "stderr", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "mlaudit", "scan", str(repo.root), "--db", str(store)],
                                stdout=subprocess.DEVNULL, stderr=err, env=env)
        deadline = time.monotonic() + 60
        while b"data..." not in (out / "stderr").read_bytes() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(60)
    stderr = (out / "stderr").read_text()
    assert code == 130, stderr[-2000:]
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert _status(store)[-1] == "cancelled"
    assert matrix.integrity(store) == "ok"
    again = matrix.run_cli(["scan", str(repo.root), "--db", str(store)], env, tmp_path / "out2")
    assert again.returncode == 0, again.stderr[-2000:]
    assert _status(store) == ["cancelled", "done"]
    assert matrix.controls_ok(store) == []


def test_temp_files_private_removed_and_swept_after_a_crash(tmp_path: Path) -> None:
    """A stale run folder of a dead process is removed at the next start; the scan's own temp folder is gone at exit."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table({"v": list(range(1000))}), sink)
    repo, _ = _repo(tmp_path, {"data/t.parquet": sink.getvalue()})  # Parquet from git needs a (bounded) seekable copy
    env = matrix.env_for(tmp_path / "env")
    private = Path(env["TMPDIR"]) / f"mlaudit-{os.getuid()}"
    stale = private / "run-999999999-crashed"
    stale.mkdir(parents=True)
    (stale / "f-left-behind.parquet").write_bytes(b"x" * 1000)
    run = matrix.run_cli(["scan", str(repo.root), "--db", str(tmp_path / "store" / "a.sqlite")], env, tmp_path / "out")
    assert run.returncode == 0, run.stderr[-2000:]
    assert not stale.exists()
    assert list(private.iterdir()) == []
    assert [p for p in Path(env["TMPDIR"]).iterdir() if p != private] == []
    con = sqlite3.connect(str(tmp_path / "store" / "a.sqlite"))
    rows = con.execute("SELECT dp.rows FROM data_versions dv JOIN data_profiles dp ON dp.key = dv.key "
                       "WHERE dv.path = 'data/t.parquet' AND dv.source = 'git'").fetchall()
    con.close()
    assert rows == [(1000,)]


def test_a_failing_phase_is_a_finding_and_the_scan_goes_on(tmp_path: Path) -> None:
    """A phase that raises on content its own guards missed is rolled back, recorded as 'failed' with a finding; store errors still stop."""
    from mlaudit.audit.phases import Phase, ScanContext
    from mlaudit.audit.run import _run_phase, _start_scan
    from mlaudit.core.config import AuditConfig
    from mlaudit.core.progress import Progress
    from mlaudit.core.repo import open_repo
    from mlaudit.store.db import open_store

    repo, _ = _repo(tmp_path)
    with open_store(tmp_path / "store" / "a.sqlite", repo_root=repo.root) as store:
        info = open_repo(repo.root)
        scan_id = _start_scan(store, info)
        ctx = ScanContext(info, store, Progress(), AuditConfig(), scan_id)

        def half_then_fail(c: ScanContext) -> None:
            c.store.db.execute("INSERT INTO meta(key, value) VALUES ('half', 'written')")
            raise ValueError("hostile content the phase did not expect")

        _run_phase(ctx, store, Phase("boom", 99, half_then_fail))
        assert store.meta("half") is None  # rolled back
        status = store.db.execute("SELECT status FROM scan_phases WHERE scan_id = ? AND phase = 'boom'", [scan_id]).fetchone()
        reasons = [r for (r,) in store.db.execute("SELECT reason FROM scan_errors WHERE phase = 'boom'")]
        assert status == ("failed",) and "ValueError: hostile content" in reasons[0]

        def query_bug(c: ScanContext) -> None:
            c.store.db.execute("INSERT INTO no_such_table VALUES (1)")

        _run_phase(ctx, store, Phase("bug", 99, query_bug))  # a phase's own SQL bug is that phase's failure
        assert store.db.execute("SELECT status FROM scan_phases WHERE phase = 'bug'").fetchone() == ("failed",)

        def store_fails(c: ScanContext) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        with pytest.raises(sqlite3.OperationalError):  # the store itself failing still stops the scan
            _run_phase(ctx, store, Phase("store", 99, store_fails))
