"""Coverage-guided fuzzing (atheris) of the parsers that read hostile bytes; longer runs than the test suite's hypothesis.

Usage: pip install atheris
       python fuzz/fuzz_mlaudit.py TARGET [libFuzzer options, e.g. -max_total_time=120 -rss_limit_mb=2048]
Targets: pickle (model scanner + symbolic pickle machine), notebook, deps, gitlog, csv.
A crash is any exception a parser lets escape, or, for the model scanner, an internal error it had to swallow
(reported as "unreadable: <exception>"). libFuzzer prints the executions count; crashing inputs are saved as crash-*.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris
import numpy  # noqa: F401  heavy libraries are imported first so only mlaudit's own code is instrumented
import pandas  # noqa: F401
import pyarrow.csv  # noqa: F401
import yaml  # noqa: F401

with atheris.instrument_imports(include=["mlaudit"]):
    from mlaudit.scanners.data.profile import profile_file
    from mlaudit.scanners.data.readers import DataReadError
    from mlaudit.scanners.deps import classify_pep508, dependency_facts
    from mlaudit.scanners.git_history import markers, split_commits
    from mlaudit.scanners.models import scan_model_bytes
    from mlaudit.scanners.notebooks import read_notebook

from mlaudit.core.repo import open_repo
from mlaudit.core.tree import WorkingTreeSource

_TMP = Path(tempfile.mkdtemp(prefix="mlaudit-fuzz-"))
_START, _END, _ = markers()


# Swallowed errors already reported (the file still gets a verdict; globals seen before the error are kept).
KNOWN = ("unreadable: UnicodeDecodeError",)


def fuzz_pickle(data: bytes) -> None:
    report = scan_model_bytes(data, "model.pkl")
    swallowed = [f.message for f in report.findings if f.message.startswith("unreadable:") and not f.message.startswith(KNOWN)]
    if swallowed:
        raise AssertionError(f"model scanner swallowed an internal error: {swallowed[0]}")


def fuzz_notebook(data: bytes) -> None:
    read_notebook(data.decode("utf-8", "replace"))


def fuzz_deps(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    classify_pep508(text[:200])
    for name in ("requirements.txt", "pyproject.toml", "environment.yml", "Pipfile", "setup.cfg"):
        (_TMP / name).write_text(text, encoding="utf-8", errors="replace")
    dependency_facts(WorkingTreeSource(open_repo(_TMP)))


def fuzz_gitlog(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    chunk = fdp.ConsumeIntInRange(1, 64)
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    stream = _START + b"a" * 40 + b"\x1f" * 9 + _END + body.replace(_START, b"")
    for _commit, _changes in split_commits([stream[i:i + chunk] for i in range(0, len(stream), chunk)], _START, _END):
        pass


def fuzz_csv(data: bytes) -> None:
    path = _TMP / "data.csv"
    path.write_bytes(data)
    try:
        profile_file(path, "data.csv", sample_rows=100)
    except DataReadError:
        pass
    except UnicodeDecodeError:  # already reported: escapes profile_file, caught by the data phase as ValueError
        pass


TARGETS = {"pickle": fuzz_pickle, "notebook": fuzz_notebook, "deps": fuzz_deps, "gitlog": fuzz_gitlog, "csv": fuzz_csv}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options]")
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
