"""Differential fuzzing of the symbolic pickle machine against CPython's own unpicklers (recording stubs, no import).

Usage: python fuzz/fuzz_pickle_oracle.py [--examples 20000] [--seed 0] [--mutate 0.3]

Generates random opcode programs of every protocol (tests/models/opcode_corpus.programs) and, with probability
--mutate, flips, drops or inserts random bytes in them; runs the C and the pure-Python unpickler with recording
stubs (tests/models/pickle_oracle) and the machine on each; prints how many examples ran, how many completed in
CPython, and every disagreement (the machine reporting less than CPython imports or calls, or failing where
CPython completes). Nothing is ever imported or unpickled for real. Exit status 1 when any disagreement is found.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.models.opcode_corpus import programs
from tests.models.pickle_oracle import compare


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Flip, drop or insert a few random bytes."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        if not buf:
            break
        i = rng.randrange(len(buf))
        choice = rng.random()
        if choice < 0.4:
            buf[i] = rng.randrange(256)
        elif choice < 0.7:
            del buf[i]
        else:
            buf.insert(i, rng.randrange(256))
    return bytes(buf)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mutate", type=float, default=0.3, help="share of examples with random byte edits")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    counts = {"examples": 0, "cpython completed": 0, "disagreements": 0}
    failures: list[str] = []

    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(programs(), st.integers(0, 2**32 - 1))
    def run(data: bytes, salt: int) -> None:
        if rng.random() < args.mutate:
            data = mutate(data, random.Random(salt))
        counts["examples"] += 1
        for python_impl in (False, True):
            result = compare(data, python_impl=python_impl)
            if not python_impl and result.oracle.error is None:
                counts["cpython completed"] += 1
            if not result.agree:
                counts["disagreements"] += 1
                failures.append(f"{data!r}: {result.why} (pure-Python: {python_impl}); CPython {result.oracle}; "
                                f"machine {result.machine}")

    start = time.perf_counter()
    run()
    spent = time.perf_counter() - start
    print(f"{counts['examples']} examples in {spent:.1f} s; CPython (C) completed {counts['cpython completed']}; "
          f"disagreements: {counts['disagreements']}")
    for line in failures[:20]:
        print("  ", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
