"""Peak RSS and wall time of a whole `mlaudit scan` per class of hostile input, under the default bounds.

Usage: python bench/bench_hardening.py [--keep DIR] [--only CLASS ...] [--bomb-mib 1024] [--parquet-rows 1000000000]

Builds one repo per class (the fault-matrix generator in tests/hardening/faults.py, with bigger payloads:
1 GiB decompression bombs, a Parquet declaring a billion rows, a 2 GiB sparse CSV committed to git) plus a
control repo holding only the benign files, scans each in a fresh subprocess with the default thresholds,
and prints wall seconds and the child's own peak RSS (wait4), with the ratio to the control scan measured
in the same run. Every class must stay within 1.5 GiB and 60 s; the script exits 1 when one does not.
Building the repos is not timed. To measure another mlaudit (e.g. an older checkout) on the same repos,
run from outside the worktree with PYTHONPATH=that/checkout: the scans run in that code; the runaway ones
are killed at --timeout / --kill-mib and shown with exit -9.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mlaudit.sample_projects.gitrepo import GitRepo

from tests.hardening import faults, matrix

RSS_CAP_MIB = 1536
WALL_CAP_S = 60.0


def build_control(base: Path, canary: Path) -> Path:
    repo = GitRepo(base / "control" / "repo")
    repo.commit("controls", faults.controls(canary))
    return repo.root


def build_billion_rows(base: Path, canary: Path, rows: int) -> Path:
    """A small Parquet file whose row groups add up to ``rows`` rows (constant columns, dictionary-encoded)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    repo = GitRepo(base / "rows" / "repo")
    path = repo.root / "data" / "billion.parquet"
    path.parent.mkdir(parents=True)
    group = min(rows, 10_000_000)
    table = pa.table({"x": pa.array([7] * group, pa.int32()), "y": pa.DictionaryArray.from_arrays(
        pa.array([0] * group, pa.int32()), pa.array(["k"]))})
    with pq.ParquetWriter(path, table.schema, compression="zstd", use_dictionary=True) as writer:
        for _ in range(rows // group):
            writer.write_table(table, row_group_size=group)
    repo.commit("a billion rows", faults.controls(canary))
    return repo.root


def build_sparse(base: Path, canary: Path, size: int = 2 << 30) -> Path:
    """A 2 GiB sparse file (zeros) committed as a CSV: rejected by its first MiB, never copied whole."""
    repo = GitRepo(base / "sparse" / "repo")
    path = repo.root / "data" / "sparse.csv"
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fh:
        fh.truncate(size)
    repo.git("config", "core.bigFileThreshold", "1m")
    repo.commit("sparse", faults.controls(canary))
    path.unlink()  # only the committed blob remains: the data phase streams it from git
    return repo.root


def build_states(base: Path, canary: Path) -> Path:
    """A bare clone whose history holds the dangerous pickle (removed at HEAD)."""
    repo = GitRepo(base / "states" / "src")
    repo.commit("controls", faults.controls(canary))
    repo.commit("drop", remove=[faults.EVIL_PKL])
    bare = base / "states" / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(bare)], check=True)
    return bare


def scan(root: Path, base: Path, name: str, timeout: float, kill_mib: int) -> matrix.Run:
    env = matrix.env_for(base / f"env-{name}")
    store = base / f"store-{name}" / "a.sqlite"
    run = matrix.run_cli(["scan", str(root), "--db", str(store), "--json"], env, base / f"out-{name}", timeout=timeout,
                         kill_over_kb=kill_mib * 1024)
    if store.exists() and matrix.integrity(store) != "ok":
        run.stderr += "\nSTORE INTEGRITY CHECK FAILED"
    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="build under this folder and keep it")
    ap.add_argument("--only", nargs="*", help="classes to run (default: all)")
    ap.add_argument("--bomb-mib", type=int, default=1024, help="decompressed size of each bomb")
    ap.add_argument("--parquet-rows", type=int, default=1_000_000_000)
    ap.add_argument("--timeout", type=float, default=300, help="kill a scan after this many seconds (reported as exit -9)")
    ap.add_argument("--kill-mib", type=int, default=4096, help="kill a scan whose resident memory passes this (exit -9)")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="mlaudit-bench-hardening-"))
    base.mkdir(parents=True, exist_ok=True)
    canary = base / "canary"
    builders = {
        "control": lambda: build_control(base, canary),
        **{cls: (lambda c=cls: faults.build(c, base, canary).root) for cls in faults.CLASSES if cls != "bombs"},
        "bombs": lambda: faults.build_bombs(base, canary, args.bomb_mib << 20).root,
        "rows": lambda: build_billion_rows(base, canary, args.parquet_rows),
        "sparse": lambda: build_sparse(base, canary),
        "states": lambda: build_states(base, canary),
    }
    wanted = ["control", *(args.only or [c for c in builders if c != "control"])]
    print(f"# mlaudit scan per hostile class, default bounds; machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'class':10} {'build s':>8} {'wall s':>8} {'peak MiB':>9} {'wall/ctl':>9} {'rss/ctl':>8}  exit  result")
    failed = False
    control: matrix.Run | None = None
    for name in wanted:
        t0 = time.monotonic()
        root = builders[name]()
        built = time.monotonic() - t0
        run = scan(root, base, name, args.timeout, args.kill_mib)
        control = control or run
        mib = run.rss_kb / 1024
        ok = (run.returncode == 0 and "Traceback" not in run.stderr and "INTEGRITY" not in run.stderr
              and mib <= RSS_CAP_MIB and run.seconds <= WALL_CAP_S and not canary.exists())
        failed |= not ok
        print(f"{name:10} {built:8.1f} {run.seconds:8.2f} {mib:9.0f} {run.seconds / control.seconds:9.2f} "
              f"{run.rss_kb / control.rss_kb:8.2f}  {run.returncode:4}  {'ok' if ok else 'OVER CAP / FAILED'}")
        if not ok:
            print(run.stderr[-1500:])
        issues_of(base / f"store-{name}" / "a.sqlite", name)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    print(f"caps: {RSS_CAP_MIB} MiB and {WALL_CAP_S:.0f} s per class; {'ALL WITHIN CAPS' if not failed else 'SOME CLASS FAILED'}")
    return 1 if failed else 0


def issues_of(store: Path, name: str) -> None:
    """A one-line summary of what the scan reported for the class (count of scan issues, a sample reason)."""
    if not store.exists():
        return
    con = sqlite3.connect(str(store))
    try:
        rows = con.execute("SELECT path, reason FROM scan_errors").fetchall()
    finally:
        con.close()
    if rows and name != "control":
        print(f"{'':10} {len(rows)} scan issues, e.g. {rows[0][0][:40]}: {rows[0][1][:90]}")


if __name__ == "__main__":
    sys.exit(main())
