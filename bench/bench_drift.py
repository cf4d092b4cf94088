"""Drift benchmark: 1M rows x 25 columns (20 numeric, 5 categorical), reference vs shifted current, CSV and Parquet.

Prints the floor (pyarrow read + sort of every column, both files), mlaudit's end-to-end drift of two unseen
files (profile both + compare) with its peak memory, the compare time between two stored profiles (median
of 5 repeats, its CPU time over all threads, and the first call, cold), and,
with ``--evidently-python PATH`` (a Python where evidently and pandas < 3 are installed), Evidently's
data-drift report on the same frames and whether the per-column verdicts agree.

    python bench/bench_drift.py                 # 1M rows
    python bench/bench_drift.py --rows 200000 --evidently-python ~/venvs/evidently/bin/python
    python bench/bench_drift.py --rows 200000 --big-csv-gb 1    # also: peak memory profiling a 1 GB CSV
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

N_NUM, N_CAT = 20, 5
SHIFTED_NUM, SHIFTED_CAT = 8, 2


def peak_mb() -> float:
    """This process's peak resident memory in MB (VmHWM: unlike ru_maxrss it does not inherit the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_frames(rows: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current frames; the first SHIFTED_NUM numeric and SHIFTED_CAT categorical columns shift."""
    rng = np.random.default_rng(seed)
    cats = np.array(["alpha", "beta", "gamma", "delta", "eps"])

    def frame(shift: bool) -> pd.DataFrame:
        cols: dict[str, np.ndarray] = {}
        for i in range(N_NUM):
            loc = 0.5 if shift and i < SHIFTED_NUM else 0.0
            cols[f"num_{i:02d}"] = np.round(rng.normal(loc, 1.0 + i / 10, rows), 4)
        for i in range(N_CAT):
            p = np.array([0.4, 0.25, 0.15, 0.12, 0.08])
            if shift and i < SHIFTED_CAT:
                p = p[::-1]
            cols[f"cat_{i}"] = cats[rng.choice(5, rows, p=p)]
        return pd.DataFrame(cols)

    return frame(False), frame(True)


def floor(paths: list[Path]) -> float:
    """pyarrow read + sort of every column of every file (numpy for numbers, Arrow's sort for text)."""
    start = time.perf_counter()
    for p in paths:
        table = pq.read_table(p) if p.suffix == ".parquet" else pacsv.read_csv(p)
        for col in table.columns:
            if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
                np.sort(col.to_numpy())
            else:
                pc.array_sort_indices(col.combine_chunks())
    return time.perf_counter() - start


def child(args: argparse.Namespace) -> None:
    """In a fresh process: profile two unseen files into a new store and compare them; print JSON."""
    import scipy.stats  # noqa: F401  (imported on first use by the KS test; like every import, outside the timings)

    from mlaudit.audit.phase_data import save_profile
    from mlaudit.checks.stats.compare import compare
    from mlaudit.scanners.data.profile import profile_file
    from mlaudit.store.db import open_store

    ref, cur, db = Path(args.child[0]), Path(args.child[1]), Path(args.child[2])
    start = time.perf_counter()
    with open_store(db) as store:
        for key, path in (("ref", ref), ("cur", cur)):
            with store.db.atomic():
                save_profile(store, key, path.name, profile_file(path, path.name), None, 0.0)
        profiled = time.perf_counter() - start
        report = compare(store, "ref", "cur")
        total = time.perf_counter() - start
        first = total - profiled
        times, cpu = [], []
        for _ in range(5):
            t0, c0 = time.perf_counter(), time.process_time()
            compare(store, "ref", "cur")
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    peak = peak_mb()
    print(json.dumps({"profile_s": profiled, "end_to_end_s": total, "compare_s": sorted(times)[2], "compare_first_s": first,
                      "compare_cpu_s": sorted(cpu)[2], "peak_mb": peak,
                      "verdicts": {c.name: c.drifted for c in report.columns}, "share": report.share_drifted}))


EVIDENTLY_RUNNER = """
import json, sys, time
import pandas as pd
from evidently.report import Report
from evidently.metric_preset import DataDriftPreset
ref = pd.read_parquet(sys.argv[1]); cur = pd.read_parquet(sys.argv[2])
start = time.perf_counter()
report = Report(metrics=[DataDriftPreset()])
report.run(reference_data=ref, current_data=cur)
d = report.as_dict()
elapsed = time.perf_counter() - start
cols = {}
for m in d["metrics"]:
    for name, r in (m.get("result", {}).get("drift_by_columns") or {}).items():
        cols[name] = {"drifted": bool(r["drift_detected"]), "test": r["stattest_name"], "score": r["drift_score"]}
print(json.dumps({"seconds": elapsed, "columns": cols}))
"""


def evidently(python: str, ref: Path, cur: Path) -> dict | None:
    """Run Evidently's DataDriftPreset in another Python; None when it is not usable there."""
    try:
        out = subprocess.run([python, "-c", EVIDENTLY_RUNNER, str(ref), str(cur)], check=False, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"evidently: skipped ({exc})")
        return None
    if out.returncode != 0:
        print(f"evidently: skipped ({out.stderr.strip().splitlines()[-1] if out.stderr.strip() else 'failed'})")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def profile_peak(args: argparse.Namespace) -> None:
    """In a fresh process: profile one file only; print its peak memory over the imports."""
    from mlaudit.scanners.data.profile import profile_file

    path = Path(args.profile_only)
    base = peak_mb()
    start = time.perf_counter()
    prof = profile_file(path, path.name)
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": prof.rows, "imports_mb": base,
                      "peak_mb": peak_mb()}))


def big_csv(source: Path, target: Path, gigabytes: float) -> None:
    """A CSV of about ``gigabytes`` GB: the header of ``source`` and its body repeated."""
    header, _, body = source.read_bytes().partition(b"\n")
    with open(target, "wb") as out:
        out.write(header + b"\n")
        while out.tell() < gigabytes * 1e9:
            out.write(body)


def run_child(ref: Path, cur: Path, tmp: Path, tag: str) -> dict:
    db = tmp / f"bench-{tag}.sqlite"
    out = subprocess.run([sys.executable, __file__, "--child", str(ref), str(cur), str(db)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--evidently-python", default=None, help="Python interpreter with evidently (pandas < 3) installed.")
    ap.add_argument("--big-csv-gb", type=float, default=0, help="Also measure peak memory profiling a CSV of this many GB.")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--profile-only", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    if args.profile_only:
        profile_peak(args)
        return
    with tempfile.TemporaryDirectory(prefix="mlaudit-bench-") as d:
        tmp = Path(d)
        ref_df, cur_df = make_frames(args.rows)
        files = {}
        for name, df in (("ref", ref_df), ("cur", cur_df)):
            table = pa.Table.from_pandas(df, preserve_index=False)
            pq.write_table(table, tmp / f"{name}.parquet")
            pacsv.write_csv(table, tmp / f"{name}.csv")
            files[name] = (tmp / f"{name}.parquet", tmp / f"{name}.csv")
        del ref_df, cur_df
        size = (tmp / "ref.csv").stat().st_size / 1e6
        print(f"data: {args.rows} rows x {N_NUM + N_CAT} columns ({N_NUM} numeric, {N_CAT} categorical); CSV {size:.0f} MB each")
        for fmt, i in (("parquet", 0), ("csv", 1)):
            fl = floor([files["ref"][i], files["cur"][i]])
            res = run_child(files["ref"][i], files["cur"][i], tmp, fmt)
            print(f"{fmt:>8}: floor {fl:.2f} s | mlaudit end-to-end {res['end_to_end_s']:.2f} s "
                  f"(profile {res['profile_s']:.2f} s) = {res['end_to_end_s'] / fl:.2f}x floor | peak {res['peak_mb']:.0f} MB | "
                  f"compare from store {res['compare_s'] * 1000:.0f} ms (median of 5; CPU {res['compare_cpu_s'] * 1000:.0f} ms; "
                  f"first call {res['compare_first_s'] * 1000:.0f} ms) | share drifted {res['share']:.2f}")
            ours = res["verdicts"]
        if args.big_csv_gb:
            big = tmp / "big.csv"
            big_csv(files["ref"][1], big, args.big_csv_gb)
            out = subprocess.run([sys.executable, __file__, "--profile-only", str(big)], capture_output=True, text=True, check=True)
            got = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"big CSV: {big.stat().st_size / 1e9:.2f} GB, {got['rows']} rows profiled in {got['seconds']:.1f} s, "
                  f"peak {got['peak_mb']:.0f} MB (imports alone {got['imports_mb']:.0f} MB)")
            big.unlink()
        if args.evidently_python:
            ev = evidently(args.evidently_python, files["ref"][0], files["cur"][0])
            if ev:
                agree = sum(ours.get(c) == v["drifted"] for c, v in ev["columns"].items())
                print(f"evidently: {ev['seconds']:.1f} s; verdicts agree on {agree}/{len(ev['columns'])} columns; "
                      f"mlaudit is {ev['seconds'] / res['end_to_end_s']:.0f}x faster (CSV end-to-end)")
                for c, v in sorted(ev["columns"].items()):
                    if ours.get(c) != v["drifted"]:
                        print(f"  differs: {c}: evidently {v['test']} {v['score']:.4g} drifted={v['drifted']}, mlaudit drifted={ours.get(c)}")
        else:
            print("evidently: skipped (pass --evidently-python PATH to compare)")


if __name__ == "__main__":
    main()
