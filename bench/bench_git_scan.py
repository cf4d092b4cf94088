"""Git scan speed: `git log --all --numstat` vs mlaudit's history scan (fresh store), both whole processes,
and a no-op rescan, plus the in-process phase split and a bulk-insert rate.

Usage: python bench/bench_git_scan.py --repo PATH                 (any real repository)
       python bench/bench_git_scan.py --generate 5000 [--out DIR]   (synthetic repo via git fast-import)
The synthetic repo has realistic diff sizes: code files of hundreds of lines edited a few to tens of lines at a
time, notebooks rewritten with their outputs, CSV data files of 50 KB-1 MB appended to and reshuffled, and
binaries, over branches, merges, renames and tags.
Targets: history scan (git + roles phases, whole process) <= 1.2x the `git log --all --numstat` process;
no-op rescan <= 0.3 s whole process; bulk insert >= 400k rows/s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlaudit.audit import scan
from mlaudit.core.progress import Progress, ProgressEvent

FULL_RATIO_TARGET = 1.2
NOOP_TARGET = 0.3
INSERT_TARGET = 400_000
DIRS = ("src", "src/models", "src/features", "tests", "data", "notebooks", "configs", "docs", "scripts")
EXTS = {"src": ".py", "src/models": ".py", "src/features": ".py", "tests": ".py", "data": ".csv",
        "notebooks": ".ipynb", "configs": ".yaml", "docs": ".md", "scripts": ".sh"}


def _modify(path: str, body: list[str] | bytes) -> bytes:
    """A fast-import file modify command with inline content."""
    data = body if isinstance(body, bytes) else ("\n".join(body) + "\n").encode()
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def _csv_rows(rng: random.Random, n: int, tag: int) -> list[str]:
    return [f"{tag}_{rng.randrange(10**9)},{rng.random():.6f},{rng.randrange(100)},cat_{rng.randrange(12)}" for _ in range(n)]


def _notebook(rng: random.Random, i: int) -> list[str]:
    """A notebook rewritten on every save: a few code cells and a long text/base64-ish output."""
    out = [f'{{"cells": [{{"cell_type": "code", "source": ["df = load({i})"], "outputs": [']
    out += [f'"{rng.randbytes(48).hex()}",' for _ in range(rng.randrange(200, 1500))]
    return [*out, "]}]}"]


def generate(dest: Path, n_commits: int, seed: int = 7) -> Path:
    """A repo of ``n_commits`` with realistic churn and diff sizes (see the module docstring)."""
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
            if roll < 0.10 or len(files) < 30:
                d = rng.choice(DIRS)
                path = f"{d}/f{i}_{rng.randrange(1000)}{EXTS[d]}"
                if d == "data":
                    files[path] = ["id,value,count,category", *_csv_rows(rng, rng.randrange(1000, 15000), i)]
                elif d == "notebooks":
                    files[path] = _notebook(rng, i)
                else:
                    files[path] = [f"line {rng.randrange(10**6)} of {path} {'x' * rng.randrange(10, 60)}"
                                   for _ in range(rng.randrange(80, 1500))]
            elif roll < 0.14 and len(files) > 40:
                path = rng.choice(sorted(files))
                del files[path]
                ops += f"D {path}\n".encode()
                touched.add(path)
                continue
            elif roll < 0.16 and len(files) > 40:
                old = rng.choice(sorted(files))
                stem, _, ext = old.rpartition(".")
                new = f"{stem}_r{i}.{ext}" if stem else f"{old}_r{i}"
                files[new] = files.pop(old)
                ops += f"R {old} {new}\n".encode()
                touched.update((old, new))
                continue
            elif roll < 0.18:
                path = f"models/model_{rng.randrange(50)}.bin"
                files[path] = rng.randbytes(rng.randrange(20_000, 400_000))
            else:
                path = rng.choice(sorted(files))
                body = files[path]
                if isinstance(body, bytes):
                    continue
                if path.endswith(".csv"):  # new rows appended, some rows rewritten
                    body.extend(_csv_rows(rng, rng.randrange(50, 3000), i))
                    for _ in range(rng.randrange(0, 200)):
                        body[rng.randrange(1, len(body))] = _csv_rows(rng, 1, -i)[0]
                elif path.endswith(".ipynb"):
                    files[path] = body = _notebook(rng, i)
                else:
                    for _ in range(rng.randrange(1, 40)):
                        body[rng.randrange(len(body))] = f"edited {i} {rng.randrange(10**6)}"
                    for _ in range(rng.randrange(0, 30)):
                        body.insert(rng.randrange(len(body) + 1), f"added {i} {'y' * rng.randrange(5, 50)}")
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
        if len(out) > 64 << 20:  # stream to fast-import in pieces to bound memory
            _feed(dest, out)
            out = bytearray()
    out += f"reset refs/heads/main\nfrom :{main_mark}\n\n".encode()
    _feed(dest, out, last=True)
    subprocess.run(["git", "-C", str(dest), "checkout", "-q", "-f", "main"], check=True)
    return dest


_IMPORTERS: dict[Path, subprocess.Popen[bytes]] = {}


def _feed(dest: Path, data: bytes, last: bool = False) -> None:
    """Write to one long-lived ``git fast-import`` (marks stay valid across pieces)."""
    proc = _IMPORTERS.get(dest)
    if proc is None:
        proc = _IMPORTERS[dest] = subprocess.Popen(["git", "-C", str(dest), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.write(data)
    if last:
        proc.stdin.close()
        if proc.wait() != 0:
            raise SystemExit("git fast-import failed")
        del _IMPORTERS[dest]


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (robust on a shared, loaded machine)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


HISTORY_CHILD = """
import sys
from pathlib import Path
from mlaudit.audit import phase_git, phase_roles
from mlaudit.audit.phases import ScanContext
from mlaudit.core.config import load_config
from mlaudit.core.objects import GitObjects
from mlaudit.core.progress import Progress
from mlaudit.core.repo import open_repo
from mlaudit.store.db import open_store, write_transaction
repo = open_repo(sys.argv[1])
with open_store(Path(sys.argv[2]), repo_root=repo.root) as store:
    ctx = ScanContext(repo, store, Progress(), load_config(), 0, GitObjects(repo.root))
    for phase in (phase_git.PHASE, phase_roles.PHASE):
        with write_transaction(store):
            phase.run(ctx)
    ctx.objects.close()
"""


def run_process(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole child process, its output discarded."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed (exit {proc.returncode})")
    return wall, usage.ru_utime + usage.ru_stime


def git_log_cmd(repo: Path) -> list[str]:
    return ["git", "-C", str(repo), "log", "--all", "--numstat"]


def history_cmd(repo: Path, db: Path) -> list[str]:
    return [sys.executable, "-c", HISTORY_CHILD, str(repo), str(db)]


def scan_cmd(repo: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "mlaudit", "scan", str(repo), "--db", str(db), "--json"]


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def whole_process_figures(repo: Path, tmp: Path, repeats: int) -> dict[str, tuple[float, float]]:
    """Interleaved runs (so machine load hits both sides alike): git log floor, fresh history scan, fresh full
    scan, and the no-op rescan of that full scan, as (median wall, median CPU)."""
    runs: dict[str, list[tuple[float, float]]] = {"git log": [], "history": [], "full": [], "noop": []}
    run_process(git_log_cmd(repo))  # warm the OS cache
    for k in range(repeats):
        runs["git log"].append(run_process(git_log_cmd(repo)))
        db = tmp / f"hist{k}.sqlite"
        runs["history"].append(run_process(history_cmd(repo, db)))
        full = tmp / f"full{k}.sqlite"
        runs["full"].append(run_process(scan_cmd(repo, full)))
        for _ in range(2):
            runs["noop"].append(run_process(scan_cmd(repo, full)))
    return {name: medians(samples) for name, samples in runs.items()}


def time_scan(repo: Path, db: Path) -> tuple[float, float, dict[str, float], dict[str, int]]:
    """Whole scan wall and CPU time, wall seconds per phase, and the scan counts."""
    marks: list[tuple[str, float]] = []

    def listen(event: ProgressEvent) -> None:
        if not marks or (marks[-1][0] != event.phase and event.done == 0):
            marks.append((event.phase, time.perf_counter()))

    c0, t0 = cpu_seconds(), time.perf_counter()
    summary = scan(repo, db, progress=Progress(listen))
    cpu = cpu_seconds() - c0
    end = time.perf_counter()
    phases: dict[str, float] = {}
    for (name, start), nxt in zip(marks, [m[1] for m in marks[1:]] + [end], strict=True):
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
    parser.add_argument("repo_arg", nargs="?", type=Path, metavar="REPO", help="same as --repo")
    parser.add_argument("--repo", type=Path, help="a real repository to measure")
    parser.add_argument("--generate", type=int, metavar="N", help="build a synthetic repo of N commits first")
    parser.add_argument("--out", type=Path, help="where to build the synthetic repo (default: a temp folder)")
    parser.add_argument("--repeats", type=int, default=3, help="whole-process runs of each side (medians)")
    args = parser.parse_args()
    repo = args.repo or args.repo_arg
    if repo is None and not args.generate:
        parser.error("give --repo PATH or --generate N")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if args.generate:
            t0 = time.perf_counter()
            repo = generate(args.out or tmp / "synthetic", args.generate)
            print(f"generated {args.generate} commits in {time.perf_counter() - t0:.2f} s at {repo}")
        assert repo is not None
        commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--all", "--count"], check=False, capture_output=True, text=True).stdout.strip()
        figures = whole_process_figures(repo, tmp, args.repeats)
        full, full_cpu, phases, counts = time_scan(repo, tmp / "store.sqlite")
        noop, noop_cpu, noop_phases, _ = time_scan(repo, tmp / "store.sqlite")
        rate = insert_rate(tmp)
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    floor, floor_cpu = figures["git log"]
    print(f"repo: {repo} ({commits} commits); load average {load}; medians of {args.repeats} whole-process runs")
    print(f"floor: git log --all --numstat          {floor:7.2f} s wall  {floor_cpu:6.2f} s cpu")
    hist, hist_cpu = figures["history"]
    ok = hist / floor <= FULL_RATIO_TARGET
    print(f"history scan (git + roles), fresh store {hist:7.2f} s wall  {hist_cpu:6.2f} s cpu   ratio {hist / floor:.2f}x wall, "
          f"{hist_cpu / floor_cpu:.2f}x cpu (target <= {FULL_RATIO_TARGET}x) {'OK' if ok else 'MISSED'}")
    fw, fc = figures["full"]
    print(f"mlaudit scan (all phases + checks)      {fw:7.2f} s wall  {fc:6.2f} s cpu   ratio {fw / floor:.2f}x wall")
    nw, nc = figures["noop"]
    print(f"mlaudit scan, no-op rescan              {nw:7.2f} s wall  {nc:6.2f} s cpu   (target <= {NOOP_TARGET} s) "
          f"{'OK' if nw <= NOOP_TARGET else 'MISSED'}")
    print(f"in process: scan() fresh {full:.2f} s wall {full_cpu:.2f} s cpu; phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    print(f"  counts: {counts}")
    print(f"in process: scan() no-op {noop:.3f} s wall {noop_cpu:.3f} s cpu; phases: " + ", ".join(f"{k} {v:.3f} s" for k, v in noop_phases.items()))
    print(f"bulk insert (executemany, one transaction)  {rate[0]:,.0f} rows/s wall, {rate[1]:,.0f} rows/s cpu "
          f"(target >= {INSERT_TARGET:,}) {'OK' if max(rate) >= INSERT_TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
