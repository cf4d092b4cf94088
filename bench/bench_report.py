"""Time to build the report model and all four formats from a populated store (target: under 5 s).

Usage: python bench/bench_report.py [--project at_scale] [--repeat 3]
(small_service is the sample with drift between splits and over its data files' history.)
Builds the sample project in a temp folder, scans it and judges its history once (not timed),
then times build_report + render for html, pdf, md and json, reading the store only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from mlaudit.sample_projects.registry import RECIPES

from mlaudit.audit import audit
from mlaudit.audit.history import maturity_history
from mlaudit.core.config import AuditConfig
from mlaudit.report import FORMATS, build_report, render

TARGET_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="at_scale", choices=sorted(RECIPES))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    config = AuditConfig()
    with tempfile.TemporaryDirectory() as tmp:
        root = RECIPES[args.project].build(Path(tmp) / args.project)
        db = Path(tmp) / "store.sqlite"
        t0 = time.perf_counter()
        maturity_history(root, db, config=config)
        audit(root, db, config=config)
        print(f"{args.project}: scan + checks + history (untimed setup) {time.perf_counter() - t0:.2f} s")
        totals, cpu, parts = [], [], {name: [] for name in ("model", *FORMATS)}
        sizes = {}
        for _ in range(args.repeat):
            start, cpu_start = time.perf_counter(), time.process_time()
            report = build_report(db, root, config=config)
            parts["model"].append(time.perf_counter() - start)
            for fmt in FORMATS:
                t = time.perf_counter()
                sizes[fmt] = len(render(report, fmt))
                parts[fmt].append(time.perf_counter() - t)
            totals.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        drift = report.drift
        if drift is not None:
            steps = sum(len(f.shown) for f in drift.files)
            print(f"  drift section: {len(drift.splits)} split pair(s), {len(drift.files)} data file histories "
                  f"({steps} changes in detail)")
        for name, values in parts.items():
            size = f"  {sizes[name] / 1024:8.1f} KiB" if name in sizes else ""
            print(f"  {name:<6} median {statistics.median(values):6.3f} s{size}")
        best, median = min(totals), statistics.median(totals)
        print(f"all four formats: wall median {median:.3f} s, best {best:.3f} s, CPU median {statistics.median(cpu):.3f} s "
              f"over {args.repeat} runs (load average {os.getloadavg()[0]:.1f}); target {TARGET_SECONDS:.1f} s, "
              f"ratio {median / TARGET_SECONDS:.2f} (wall median) / {best / TARGET_SECONDS:.2f} (best) of the target")


if __name__ == "__main__":
    main()
