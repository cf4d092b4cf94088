"""The hostile corpus: a real git repo (plus working-tree oddities) generated on the fly, each case with its verdict.

Nothing here is committed as a binary; every payload is crafted byte by byte and would create the canary
file if anything ever loaded or ran it.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mlaudit.sample_projects.gitrepo import GitRepo

from tests.models import corpus as models

SECRET = "OUTSIDE-SECRET-7f3a9c"  # content of a file outside the repo that a symlink points at
BIG_BYTES = 3 * 1024 * 1024  # over the cap the corpus test configures (limits 1 MiB)
CAP_BYTES = 1024 * 1024


@dataclass(slots=True)
class Case:
    """One hostile input: where it is, how to judge it (``check``) and the verdict mlaudit must give."""

    name: str
    path: str
    check: str  # model | model-history | data | notebook | commit | submodule | skipped | store
    expected: str
    note: str = ""


def _csv_wide(cols: int) -> bytes:
    head = ",".join(f"c{i}" for i in range(cols))
    row = ",".join(str(i % 10) for i in range(cols))
    return f"{head}\n{row}\n{row}\n".encode()


def _notebook(cells: int) -> bytes:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": ["x = 1\n"]}
    return json.dumps({"cells": [cell] * cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def _deep_pickle(depth: int) -> bytes:
    """Nested empty lists ``depth`` deep (EMPTY_LIST + MARK ... APPENDS) - a stack-depth attack."""
    return b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."


def _crc_zeroed(zip_bytes: bytes) -> bytes:
    """Zero the CRC-32 of every member in both the local headers and the central directory."""
    data = bytearray(zip_bytes)
    for sig, crc_at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        i = data.find(sig)
        while i >= 0:
            data[i + crc_at:i + crc_at + 4] = bytes(4)
            i = data.find(sig, i + 4)
    return bytes(data)


def _gzip_bomb() -> bytes:
    import zlib

    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    return comp.compress(b"a,b\n" + b"0,0\n" * (2 << 20)) + comp.flush()


def committed_cases(canary: Path) -> tuple[dict[str, bytes], list[Case]]:
    """Files committed at HEAD, with their cases."""
    files: dict[str, bytes] = {}
    cases: list[Case] = []
    for name, payload in models.malicious_corpus(canary).items():
        path = f"models/{name}"
        files[path] = payload
        cases.append(Case(f"pickle evasion {name}", path, "model", "dangerous"))
    extra = {
        "models/zip_bomb.pt": (models.zip_bomb(), "model", "inconclusive", "40 MB member from 40 KB; read within the caps: zeros, not a pickle"),
        "models/bad_crc.pt": (models.bad_crc_zip(f"touch {canary}"), "model", "dangerous", "payload in a member whose CRC fails"),
        "models/crc_zeroed.pt": (_crc_zeroed(models.torch_zip(models.global_call("os", "system", f"touch {canary}"))), "model",
                                 "dangerous", "intact payload, CRC fields zeroed (scanners that stop at the CRC error miss it)"),
        "models/huge_header.safetensors": (models.safetensors_file(header_len=1 << 60), "model", "inconclusive", "absurd header length"),
        "models/huge_count.gguf": (models.gguf_file(n_tensors=1 << 62), "model", "inconclusive", "absurd tensor count"),
        "models/deep.pkl": (_deep_pickle(100_000), "model", "safe", "100,000 nested lists"),
        "models/truncated.pkl": (models.global_call("os", "system", f"touch {canary}")[:-6], "model", "dangerous", "cut mid-stream"),
        "models/junk.pkl": (bytes(range(256)) * 64, "model", "not a model", "binary junk under a model name"),
        "data/binary.csv": (bytes(range(256)) * 64, "data", "error", "binary junk under a data name"),
        "data/latin1.csv": ("name,city\nJos\xe9,S\xe3o Paulo\n".encode("latin-1") * 50, "data", "profiled", "invalid UTF-8"),
        "data/ragged.csv": (b"a,b,c\n1,2\n1,2,3,4,5\n\n7\n" * 50, "data", "error", "rows of every length"),
        "data/wide.csv": (_csv_wide(20_000), "data", "error", "20,000 columns: over the column cap"),
        "data/one_line.csv": (b"x" * BIG_BYTES, "data", "error", "one 3 MB line without a newline"),
        "data/bomb.csv.gz": (_gzip_bomb(), "data", "error", "8 MiB of rows from 8 KiB: refused by data.max_ratio (it used to stop the scan)"),
        "data/deep.jsonl": (b"[" * 100_000 + b"]" * 100_000 + b"\n", "data", "error", "100,000-deep JSON line (crashes pyarrow)"),
        "models/big.pkl": (b"\x80\x04" + b"N" * BIG_BYTES + b".", "model", "inconclusive", "over the 1 MiB cap: not read"),
        "notebooks/invalid.ipynb": (b'{"cells": [ {"cell_type": "code", ', "notebook", "no crash", "invalid JSON"),
        "notebooks/many_cells.ipynb": (_notebook(10_000), "notebook", "no crash", "10,000 cells"),
    }
    for path, (payload, check, expected, note) in extra.items():
        files[path] = payload
        cases.append(Case(path.split("/", 1)[1], path, check, expected, note))
    return files, cases


def build(root: Path, canary: Path) -> list[Case]:
    """Build the hostile repo at ``root`` (outside files next to it) and return every case."""
    repo = GitRepo(root)
    files, cases = committed_cases(canary)
    payload = models.global_call("os", "system", f"touch {canary}")
    history_only = repo.commit("add weights", {"weights/old.bin": payload, "train.py": "print('train')\n"})
    repo.commit("remove weights", remove=["weights/old.bin"])
    cases.append(Case("malicious file only in history", "weights/old.bin", "model-history", "dangerous", history_only))
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "committed_link.csv").symlink_to("../../outside-secret.csv")
    cases.append(Case("committed symlink pointing outside", "data/committed_link.csv", "skipped", "skipped",
                      "a symlink blob (mode 120000) is not data: neither its link text nor its target is read"))
    repo.commit("hostile files", files)

    sub = GitRepo(root.parent / "sub-origin")
    sub_head = sub.commit("sub", {"x.py": "x\n"})
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sub_head},vendor/broken")
    repo.tick += 1
    repo.git("commit", "-q", "-m", "broken submodule: gitlink without .gitmodules, commit not present")
    cases.append(Case("broken submodule", "vendor/broken", "submodule", "recorded, not entered"))

    for name, date in (("epoch", "@1 +0000"), ("year 2100", "@4102444800 +0000")):
        (root / "dates.txt").write_text(name)
        repo.git("add", "dates.txt")
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(["git", "commit", "-q", "-m", name], cwd=root, env=env, check=True)
        cases.append(Case(f"commit dated {name}", date.split()[0].lstrip("@"), "commit", "time kept"))
    tree = repo.git("rev-parse", "HEAD^{tree}")
    parent = repo.git("rev-parse", "HEAD")
    raw = f"tree {tree}\nparent {parent}\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n\n".encode()
    sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", "--stdin", input=raw + b"bad \xff\xfe message\n")
    repo.git("update-ref", "refs/heads/main", sha)
    cases.append(Case("non-UTF-8 commit message", sha, "commit", "message replaced"))

    # Working-tree only: things git cannot or should not hold.
    outside = root.parent / "outside-secret.csv"
    outside.write_text(f"token\n{SECRET}\n")
    (root / "data" / "link_out.csv").symlink_to(outside)
    cases.append(Case("symlink to a file outside the repo", "data/link_out.csv", "skipped", "skipped"))
    (root / "data" / "outside_dir").symlink_to(root.parent)
    cases.append(Case("symlink to a folder outside the repo", "data/outside_dir", "skipped", "skipped"))
    (root / "loop_a").symlink_to(root / "loop_b")
    (root / "loop_b").symlink_to(root / "loop_a")
    (root / "data" / "self").symlink_to(root / "data")
    cases.append(Case("symlink loops", "loop_a", "skipped", "skipped"))
    os.mkfifo(root / "data" / "pipe.csv")
    cases.append(Case("FIFO named like data", "data/pipe.csv", "skipped", "skipped"))
    os.mkfifo(root / "models" / "pipe.pkl")
    cases.append(Case("FIFO named like a model", "models/pipe.pkl", "skipped", "skipped"))
    locked = root / "data" / "locked.csv"
    locked.write_text("a\n1\n")
    locked.chmod(0)
    cases.append(Case("unreadable file (chmod 000)", "data/locked.csv", "data", "profiled" if os.geteuid() == 0 else "error",
                      "root can still read it"))
    latin = os.fsdecode(b"data/caf\xe9.csv")
    (root / latin).write_bytes(b"a,b\n1,2\n")
    cases.append(Case("non-UTF-8 file name", "data/caf\\xe9.csv", "data", "profiled|error",
                      "profiled once phase_data opens tree.fs_path(); today recorded as unreadable, no crash"))
    deep = root / "deep"
    for i in range(12):
        deep = deep / ("d" * 200 + str(i))
    deep.mkdir(parents=True)
    long_name = "n" * 250 + ".csv"
    (deep / long_name).write_text("a\n1\n")
    cases.append(Case("very long path (2,400+ bytes)", str((deep / long_name).relative_to(root)), "data", "profiled"))
    cases.append(Case("store outside the repo", ".", "store", "nothing written"))
    return cases


def verdict(db, case: Case) -> str:
    """What the store says about one case, in the vocabulary of ``Case.expected``."""
    q = lambda sql, *a: db.execute(sql, list(a)).fetchall()
    if case.check in ("model", "model-history"):
        source = "AND mv.source = 'git'" if case.check == "model-history" else ""
        got = q(f"SELECT DISTINCT mb.verdict, mb.findings, mb.format FROM model_versions mv JOIN model_blobs mb "
                f"ON mb.key = mv.key WHERE mv.path = ? {source}", case.path)
        if not got:
            return "not a model" if not q("SELECT 1 FROM scan_errors WHERE path = ?", case.path) else "error"
        out = set()
        for v, findings, fmt in got:
            kinds = sorted({f.split(": ", 2)[1] for f in json.loads(findings or "[]") if f.startswith(("critical", "high"))})
            out.add("not a model" if fmt == "unknown" else v if v != "safe" else f"safe+{kinds[0]}" if kinds else v)
        return "/".join(sorted(out))
    if case.check == "data":
        got = q("SELECT DISTINCT dp.error IS NULL AND dp.rows IS NOT NULL FROM data_versions dv "
                "JOIN data_profiles dp ON dp.key = dv.key WHERE dv.path = ?", case.path)
        if got:
            return "/".join(sorted("profiled" if ok else "error" for (ok,) in got))
        return "error" if q("SELECT 1 FROM scan_errors WHERE path = ?", case.path) else "skipped"
    if case.check == "notebook":
        return "no crash"
    if case.check == "commit":
        if case.path.isdigit():
            return "time kept" if q("SELECT 1 FROM commits WHERE committer_time = ?", int(case.path)) else "missing"
        (message,) = q("SELECT message FROM commits WHERE sha = ?", case.path)[0]
        return "message replaced" if "\ufffd" in message else message
    if case.check == "submodule":
        entry = q("SELECT 1 FROM file_changes WHERE path = ? AND mode = '160000'", case.path)
        inner = q("SELECT 1 FROM file_changes WHERE path LIKE ?", case.path + "/%")
        return "recorded, not entered" if entry and not inner else "wrong"
    if case.check == "skipped":
        read = q("SELECT 1 FROM data_versions WHERE path = ? OR path LIKE ? UNION ALL "
                 "SELECT 1 FROM model_versions WHERE path = ? OR path LIKE ?", case.path, case.path + "/%", case.path, case.path + "/%")
        return "read" if read else case.expected
    return case.expected
