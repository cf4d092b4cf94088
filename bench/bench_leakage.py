"""Benchmark the leakage analysis: code throughput on a generated tree, data checks on a large train/test pair.

Prints figures and ratios (no assertions). Defaults follow the brief: 500 scripts and notebooks, a
1M-row pair (800k train + 200k test). ``--files`` and ``--rows`` shrink or grow the run.

``--kernels DIR`` runs the false-alarm bench instead: every script and notebook under DIR (a local clone of a
public collection of Kaggle kernels, never committed) is analysed on its own, the number of files each code check
flags is printed, and a seeded random sample of up to ``--sample`` flagged files per check is listed (with the
finding lines) for reading by hand; ``--out FILE`` writes every finding as JSON.

    python bench/bench_leakage.py [--files 500] [--rows 1000000]
    python bench/bench_leakage.py --kernels /path/to/kernels [--sample 20] [--seed 0] [--out findings.json]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import scan
from mlaudit.audit.leakage import leakage
from mlaudit.checks.leakage.measures import entity_overlap, overlap, target_leaks, temporal
from mlaudit.scanners.leakage import CODE_CHECKS, analyze_file, link_files

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "leakage" / "corpus"


def generated_sources(n: int) -> dict[str, bytes]:
    """``n`` files: corpus scripts and notebooks, each copy padded with distinct helper code so no two are equal."""
    base = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    out = {}
    for i in range(n):
        src = base[i % len(base)]
        data = src.read_bytes()
        pad = "".join(f"\ndef helper_{i}_{k}(frame):\n    return frame.dropna().reset_index(drop=True)\n" for k in range(20))
        if src.suffix == ".ipynb":
            nb = json.loads(data)
            nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "source": pad})
            data = json.dumps(nb).encode()
        else:
            data += pad.encode()
        out[f"pkg{i // 50}/{src.stem}_{i}{src.suffix}"] = data
    return out


def bench_code(n: int, tmp: Path) -> None:
    files = generated_sources(n)
    size = sum(map(len, files.values()))
    t = time.perf_counter()
    results = [analyze_file(p, d) for p, d in files.items()]
    link_files(results)
    dt = time.perf_counter() - t
    found = sum(len(r.findings) for r in results)
    print(f"code analysis: {n} files ({size / 1e6:.2f} MB, {sum(p.endswith('.ipynb') for p in files)} notebooks) "
          f"in {dt:.2f} s = {n / dt:.0f} files/s, {size / 1e6 / dt:.2f} MB/s; {found} findings")
    repo = GitRepo(tmp / "code_repo")
    repo.commit("sources", {p: d for p, d in files.items()})
    db = tmp / "code.sqlite"
    t = time.perf_counter()
    cold = scan(repo.root, db)
    t_cold = time.perf_counter() - t
    t = time.perf_counter()
    warm = scan(repo.root, db)
    t_warm = time.perf_counter() - t
    print(f"scan with leakage phase: cold {t_cold:.2f} s ({cold.counts['leakage_analysed']} analysed), "
          f"warm {t_warm:.2f} s ({warm.counts['leakage_analysed']} analysed); cold/warm = {t_cold / t_warm:.1f}x")


def pair_frames(rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random split of time-ordered data with 1% of test rows copied from training and a target proxy."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({
        "customer_id": rng.integers(0, rows // 5, rows),
        "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 1500, rows)), unit="D"),
        "amount": rng.normal(100, 20, rows).round(2), "calls": rng.poisson(2, rows),
        "plan": rng.choice(["a", "b", "c"], rows), "y": rng.integers(0, 2, rows),
    })
    df["refund"] = df["y"]
    order = rng.permutation(rows)
    cut = int(rows * 0.8)
    train, test = df.iloc[order[:cut]], df.iloc[order[cut:]]
    k = len(test) // 100
    test = pd.concat([test.iloc[k:], train.iloc[:k]], ignore_index=True)
    return train.reset_index(drop=True), test


def bench_data(rows: int, tmp: Path) -> None:
    train, test = pair_frames(rows)
    for name, fn in [("overlap", lambda: overlap(train, test)), ("entity", lambda: entity_overlap(train, test)),
                     ("temporal", lambda: temporal(train, test)), ("target (20k-row sample)", lambda: target_leaks(train, "y", 0.98))]:
        t = time.perf_counter()
        res = fn()
        print(f"data {name}: {time.perf_counter() - t:.2f} s on {len(train)} + {len(test)} rows -> {summary(res)}")
    repo = GitRepo(tmp / "data_repo")
    t = time.perf_counter()
    train.to_csv(repo.root / "train.csv", index=False)
    test.to_csv(repo.root / "test.csv", index=False)
    (repo.root / "train.py").write_text("import pandas as pd\ndf = pd.read_csv('train.csv')\ny = df['y']\n")
    repo.commit("pair")
    mb = ((repo.root / "train.csv").stat().st_size + (repo.root / "test.csv").stat().st_size) / 1e6
    print(f"pair written: {mb:.0f} MB of CSV in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    scan(repo.root, tmp / "data.sqlite")
    t_scan = time.perf_counter() - t
    t = time.perf_counter()
    rep = leakage(repo.root, tmp / "data.sqlite")
    dt = time.perf_counter() - t
    print(f"first scan (all phases, incl. the data profiles): {t_scan:.2f} s; then mlaudit leakage (rescan + 8 checks, "
          f"CSV parsing included): {dt:.2f} s = {rows / dt / 1e3:.0f}k rows/s; "
          + ", ".join(f"{r.check_id}={r.status}" for r in rep.results if not r.check_id.startswith("LEAK-CODE")))


def summary(res: object) -> str:
    if isinstance(res, list):
        return "; ".join(summary(r) for r in res[:3]) or "none"
    share = getattr(res, "share", None)
    return f"{type(res).__name__} share={share:.4f}" if share is not None else repr(res)[:80]


def bench_kernels(root: Path, sample: int, seed: int, out: Path | None) -> None:
    """Analyse every .py/.ipynb under ``root`` alone; count flagged files per check; list a random sample of them."""
    paths = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".ipynb") and ".git" not in p.parts
                   and ".ipynb_checkpoints" not in p.parts and p.is_file())
    flagged: dict[str, list[tuple[str, list[str]]]] = {c: [] for c in CODE_CHECKS}
    unreadable = ml = 0
    dump = []
    t = time.perf_counter()
    results = []
    for p in paths:
        rel = str(p.relative_to(root))
        r = analyze_file(rel, p.read_bytes(), 10.0)
        results.append(r)
        unreadable += r.unreadable is not None
        ml += r.uses_ml
        for check in CODE_CHECKS:
            hits = [f for f in r.findings if f.check_id == check]
            if hits:
                flagged[check].append((rel, [f"line {f.site.line}"
                                             + (f" cell {f.site.cell}" if f.site.cell is not None else "")
                                             + (f" (fit line {f.fit.line})" if f.fit and f.fit != f.site else "")
                                             + f": {f.message}" for f in hits]))
        dump.append(r.to_dict())
    dt = time.perf_counter() - t
    cross = link_files(results)
    print(f"kernels: {len(paths)} files under {root} in {dt:.1f} s ({len(paths) / dt:.0f} files/s); "
          f"{unreadable} not analysable (Python 2, syntax, size), {ml} with ML code")
    print(f"cross-file links if every file sat in one folder (all read ../input/...): {len(cross)}")
    rng = random.Random(seed)
    for check in CODE_CHECKS:
        files = flagged[check]
        print(f"\n{check}: {len(files)} files flagged ({len(files) / max(ml, 1):.1%} of the files with ML code)")
        for rel, lines in sorted(rng.sample(files, min(sample, len(files)))):
            print(f"  {rel}")
            for ln in lines[:3]:
                print(f"      {ln[:200]}")
    if out is not None:
        out.write_text(json.dumps(dump))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--kernels", type=Path, help="folder of real scripts/notebooks for the false-alarm bench")
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.kernels is not None:
        bench_kernels(args.kernels, args.sample, args.seed, args.out)
        return
    with tempfile.TemporaryDirectory() as d:
        bench_code(args.files, Path(d))
        bench_data(args.rows, Path(d))


if __name__ == "__main__":
    main()
