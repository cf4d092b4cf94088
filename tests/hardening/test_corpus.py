"""The hostile corpus through a real `mlaudit scan` subprocess: verdicts, no crash/hang, memory, canary, read-only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlaudit.store.db import open_store
from tests.hardening import corpus
from tests.snapshot import tree_snapshot

TIMEOUT = 240
MEMORY_BUDGET_KB = 1024 * 1024  # 1 GiB resident for the whole scan


def run_scan(root: Path, store: Path, config_home: Path, out_dir: Path) -> tuple[subprocess.CompletedProcess, int, float]:
    """`python -m mlaudit scan --json` with the corpus limits; returns the result, its own peak RSS (KiB) and seconds."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(config_home), "XDG_DATA_HOME": str(config_home.parent / "data")}
    args = [sys.executable, "-m", "mlaudit", "scan", str(root), "--db", str(store), "--json"]
    t0 = time.monotonic()
    with open(out_dir / "stdout", "wb") as out, open(out_dir / "stderr", "wb") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        while True:  # wait4 gives this child's own rusage (peak RSS), unlike RUSAGE_CHILDREN
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > TIMEOUT:
                proc.kill()
                os.wait4(proc.pid, 0)
                pytest.fail(f"mlaudit scan hung on the hostile corpus: {(out_dir / 'stderr').read_text()[-2000:]}")
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = subprocess.CompletedProcess(args, proc.returncode, (out_dir / "stdout").read_text(), (out_dir / "stderr").read_text())
    return result, usage.ru_maxrss, time.monotonic() - t0


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    """The corpus built once, snapshotted, scanned once from the CLI with a 1 MiB file cap."""
    base = tmp_path_factory.mktemp("hostile")
    root, canary = base / "repo", base / "canary"
    cases = corpus.build(root, canary)
    config_home = base / "config"
    (config_home / "mlaudit").mkdir(parents=True)
    limits = {"limits.max_file_bytes": corpus.CAP_BYTES, "models.max_bytes": corpus.CAP_BYTES,
              "limits.file_seconds": 10, "models.file_seconds": 10}
    (config_home / "mlaudit" / "config.json").write_text(json.dumps({"thresholds": limits}))
    before = tree_snapshot(root)
    store = base / "store" / "audit.sqlite"
    result, rss, seconds = run_scan(root, store, config_home, base)
    return {"root": root, "canary": canary, "cases": cases, "before": before, "store": store,
            "result": result, "rss": rss, "seconds": seconds}


def test_corpus_scan_finishes_cleanly(scanned) -> None:
    """The scan of the whole corpus exits 0, prints its JSON, and stays within time and memory budgets."""
    result = scanned["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["commits"] >= 6
    assert scanned["rss"] < MEMORY_BUDGET_KB, f"peak RSS {scanned['rss']} KiB"


def test_every_case_gets_its_verdict(scanned) -> None:
    """Each corpus case gets exactly the verdict it states."""
    with open_store(scanned["store"]) as store:
        wrong = []
        for case in scanned["cases"]:
            got = corpus.verdict(store.db, case)
            if got not in case.expected.split("|"):
                wrong.append(f"{case.name} ({case.path[:60]}): expected {case.expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_no_payload_ran(scanned) -> None:
    """The canary file that every payload would create does not exist after scanning and checking."""
    assert scanned["result"].returncode == 0
    assert not list(scanned["canary"].parent.glob(scanned["canary"].name + "*"))


def test_canary_is_live(tmp_path: Path) -> None:
    """Control: the corpus payload does create the canary when (deliberately, here only) unpickled."""
    canary = tmp_path / "canary"
    payload = corpus.models.global_call("os", "system", f"touch {canary}")
    subprocess.run([sys.executable, "-c", "import pickle, sys; pickle.loads(sys.stdin.buffer.read())"],
                   input=payload, check=True, capture_output=True)
    assert canary.exists()


def test_nothing_outside_or_inside_the_repo_leaked(scanned) -> None:
    """Symlinks were never followed (the outside secret is nowhere in the store) and the repo is unchanged."""
    assert scanned["result"].returncode == 0
    for f in scanned["store"].parent.iterdir():
        assert corpus.SECRET.encode() not in f.read_bytes(), f
    assert tree_snapshot(scanned["root"]) == scanned["before"]
