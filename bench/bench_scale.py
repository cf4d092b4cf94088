"""Scale benchmark: repos with many data versions (a CSV of --csv-mb MB + a retrained model, --versions commits)
and with many small CSVs (--small-csvs files), every figure printed next to its floor or target in the same run.

    python bench/bench_scale.py                      # 25 versions of a 20 MB CSV, 2,000 small CSVs
    python bench/bench_scale.py --versions 100       # the 100-version repo (generation ~1-2 min, scan longer)
    python bench/bench_scale.py --versions 10 --csv-mb 5 --small-csvs 500   # a quick run on a loaded machine

Figures (whole processes unless marked in-process; medians of --repeats runs):
  fresh ``mlaudit scan``, store bytes per data version (target <= 3 MB per 20 MB version),
  no-op rescan (target <= 0.3 s) and the store's growth over it (target 0 bytes),
  ``mlaudit report -f json`` after the scan: first (computes and caches drift) and again (target <= 2 s),
  in-process: one version profiled vs a pyarrow read of the same file (target <= 3x),
  small CSVs: fresh scan, no-op rescan, and a rescan after one CSV changed.
Floors printed alongside: python start-up, ``git log --all --numstat``. Also ``mlaudit --version`` (target <= 0.15 s)
and the store's bytes by table. Child processes run with bytecode caching on (as an installed package runs,
whatever PYTHONDONTWRITEBYTECODE says here), after one untimed warm-up. With ``--out DIR`` a repo generated
by an earlier run in DIR is reused (the 100-version repo takes minutes to build).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

NOOP_TARGET = 0.3
VERSION_TARGET = 0.15
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
REPORT_TARGET = 2.0
STORE_PER_VERSION_TARGET = 3 * 1024 * 1024
PROFILE_RATIO_TARGET = 3.0


def run_process(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole child process, its output discarded."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: report gate, never asked here
        raise SystemExit(f"{' '.join(cmd[:5])} ... failed")
    return wall, usage.ru_utime + usage.ru_stime


def median_of(cmd: list[str], repeats: int) -> tuple[float, float]:
    runs = [run_process(cmd) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def mlaudit(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlaudit", *args]


def store_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if not p.name.endswith(".lock"))


def bytes_by_table(db: Path, top: int = 6) -> str:
    """The largest tables (and indexes) of the store, from SQLite's dbstat."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT ?", [top]).fetchall()
    except sqlite3.Error as exc:
        return f"(dbstat unavailable: {exc})"
    finally:
        con.close()
    return ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in rows)


class FastImport:
    """One ``git fast-import`` process fed commit by commit (bounded memory)."""

    def __init__(self, repo: Path) -> None:
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
        self.repo = repo
        self.proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE)
        self.mark = 0
        self.time = 1_600_000_000

    def commit(self, message: str, files: dict[str, bytes]) -> None:
        assert self.proc.stdin is not None
        self.mark += 1
        self.time += 86_400
        out = bytearray(f"commit refs/heads/main\nmark :{self.mark}\ncommitter Dev <dev@example.com> {self.time} +0000\n".encode())
        out += f"data {len(message)}\n{message}\n".encode()
        if self.mark > 1:
            out += f"from :{self.mark - 1}\n".encode()
        for path, data in files.items():
            out += f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
        self.proc.stdin.write(bytes(out) + b"\n")

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"reset refs/heads/main\nfrom :%d\n\n" % self.mark)
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise SystemExit("git fast-import failed")
        subprocess.run(["git", "-C", str(self.repo), "checkout", "-q", "-f", "main"], check=True)


def csv_rows(rng: np.random.Generator, n: int, shift: float, start: int) -> list[bytes]:
    """Rows of a churn-like table: id, 6 numeric features, a category, a label."""
    feats = rng.normal(shift, 1.0, (n, 6)).round(4)
    cats = rng.choice(np.array(["basic", "pro", "team", "enterprise"]), n)
    labels = rng.integers(0, 2, n)
    return [f"c{start + i},{','.join(map(str, f))},{c},{y}\n".encode() for i, (f, c, y) in enumerate(zip(feats, cats, labels, strict=True))]


def build_versions_repo(dest: Path, versions: int, csv_mb: float, seed: int = 3) -> Path:
    """``versions`` commits, each changing 2% of the CSV's rows, appending 1% more (drifting every 10th
    version) and retraining the model (a new pickle of about 1 MB). A repo already at ``dest`` is reused."""
    if (dest / ".git").is_dir():
        return dest
    rng = np.random.default_rng(seed)
    header = b"customer_id,f1,f2,f3,f4,f5,f6,plan,churned\n"
    n = int(csv_mb * 1024 * 1024 / 70)
    rows = csv_rows(rng, n, 0.0, 0)
    fi = FastImport(dest)
    for v in range(versions):
        shift = 0.3 if v % 10 == 9 else 0.0
        if v:
            for i in rng.choice(len(rows), len(rows) // 50, replace=False):
                rows[i] = csv_rows(rng, 1, shift, int(i))[0]
            rows += csv_rows(rng, len(rows) // 100, shift, len(rows))
        model = pickle.dumps({"coef": rng.normal(size=120_000), "intercept": float(v), "version": v}, protocol=4)
        fi.commit(f"data and model v{v}", {"data/train.csv": header + b"".join(rows), "models/model.pkl": model,
                                          "train.py": f"EPOCHS = {v}\nimport pandas as pd\ndf = pd.read_csv('data/train.csv')\n".encode()})
    fi.close()
    return dest


def build_small_csvs_repo(dest: Path, files: int, seed: int = 4) -> Path:
    """``files`` CSVs of 30-300 rows in 20 folders, committed in 10 commits."""
    if (dest / ".git").is_dir():
        subprocess.run(["git", "-C", str(dest), "reset", "-q", "--hard", "HEAD"], check=True)
        return dest  # reused (measure_small commits one more row each run: the repo grows by one commit)
    rng = np.random.default_rng(seed)
    fi = FastImport(dest)
    per = max(1, files // 10)
    for c in range(0, files, per):
        batch = {}
        for i in range(c, min(files, c + per)):
            k = int(rng.integers(30, 300))
            body = "a,b,c,label\n" + "".join(f"{x:.3f},{y:.3f},{z},{w}\n" for x, y, z, w in
                                               zip(rng.normal(size=k), rng.random(k), rng.integers(0, 9, k), rng.integers(0, 2, k), strict=True))
            batch[f"data/part{i % 20:02d}/file{i:05d}.csv"] = body.encode()
        fi.commit(f"data batch {c // per}", batch)
    fi.close()
    return dest


def profile_vs_pyarrow(repo: Path) -> tuple[float, float]:
    """In-process seconds: profile_file of the newest CSV version, and pyarrow's read of the same file."""
    import pyarrow.csv as pacsv

    from mlaudit.scanners.data.profile import profile_file

    path = repo / "data" / "train.csv"
    pacsv.read_csv(path)  # warm the page cache
    t0 = time.perf_counter()
    pacsv.read_csv(path)
    floor = time.perf_counter() - t0
    t0 = time.perf_counter()
    profile_file(path, "data/train.csv")
    return time.perf_counter() - t0, floor


def measure_versions(repo: Path, tmp: Path, versions: int, csv_mb: float, repeats: int, reuse: bool = False) -> None:
    db = tmp / f"versions{versions}.sqlite"
    if reuse and db.exists():  # a store an earlier run scanned (the 100-version fresh scan takes many minutes)
        fresh = (float("nan"), float("nan"))
        run_process(mlaudit("scan", str(repo), "--db", str(db), "--json"))  # brings it up to this code
    else:
        db.unlink(missing_ok=True)
        fresh = run_process(mlaudit("scan", str(repo), "--db", str(db), "--json"))
    size = store_bytes(db)
    pack = sum(p.stat().st_size for p in (repo / ".git" / "objects").rglob("*") if p.is_file())
    run_process(mlaudit("scan", str(repo), "--db", str(db), "--json"))  # warm-up: the first run writes bytecode
    before = store_bytes(db)
    noop = median_of(mlaudit("scan", str(repo), "--db", str(db), "--json"), repeats)
    grown = store_bytes(db) - before
    out = tmp / f"report{versions}.json"
    report_first = run_process(mlaudit("report", str(repo), "--db", str(db), "-f", "json", "-o", str(out)))
    report_again = median_of(mlaudit("report", str(repo), "--db", str(db), "-f", "json", "-o", str(out)), repeats)
    prof, floor = profile_vs_pyarrow(repo)
    per_version = size / versions
    print(f"\n== {versions} versions of a {csv_mb:g} MB CSV + a ~1 MB model (git objects {pack / 1e6:.0f} MB)")
    print(f"fresh mlaudit scan                  {fresh[0]:7.2f} s wall {fresh[1]:6.2f} s cpu")
    verdict = ("OK" if per_version <= STORE_PER_VERSION_TARGET else "MISSED") if csv_mb == 20 else "not judged: not 20 MB"
    print(f"store after the scan                {size / 1e6:7.1f} MB = {per_version / 1e6:.2f} MB per version "
          f"(target <= {STORE_PER_VERSION_TARGET / 1e6:.1f} MB per 20 MB version) {verdict}; "
          f"{per_version * versions / pack:.2f}x the git objects")
    print(f"  largest tables: {bytes_by_table(db)}")
    print(f"no-op rescan                        {noop[0]:7.3f} s wall {noop[1]:6.3f} s cpu (target <= {NOOP_TARGET} s) "
          f"{'OK' if noop[0] <= NOOP_TARGET else 'MISSED'}")
    print(f"store growth over {repeats} no-op rescans   {grown:7d} bytes (target 0) {'OK' if grown == 0 else 'MISSED'}")
    print(f"mlaudit report -f json, first       {report_first[0]:7.2f} s wall {report_first[1]:6.2f} s cpu (computes and caches drift)")
    print(f"mlaudit report -f json, again       {report_again[0]:7.2f} s wall {report_again[1]:6.2f} s cpu "
          f"(target <= {REPORT_TARGET} s) {'OK' if report_again[0] <= REPORT_TARGET else 'MISSED'}")
    print(f"in-process: profile one version     {prof:7.2f} s vs pyarrow read {floor:.2f} s = {prof / floor:.2f}x "
          f"(target <= {PROFILE_RATIO_TARGET}x) {'OK' if prof / floor <= PROFILE_RATIO_TARGET else 'MISSED'}")


def measure_small(repo: Path, tmp: Path, files: int, repeats: int) -> None:
    db = tmp / "small.sqlite"
    fresh = run_process(mlaudit("scan", str(repo), "--db", str(db), "--json"))
    size = store_bytes(db)
    run_process(mlaudit("scan", str(repo), "--db", str(db), "--json"))  # warm-up
    before = store_bytes(db)
    noop = median_of(mlaudit("scan", str(repo), "--db", str(db), "--json"), repeats)
    grown = store_bytes(db) - before
    target = repo / "data" / "part00" / "file00000.csv"
    target.write_text(target.read_text() + "0.5,0.5,1,1\n")
    subprocess.run(["git", "-C", str(repo), "commit", "-qam", "one more row"], check=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
                        "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com"})
    one = run_process(mlaudit("scan", str(repo), "--db", str(db), "--json"))
    print(f"\n== {files} small CSVs")
    print(f"fresh mlaudit scan                  {fresh[0]:7.2f} s wall {fresh[1]:6.2f} s cpu; store {size / 1e6:.1f} MB")
    print(f"no-op rescan                        {noop[0]:7.3f} s wall {noop[1]:6.3f} s cpu (target <= {NOOP_TARGET} s) "
          f"{'OK' if noop[0] <= NOOP_TARGET else 'MISSED'}; store growth {grown} bytes (target 0)")
    print(f"rescan after one CSV changed        {one[0]:7.2f} s wall {one[1]:6.2f} s cpu ({one[0] / fresh[0]:.2f}x the fresh scan)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=25, help="data/model versions (25, 50 or 100 in the issue)")
    parser.add_argument("--csv-mb", type=float, default=20.0, help="size of the CSV in MB")
    parser.add_argument("--small-csvs", type=int, default=2000, help="small CSV files (0: skip that repo)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, help="build the repos here (kept) instead of a temp folder")
    parser.add_argument("--store-dir", type=Path, help="keep the versions store here; one an earlier run left is reused "
                                                       "(no fresh scan figure then)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        base = args.out or tmp
        floor = median_of([sys.executable, "-c", "pass"], args.repeats)
        load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
        print(f"load average {load}; floors: python start-up {floor[0]:.3f} s wall {floor[1]:.3f} s cpu")
        run_process(mlaudit("--version"))  # warm-up
        version = median_of(mlaudit("--version"), max(args.repeats, 5))
        print(f"mlaudit --version                   {version[0]:7.3f} s wall {version[1]:6.3f} s cpu (target <= {VERSION_TARGET} s) "
              f"{'OK' if version[0] <= VERSION_TARGET else 'MISSED'}; {version[1] / max(floor[1], 1e-3):.1f}x python start-up cpu")
        if args.versions:
            t0 = time.perf_counter()
            repo = build_versions_repo(base / f"versions{args.versions}", args.versions, args.csv_mb)
            print(f"generated {args.versions} versions in {time.perf_counter() - t0:.1f} s")
            log = median_of(["git", "-C", str(repo), "log", "--all", "--numstat"], 1)
            print(f"floor: git log --all --numstat      {log[0]:7.2f} s wall {log[1]:6.2f} s cpu")
            stores = args.store_dir or tmp
            stores.mkdir(parents=True, exist_ok=True)
            measure_versions(repo, stores, args.versions, args.csv_mb, args.repeats, reuse=args.store_dir is not None)
        if args.small_csvs:
            t0 = time.perf_counter()
            repo = build_small_csvs_repo(base / f"small{args.small_csvs}", args.small_csvs)
            print(f"\ngenerated {args.small_csvs} small CSVs in {time.perf_counter() - t0:.1f} s")
            measure_small(repo, tmp, args.small_csvs, args.repeats)


if __name__ == "__main__":
    main()
