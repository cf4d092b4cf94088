"""Run the real CLI on a fault repo and collect what the fault-matrix tests assert (exit, stderr, peak RSS, time, writes)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.snapshot import tree_snapshot

TIMEOUT = 90.0
RSS_CAP_KB = 1536 * 1024  # 1.5 GiB, the issue's cap per class
SECONDS_CAP = 60.0


@dataclass(slots=True)
class Run:
    """One CLI run: exit code, output, the child's own peak RSS (KiB) and wall seconds."""

    returncode: int
    stdout: str
    stderr: str
    rss_kb: int
    seconds: float


def env_for(base: Path, thresholds: dict[str, float] | None = None) -> dict[str, str]:
    """XDG config/data and TMPDIR inside ``base`` (so every write mlaudit makes can be seen), with thresholds."""
    config_home = base / "xdg-config"
    (config_home / "mlaudit").mkdir(parents=True, exist_ok=True)
    (config_home / "mlaudit" / "config.json").write_text(json.dumps({"thresholds": thresholds or {}}))
    tmp = base / "tmp"
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "XDG_CONFIG_HOME": str(config_home), "XDG_DATA_HOME": str(base / "xdg-data"), "TMPDIR": str(tmp),
            "PYTHONFAULTHANDLER": "1"}


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_cli(args: list[str], env: dict[str, str], out_dir: Path, timeout: float = TIMEOUT, preexec=None,
            interrupt_after: float | None = None, kill_over_kb: int | None = None) -> Run:
    """``python -m mlaudit ARGS`` in a subprocess; wait4 gives the child's own peak RSS. Optionally SIGINT it, and
    kill it (reported as exit -9) when it passes ``timeout`` seconds or ``kill_over_kb`` resident memory."""
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    with open(out_dir / "stdout", "wb") as out, open(out_dir / "stderr", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "mlaudit", *args], stdout=out, stderr=err, env=env, preexec_fn=preexec)  # noqa: PLW1509 - sets the child's rlimits; the harness starts no threads
        sent = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.monotonic() - t0
            if interrupt_after is not None and not sent and elapsed > interrupt_after:
                proc.send_signal(signal.SIGINT)
                sent = True
            if elapsed > timeout or (kill_over_kb and _rss_kb(proc.pid) > kill_over_kb):
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
    return Run(os.waitstatus_to_exitcode(status), (out_dir / "stdout").read_text(errors="replace"),
               (out_dir / "stderr").read_text(errors="replace"), usage.ru_maxrss, time.monotonic() - t0)


def outside_writes(base: Path, before: dict[str, tuple], store_dir: Path) -> list[str]:
    """Everything created or changed under ``base`` except the store folder (and an empty private temp folder)."""
    after = tree_snapshot(base)
    store_rel = os.path.relpath(store_dir, base)
    changed = []
    for rel in sorted(set(after) | set(before)):
        if rel == "." or rel == store_rel or rel.startswith(store_rel + os.sep):
            continue
        if after.get(rel) != before.get(rel):
            changed.append(rel)
    allowed = {"tmp"} | {rel for rel in changed if rel.startswith(f"tmp{os.sep}mlaudit-") and rel.count(os.sep) == 1}
    return [rel for rel in changed if rel not in allowed]


def integrity(store: Path) -> str:
    """``PRAGMA integrity_check`` of the store."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def issues(store: Path) -> list[tuple[str, str]]:
    """(path, reason) of every scan issue."""
    con = sqlite3.connect(str(store))
    try:
        return [(p or "", r or "") for p, r in con.execute("SELECT path, reason FROM scan_errors")]
    finally:
        con.close()


def controls_ok(store: Path) -> list[str]:
    """What is wrong with the benign controls: the good CSV must be profiled, the pickle flagged dangerous."""
    con = sqlite3.connect(str(store))
    problems = []
    try:
        profiled = con.execute("SELECT dp.rows FROM data_versions dv JOIN data_profiles dp ON dp.key = dv.key "
                               "WHERE dv.path = 'data/good.csv' AND dp.error IS NULL").fetchall()
        if not profiled or profiled[0][0] != 200:
            problems.append(f"good CSV not profiled: {profiled}")
        verdicts = {v for (v,) in con.execute("SELECT mb.verdict FROM model_versions mv JOIN model_blobs mb ON mb.key = mv.key "
                                              "WHERE mv.path = 'models/evil.pkl'")}
        if "dangerous" not in verdicts:
            problems.append(f"dangerous pickle not flagged: {verdicts}")
    finally:
        con.close()
    return problems


def store_text(store: Path) -> bytes:
    """Every byte of the store and its WAL (to prove an outside secret never entered it)."""
    data = b""
    for suffix in ("", "-wal"):
        p = Path(str(store) + suffix)
        if p.exists():
            data += p.read_bytes()
    return data
