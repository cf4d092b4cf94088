"""Practice-fact providers: time per provider on a repo's tree, the raw ast.parse floor, and a cached rerun.

Usage: python bench/bench_practices.py REPO [--rev REV]
Prints seconds per provider (deps, ci, docker, code, pipeline, feature_code, evaluation), the time to only ast.parse every script
(the floor the code scanner cannot beat), the code scanner / parse ratio, and the second run on another
tree object (per-content cache: an unchanged file is never analysed twice in one process).
"""

from __future__ import annotations

import argparse
import ast
import time

from mlaudit.core.repo import open_repo
from mlaudit.core.tree import open_tree
from mlaudit.scanners.facts import get_provider
from mlaudit.scanners.notebooks import python_sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo")
    parser.add_argument("--rev", default=None, help="judge this commit instead of the working tree")
    args = parser.parse_args()
    repo = open_repo(args.repo)
    tree = open_tree(repo, args.rev)
    print(f"{repo.root} at {tree.label}: {len(tree.files())} files")
    t0 = time.perf_counter()
    sources = [s for s in python_sources(tree) if not s.error]
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    parsed = 0
    for src in sources:
        try:
            ast.parse(src.text)
            parsed += 1
        except (SyntaxError, ValueError):
            pass
    t_parse = time.perf_counter() - t0
    print(f"read sources: {t_read:.2f} s; ast.parse only: {t_parse:.2f} s for {parsed} units")
    timings = {}
    for kind in ("deps", "ci", "docker", "code", "pipeline", "feature_code", "evaluation"):
        t0 = time.perf_counter()
        get_provider(kind)(tree)
        timings[kind] = time.perf_counter() - t0
        print(f"{kind:9s} {timings[kind]:.2f} s")
    print(f"code scanner / (read + parse): {timings['code'] / max(t_read + t_parse, 1e-9):.2f}x")
    again = open_tree(repo, args.rev)
    t0 = time.perf_counter()
    get_provider("code")(again)
    rerun = time.perf_counter() - t0
    print(f"code rerun on a fresh tree (content cache): {rerun:.2f} s ({rerun / max(timings['code'], 1e-9):.2f}x of the first run)")
    tree.close()
    again.close()


if __name__ == "__main__":
    main()
