"""Static model scanners side by side: the team's bypass corpus, then throughput on 200+ mixed model files.

Usage: python bench/bench_models.py [--files 240] [--rows 2000] [--keep DIR] [--history 40] [--repeat 3] [--no-bypass] [--sniff 40]

Part 1 (bypass corpus, tests/models/bypass_corpus.py, written to a folder): for mlaudit, picklescan and modelscan
(the last two when installed: pip install '.[bench]'), each file's verdict in three words (dangerous / inconclusive:
an error, a skip or a suspicious-only result / safe), then per scanner: dangerous caught, inconclusive, missed
(called safe), benign misflagged, and MB/s over the corpus (each scanner reads the file itself: the read is timed).

Part 2 (mixed files): prints the folder size, mlaudit's time per file, picklescan's time on the same folder (same process),
their ratio, MB/s with the file read and the metadata included, and where the verdicts disagree. Each file counts its best time over --repeat passes (the
first pass is shown too). Also printed: the ratio on the plain pickles picklescan parses to the end, and
the time of only decompressing the compressed joblib files (work picklescan skips: it cannot read them).

Part 3 (--sniff N): the first bytes of N blobs of 2, 8 and 32 MiB read from a git repo the two ways the models
phase could: one ``git cat-file`` process per blob, and the phase's own reader (the persistent batch process,
the rest of the blob drained in bounded chunks, up to its drain limit). Wall-clock times, same process.
Nothing is ever loaded: the malicious files would create a canary file, and the script checks that it
does not exist afterwards.
"""

from __future__ import annotations

import argparse
import gc
import io
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mlaudit.scanners.models import Limits, scan_model_bytes
from mlaudit.scanners.models.compress import codec_of, decompress
from tests.models import corpus
from tests.models.bypass_corpus import write_corpus

blob_head: Any
try:
    from mlaudit.audit.phase_models import SNIFF_DRAIN_LIMIT, blob_head
except ImportError:  # before the models phase read large heads through the batch process
    SNIFF_DRAIN_LIMIT, blob_head = 4 << 20, None

OLD_VERDICTS = {"unknown-globals": "inconclusive", "malformed": "inconclusive", "unread": "inconclusive"}  # mlaudit < 3

COMPRESS = [0, 3, ("gzip", 3), ("lz4", 1), ("xz", 1), ("bz2", 1), ("zlib", 1)]


def _benign(i: int, rows: int) -> object:
    rng = np.random.default_rng(i)
    frame = pd.DataFrame(rng.normal(size=(rows, 6)), columns=[f"f{j}" for j in range(6)])
    y = (frame["f0"] + rng.normal(size=rows) > 0).astype(int)
    kind = i % 4
    if kind == 0:
        return LogisticRegression(C=0.1 + i % 7).fit(frame, y)
    if kind == 1:
        return RandomForestClassifier(n_estimators=5 + i % 5, max_depth=4, random_state=i).fit(frame, y)
    if kind == 2:
        return Pipeline([("s", StandardScaler()), ("m", LogisticRegression())]).fit(frame, y)
    return Ridge(alpha=0.5).fit(frame, frame["f1"])


def build(folder: Path, files: int, rows: int, canary: Path) -> dict[str, bool]:
    """Write the corpus; return {file name: is malicious}."""
    hostile = list(corpus.malicious_corpus(canary).items())
    truth: dict[str, bool] = {}
    cmd = f"touch {canary}"
    for i in range(files):
        if i % 5 == 4:  # one in five is hostile: the evasion corpus, then payloads hidden after joblib arrays
            name, data = hostile[(i // 5) % len(hostile)]
            if (i // 5) >= len(hostile):
                name, data = "after_arrays.joblib", corpus.joblib_after_arrays(cmd, COMPRESS[i % len(COMPRESS)])
            path = folder / f"{i:04d}_{name}"
            path.write_bytes(data)
            truth[path.name] = True
            continue
        model = _benign(i, rows)
        if i % 3 == 0:
            path = folder / f"{i:04d}_model.pkl"
            path.write_bytes(pickle.dumps(model, protocol=2 + i % 4))
        else:
            buf = io.BytesIO()
            joblib.dump(model, buf, compress=COMPRESS[i % len(COMPRESS)])
            path = folder / f"{i:04d}_model.joblib"
            path.write_bytes(buf.getvalue())
        truth[path.name] = False
    return truth


def category(data: bytes) -> str:
    """plain pickle | joblib | compressed joblib | container (zip, npy, ...)."""
    if data[:1] == b"\x80":
        return "joblib" if b"NumpyArrayWrapper" in data[:1 << 16] else "pickle"
    if data[:2] in (b"\x1f\x8b", b"BZ", b"\xfd7", b"\x04\x22", b"]\x00") or data[:1] == b"x":
        return "compressed joblib"
    return "other"


def _timed(folder: Path, repeat: int, scan: Callable[[Path, bytes], str]) -> tuple[float, dict[str, float], dict[str, str]]:
    """Scan every file ``repeat`` times: (first-pass total, best time per file, verdict per file)."""
    first, best, verdicts = 0.0, {}, {}
    files = [(p, p.read_bytes()) for p in sorted(folder.iterdir())]
    for round_ in range(repeat):
        for p, data in files:
            start = time.perf_counter()
            verdicts[p.name] = scan(p, data)
            spent = time.perf_counter() - start
            first += spent if round_ == 0 else 0.0
            best[p.name] = min(best.get(p.name, spent), spent)
    return first, best, verdicts


def run_mlaudit(folder: Path, repeat: int) -> tuple[float, dict[str, float], dict[str, str]]:
    """mlaudit reads the file too (the read is inside its timing, as for the other scanners); metadata included."""
    def scan(p: Path, data: bytes) -> str:
        verdict = scan_model_bytes(p.read_bytes(), p.name).verdict
        return OLD_VERDICTS.get(verdict, verdict)

    return _timed(folder, repeat, scan)


def run_picklescan(folder: Path, repeat: int) -> tuple[float, dict[str, float], dict[str, str]] | None:
    """picklescan reads the file itself (its own API); the read is inside its timing."""
    try:
        from picklescan.scanner import scan_file_path
    except ImportError:
        return None
    import logging

    logging.disable(logging.CRITICAL)

    def scan(p: Path, data: bytes) -> str:
        try:
            r = scan_file_path(str(p))
            if r.infected_files:
                return "dangerous"
            if r.scan_err:
                return "error"
            if not r.scanned_files:
                return "not scanned"
            return "suspicious" if r.suspicious_count else "safe"
        except Exception as exc:  # noqa: BLE001 - picklescan raising is itself a result worth counting
            return f"error ({type(exc).__name__})"

    return _timed(folder, repeat, scan)


def run_modelscan(folder: Path, repeat: int) -> tuple[float, dict[str, float], dict[str, str]] | None:
    """modelscan's own API on each file path (it reads the file; it picks scanners by extension)."""
    try:
        from modelscan.modelscan import ModelScan
    except ImportError:
        return None
    import logging

    logging.disable(logging.CRITICAL)

    def scan(p: Path, data: bytes) -> str:
        try:
            r = ModelScan().scan(p)
        except Exception as exc:  # noqa: BLE001 - modelscan raising is itself a result worth counting
            return f"error ({type(exc).__name__})"
        if r.get("issues"):
            return "dangerous"
        if r.get("errors"):
            return "error"
        if r.get("summary", {}).get("skipped", {}).get("total_skipped"):
            return "not scanned"
        return "safe"

    return _timed(folder, repeat, scan)


def three_words(verdict: str) -> str:
    """Any scanner's answer as dangerous / inconclusive (errors, skips, suspicious-only) / safe."""
    if verdict == "dangerous":
        return "dangerous"
    return "safe" if verdict == "safe" else "inconclusive"


def bench_bypass(tmp: Path, repeat: int) -> None:
    """The bypass corpus through every installed scanner: verdict counts and MB/s, side by side."""
    folder = tmp / "bypass"
    samples = write_corpus(str(folder))
    expected = {s.name: s.expected for s in samples}
    size = sum(len(s.data) for s in samples)
    n_bad = sum(e == "dangerous" for e in expected.values())
    n_good = sum(e == "safe" for e in expected.values())
    print(f"bypass corpus: {len(samples)} files ({n_bad} dangerous, {n_good} benign), {size / 1e6:.1f} MB")
    runs = {"mlaudit": run_mlaudit(folder, repeat), "picklescan": run_picklescan(folder, repeat),
            "modelscan": run_modelscan(folder, repeat)}
    print(f"{'scanner':<11} {'dangerous caught':>17} {'inconclusive':>13} {'missed (safe)':>14} {'benign misflagged':>18} {'MB/s':>8}")
    for tool, run in runs.items():
        if run is None:
            print(f"{tool:<11} not installed (pip install '.[bench]')")
            continue
        _, best, verdicts = run
        words = {n: three_words(v) for n, v in verdicts.items()}
        caught = sum(words[n] == "dangerous" for n, e in expected.items() if e == "dangerous")
        soft = sum(words[n] == "inconclusive" for n, e in expected.items() if e == "dangerous")
        missed = sum(words[n] == "safe" for n, e in expected.items() if e == "dangerous")
        misflagged = sum(words[n] != "safe" for n, e in expected.items() if e == "safe")
        print(f"{tool:<11} {caught:>10} of {n_bad:<4} {soft:>13} {missed:>14} {misflagged:>11} of {n_good:<4} "
              f"{size / 1e6 / sum(best.values()):>8.1f}")
    _, _, ours = runs["mlaudit"] or (0, {}, {})
    by_family: dict[str, list[int]] = {}
    for s in samples:
        if s.expected == "dangerous":
            row = by_family.setdefault(s.family, [0, 0, 0])
            row[("dangerous", "inconclusive", "safe").index(three_words(ours[s.name]))] += 1
    print("mlaudit per family (dangerous / inconclusive / safe): "
          + ", ".join(f"{f} {a}/{b}/{c}" for f, (a, b, c) in sorted(by_family.items())))
    wrong = [n for n, e in expected.items() if (e == "dangerous" and three_words(ours[n]) == "safe") or (e == "safe" and ours[n] != "safe")]
    for n in wrong[:20]:
        print(f"   mlaudit {ours[n]} on {n} (expected {expected[n]})")


def decompress_floor(folder: Path, repeat: int) -> tuple[float, int]:
    """Best time to only decompress every compressed file (the part of mlaudit's time picklescan never spends)."""
    limits = Limits()
    files = [d for d in (p.read_bytes() for p in sorted(folder.iterdir())) if category(d) == "compressed joblib"]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for data in files:
            decompress(data, codec_of(data[:8]) or "", limits)
        best = min(best, time.perf_counter() - start)
    return best, len(files)


def bench_history(tmp: Path, commits: int, rows: int) -> None:
    """Scan a repo whose model is retrained at every commit; then rescan (incremental) and run the model checks."""
    from mlaudit.sample_projects.gitrepo import GitRepo

    from mlaudit.audit import audit, scan

    repo = GitRepo(tmp / "history")
    for i in range(commits):
        buf = io.BytesIO()
        joblib.dump(_benign(i, rows), buf, compress=COMPRESS[i % len(COMPRESS)])
        repo.commit(f"retrain {i}", {"models/model.joblib": buf.getvalue(), "metrics.json": f'{{"auc": {0.5 + i / 1000}}}',
                                     "params.yaml": f"seed: {i}\n", "train.py": f"# {i}\n"})
    db = tmp / "history.sqlite"
    start = time.perf_counter()
    first = scan(repo.root, db)
    t_first = time.perf_counter() - start
    start = time.perf_counter()
    scan(repo.root, db)
    t_again = time.perf_counter() - start
    start = time.perf_counter()
    audit(repo.root, db)
    t_audit = time.perf_counter() - start
    print(f"history: {commits} commits, {first.counts.get('model_contents_analysed')} model contents; first scan {t_first:.2f} s, "
          f"rescan {t_again:.2f} s (ratio {t_first / t_again:.1f}x), rescan + all checks {t_audit:.2f} s")


def bench_sniff(tmp: Path, blobs: int, mib: int) -> None:
    """The first bytes of every large blob (the models phase's sniff): one ``git cat-file`` process per blob versus
    the phase's reader (the persistent batch process with the rest drained in bounded chunks, up to its drain
    limit; its own process past it), same blobs, same process."""
    from mlaudit.sample_projects.gitrepo import GitRepo

    from mlaudit.core.objects import GitObjects
    from mlaudit.scanners.models.scan import SNIFF_BYTES

    repo = GitRepo(tmp / f"sniff-{mib}")
    rng = np.random.default_rng(mib)
    files = {f"data/part{i}.bin": rng.integers(0, 256, mib << 20, dtype=np.uint8).tobytes() for i in range(blobs)}
    repo.commit("large blobs", files)
    import subprocess

    ids = subprocess.run(["git", "-C", str(repo.root), "rev-parse", *[f"HEAD:{p}" for p in files]],
                         capture_output=True, text=True, check=True).stdout.split()
    with GitObjects(repo.root) as objects:
        def one_process_each() -> list[bytes]:
            out = []
            for sha in ids:
                with objects.open(sha) as fh:
                    out.append(fh.read(SNIFF_BYTES))
            return out

        def batched() -> list[bytes]:
            if blob_head is not None:  # the models phase's own reader
                return [blob_head(objects, sha) for sha in ids]
            out = []
            for sha in ids:
                with objects.stream(sha, drain_limit=SNIFF_DRAIN_LIMIT) as fh:
                    out.append(fh.read(SNIFF_BYTES))
            return out

        times = {}
        for name, fn in (("one process per blob", one_process_each), ("batch process", batched)):
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                heads = fn()
                best = min(best, time.perf_counter() - start)
            assert heads == [files[p][:SNIFF_BYTES] for p in files]
            times[name] = best
    a, b = times["one process per blob"], times["batch process"]
    print(f"sniff {blobs} blobs of {mib} MiB: one process per blob {a * 1000:.1f} ms, batch process {b * 1000:.1f} ms "
          f"(ratio {a / b:.2f}x, >1 means the batch is faster)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=240)
    ap.add_argument("--rows", type=int, default=2000, help="training rows of the benign models (bigger arrays)")
    ap.add_argument("--keep", type=Path, default=None, help="write the corpus here and keep it")
    ap.add_argument("--history", type=int, default=40, help="commits of a retrained-model repo to scan (0: skip)")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the folder; each file counts its best time")
    ap.add_argument("--no-bypass", action="store_true", help="skip part 1 (the bypass corpus)")
    ap.add_argument("--sniff", type=int, default=40, help="large blobs whose first bytes are read both ways (0: skip)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-models-"))
    scan_model_bytes(b"\x80\x04N.", "warm.pkl")  # imports, policy cache
    if not args.no_bypass:
        bench_bypass(tmp, args.repeat)
    folder = args.keep or tmp / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    canary = tmp / "canary"
    truth = build(folder, args.files, args.rows, canary)
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(f"corpus: {len(truth)} files, {sum(truth.values())} hostile, {size / 1e6:.1f} MB in {folder}")

    kinds = {p.name: category(p.read_bytes()) for p in folder.iterdir()}
    scan_model_bytes(b"\x80\x04N.", "warm.pkl")  # imports, policy cache
    gc.collect()  # the corpus build's garbage is not the scanners' cost
    first_ours, best_ours, ours = run_mlaudit(folder, args.repeat)
    t_ours = sum(best_ours.values())
    missed = sorted(n for n, bad in truth.items() if bad and ours[n] != "dangerous")
    false_alarms = sorted(n for n, bad in truth.items() if not bad and ours[n] != "safe")
    print(f"timing: best of {args.repeat} passes per file (first pass in brackets)")
    print(f"mlaudit:    {t_ours:7.3f} s [{first_ours:.3f}]  ({t_ours / len(truth) * 1000:.2f} ms/file, {size / 1e6 / t_ours:.1f} MB/s)  "
          f"hostile missed: {len(missed)}  benign not safe: {len(false_alarms)}")
    for n in missed + false_alarms:
        print(f"   {n}: {ours[n]}")
    ps = run_picklescan(folder, args.repeat)
    best_theirs: dict[str, float] = {}
    if ps is None:
        print("picklescan: not installed (pip install '.[bench]' to compare)")
    else:
        first_theirs, best_theirs, theirs = ps
        t_ps = sum(best_theirs.values())
        ps_flags = {n for n, v in theirs.items() if v == "dangerous"}
        ps_errors = sorted(n for n, v in theirs.items() if v.startswith("error"))
        we_missed = sorted(n for n in ps_flags if ours[n] != "dangerous")
        they_missed = sorted(n for n, bad in truth.items() if bad and n not in ps_flags)
        benign_errors = [n for n in ps_errors if not truth[n]]
        print(f"picklescan: {t_ps:7.3f} s [{first_theirs:.3f}]  ({t_ps / len(truth) * 1000:.2f} ms/file, {size / 1e6 / t_ps:.1f} MB/s)  "
              f"hostile missed: {len(they_missed)}  scan errors: {len(ps_errors)} ({len(benign_errors)} on benign files)")
        print(f"ratio picklescan/mlaudit time: {t_ps / t_ours:.2f}x [first pass {first_theirs / first_ours:.2f}x]  (>1 means mlaudit is faster)")
        full = [n for n in truth if kinds[n] == "pickle" and not theirs[n].startswith("error")]
        print(f"ratio on the {len(full)} plain pickles picklescan parses to the end: "
              f"{sum(best_theirs[n] for n in full) / sum(best_ours[n] for n in full):.2f}x")
        print(f"agreement on hostile files: mlaudit flags {sum(ours[n] == 'dangerous' for n, b in truth.items() if b)}, "
              f"picklescan flags {len(ps_flags & {n for n, b in truth.items() if b})} of {sum(truth.values())}")
        print(f"files picklescan flags that mlaudit does not: {len(we_missed)} {we_missed[:5]}")
        for n in they_missed[:12]:
            print(f"   picklescan missed {n}: {theirs[n]}")
    floor, n_compressed = decompress_floor(folder, args.repeat)
    print(f"decompressing the {n_compressed} compressed files alone: {floor:.3f} s "
          f"(picklescan does not decompress them: it reports them clean without parsing)")
    if best_theirs:
        print(f"ratio with mlaudit's decompression time taken out: {sum(best_theirs.values()) / (t_ours - floor):.2f}x")
    print("per kind (files: mlaudit s / picklescan s):")
    for kind in sorted(set(kinds.values())):
        names = [n for n, k in kinds.items() if k == kind]
        ours_s = sum(best_ours[n] for n in names)
        theirs_s = sum(best_theirs.get(n, 0.0) for n in names)
        print(f"   {kind:<18} {len(names):4d}: {ours_s:7.3f} / {theirs_s:7.3f}" + (f"  ratio {theirs_s / ours_s:.2f}x" if ps and ours_s else ""))
    if args.history:
        bench_history(tmp, args.history, args.rows)
    for mib in (2, 8, 32) if args.sniff else ():
        bench_sniff(tmp, args.sniff if mib < 32 else max(1, args.sniff // 4), mib)
    print(f"canary created: {canary.exists()}")
    if args.keep is None:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
