"""Property tests (hypothesis, bounded): git-log parsing on real repos, notebook, dependency, pickle and CSV readers."""

from __future__ import annotations

import json
import os
import pickle
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import scan
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import WorkingTreeSource
from mlaudit.scanners.data.profile import profile_file
from mlaudit.scanners.deps import classify_pep508, dependency_facts
from mlaudit.scanners.git_history import line_counts, markers, split_commits
from mlaudit.scanners.models import scan_model_bytes
from mlaudit.scanners.models.report import VERDICTS
from mlaudit.scanners.notebooks import read_notebook
from mlaudit.store.db import open_store

FAST = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=6, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
WITH_TMP = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# File names git and the file system accept: spaces, tabs, newlines, quotes, unicode, leading dashes.
name_chars = st.sampled_from([*list(string.ascii_letters + string.digits + " -_.\t\n'\"\\é漢"), "ü"])
file_names = st.text(name_chars, min_size=1, max_size=12).filter(lambda n: n not in (".", "..") and not n.startswith(".git"))
paths = st.lists(file_names, min_size=1, max_size=3).map("/".join)
contents = st.one_of(st.integers(1, 30).map(lambda n: ("text", n)), st.binary(min_size=1, max_size=64).map(lambda b: ("bin", b)))


def _body(kind_value: tuple, serial: int) -> bytes:
    kind, value = kind_value
    if kind == "text":
        return "".join(f"line {serial}-{i}\n" for i in range(value)).encode()
    return b"\x00" + value + serial.to_bytes(4, "big")


@given(commits=st.lists(st.dictionaries(paths, contents, min_size=1, max_size=4), min_size=1, max_size=4))
@SLOW
def test_git_scan_records_exactly_what_was_committed(commits: list[dict]) -> None:
    """For any commits of arbitrary paths (text or binary, added, replaced or deleted), the store holds exactly
    the changed paths with their statuses, and line_counts gives their exact line counts (None when binary)."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = GitRepo(Path(tmp) / "repo")
        state: dict[str, bytes] = {}
        expected: dict[str, dict[str, tuple]] = {}
        serial = 0
        for files in commits:
            want: dict[str, tuple] = {}
            for path, content in files.items():
                parts = path.split("/")
                if any("/".join(parts[:i]) in state for i in range(1, len(parts))) or any(p.startswith(path + "/") for p in state):
                    continue  # a path cannot be both a file and a folder
                serial += 1
                if path in state and serial % 3 == 0:
                    os.unlink(repo.root / path)
                    old = state.pop(path)
                    want[path] = ("D", None if b"\x00" in old else 0, None if b"\x00" in old else old.count(b"\n"))
                    continue
                data = _body(content, serial)
                old = state.get(path)
                binary = b"\x00" in data or (old is not None and b"\x00" in old)
                added = None if binary else data.count(b"\n")
                deleted = None if binary else (old.count(b"\n") if old else 0)
                want[path] = ("M" if old is not None else "A", added, deleted)
                repo.write(path, data)
                state[path] = data
            sha = repo.commit(f"commit {serial}")
            expected[sha] = want
        db = Path(tmp) / "store.sqlite"
        scan(repo.root, db)
        with open_store(db) as store:
            for sha, want in expected.items():
                counts = line_counts(repo.root, [sha])
                got = {p: (s, *counts[(sha, p)]) for p, s in store.db.execute(
                    "SELECT path, status FROM file_changes WHERE commit_sha = ?", [sha])}
                assert got == want


def test_forged_commit_markers_in_messages_are_inert(make_repo, store_path: Path) -> None:
    """A commit message that contains marker-like bytes and a fake raw diff line cannot forge commits or changes."""
    repo = make_repo()
    forged = ("\x1e\x1dMLAUDIT-COMMIT\x1d" + "f" * 40 + "\x1f" * 9 + "x\x1d\x1eMLAUDIT-END\x1e"
              + "\n:100644 100644 " + "0" * 40 + " " + "1" * 40 + " M\n")
    sha = repo.commit(forged, {"a.py": "1\n"})
    scan(repo.root, store_path)
    with open_store(store_path) as store:
        assert [r[0] for r in store.db.execute("SELECT sha FROM commits")] == [sha]
        assert [r[0] for r in store.db.execute("SELECT path FROM file_changes")] == ["a.py"]


@given(st.binary(max_size=400), st.integers(1, 64))
@FAST
def test_log_splitter_never_raises_on_noise(noise: bytes, chunk: int) -> None:
    """Arbitrary bytes between well-formed commits never crash the splitter; the well-formed commit survives."""
    start, end, _ = markers()
    good = start + b"a" * 40 + b"\x1f" + b"b" * 40 + b"\x1f\x1fN\x1fe\x1f1\x1fN\x1fe\x1f2\x1fmsg" + end
    good += b"\n:100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" M\x00x.py\x00"
    stream = noise.replace(start, b"") + good
    parsed = list(split_commits([stream[i:i + chunk] for i in range(0, len(stream), chunk)], start, end))
    assert parsed[-1][0].sha == "a" * 40
    assert [(c.path, c.status, c.blob) for c in parsed[-1][1]] == [("x.py", "M", "2" * 40)]


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=20)
cells = st.lists(st.fixed_dictionaries({"cell_type": st.sampled_from(["code", "markdown", "raw"]),
                                        "source": st.one_of(st.text(max_size=80), st.lists(st.text(max_size=20), max_size=4))}),
                 max_size=8)


@given(st.one_of(st.text(max_size=300), json_values.map(json.dumps)))
@FAST
def test_notebook_reader_never_raises(text: str) -> None:
    """Any text (or any JSON) gives a NotebookCode, with an error instead of an exception."""
    nb = read_notebook(text)
    assert nb.error is None or isinstance(nb.error, str)


@given(cells)
@FAST
def test_notebook_reader_keeps_every_code_cell(raw_cells: list[dict]) -> None:
    """A valid notebook yields exactly its code cells, in order, with their source text."""
    nb = read_notebook(json.dumps({"cells": raw_cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}))
    want = [(i, c["source"] if isinstance(c["source"], str) else "".join(c["source"]))
            for i, c in enumerate(raw_cells) if c["cell_type"] == "code"]
    assert nb.error is None and [(c.index, c.source) for c in nb.cells] == want


@given(st.text(max_size=60))
@FAST
def test_pep508_classifier_never_raises(spec: str) -> None:
    """Any requirement string is classified into a known kind."""
    assert isinstance(classify_pep508(spec), str)


@given(req=st.text(max_size=300), pyproject=st.text(max_size=300), env=st.text(max_size=200))
@WITH_TMP
def test_dependency_parsers_never_raise(req: str, pyproject: str, env: str, tmp_path: Path) -> None:
    """Arbitrary requirements.txt, pyproject.toml and environment.yml text gives facts (or recorded errors), never an exception."""
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    for name, text in (("requirements.txt", req), ("pyproject.toml", pyproject), ("environment.yml", env)):
        (root / name).write_text(text, encoding="utf-8", errors="surrogateescape")
    facts = dependency_facts(WorkingTreeSource(open_repo(root)))
    assert isinstance(facts, dict) and isinstance(facts.get("errors", []), list)


class _Payload:
    """Pickles to ``os.system(cmd)``; only ever dumped here, never loaded."""

    def __init__(self, cmd: str) -> None:
        self.cmd = cmd

    def __reduce__(self):
        return (os.system, (self.cmd,))


benign = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10) | st.binary(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    | st.frozensets(st.integers(), max_size=4),
    max_leaves=25,
)


@given(st.binary(max_size=600))
@FAST
def test_model_scanner_never_raises_on_bytes(data: bytes) -> None:
    """Any bytes under a pickle name give a report with a known verdict."""
    report = scan_model_bytes(b"\x80\x04" + data if data[:1] == b"x" else data, "m.pkl")
    assert report.verdict in VERDICTS


@given(benign, st.integers(0, pickle.HIGHEST_PROTOCOL))
@FAST
def test_benign_pickles_are_safe(obj: object, protocol: int) -> None:
    """Pickles of plain data at any protocol are safe and import no dangerous global."""
    report = scan_model_bytes(pickle.dumps(obj, protocol=protocol), "m.pkl")
    assert report.verdict == "safe" and not report.dangerous, report.findings


@given(benign, st.integers(0, pickle.HIGHEST_PROTOCOL))
@FAST
def test_payload_anywhere_is_dangerous(obj: object, protocol: int) -> None:
    """A payload hidden anywhere in plain data is reported dangerous at every protocol."""
    report = scan_model_bytes(pickle.dumps([obj, {"k": _Payload("true")}, obj], protocol=protocol), "m.pkl")
    assert report.verdict == "dangerous" and any(d.endswith("system") for d in report.dangerous)


@given(data=st.binary(max_size=400), name=st.sampled_from(["d.csv", "d.tsv", "d.jsonl", "d.parquet"]))
@WITH_TMP
def test_data_profiler_never_raises_unexpectedly(data: bytes, name: str, tmp_path: Path) -> None:
    """Arbitrary bytes under a data name give a profile or a DataReadError, nothing else."""
    from mlaudit.scanners.data.readers import DataReadError

    path = tmp_path / name
    path.write_bytes(data)
    try:
        profile_file(path, name)
    except DataReadError:
        pass


@given(rows=st.lists(st.lists(st.sampled_from(["1", "2.5", "a", "", "x,y", '"q"', "é"]), min_size=1, max_size=5), min_size=1, max_size=20))
@WITH_TMP
def test_csv_sniffer_on_ragged_text(rows: list[list[str]], tmp_path: Path) -> None:
    """Ragged, quoted, empty-field CSV text gives a profile or a DataReadError, nothing else."""
    from mlaudit.scanners.data.readers import DataReadError

    path = tmp_path / "r.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    try:
        prof = profile_file(path, "r.csv")
        assert prof.rows is None or prof.rows >= 0
    except DataReadError:
        pass


def test_truncated_raw_line_regression() -> None:
    """Fuzz finding: a raw rename line cut before its paths raised IndexError; it is now ignored."""
    start, end, _ = markers()
    chunk = b"a" * 40 + b"\x1f" * 9 + end + b"\n:100644 100644 " + b"1" * 40 + b" " + b"\xff" * 40 + b" R100"
    ((commit, changes),) = list(split_commits([start + chunk], start, end))
    assert commit.sha == "a" * 40 and changes == []
