"""The fault matrix: one small hostile repository per class of input, each in several spellings.

Every repo also holds the benign controls (a good CSV that must be profiled, a dangerous pickle that must
be flagged) so a test can prove the bad files did not stop the audit of the rest. Payloads are built byte
by byte here; nothing hostile is committed to this project.

Classes: uri (SQLite names that look like URI parameters), escape (paths out of the repo), bombs
(decompression and row bombs), parsers (nesting and alias bombs, hostile SQLite), special (FIFOs and
device symlinks), and the git/store states built by the tests themselves (bare repo, corrupt object).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import sqlite3
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from mlaudit.sample_projects.gitrepo import GitRepo
from mlaudit.sample_projects.mlflow_store import SCHEMA

from tests.models import corpus as models

SECRET = "OUTSIDE-SECRET-51c0ffee"
GOOD_CSV = "data/good.csv"
EVIL_PKL = "models/evil.pkl"
CLASSES = ("uri", "escape", "bombs", "parsers", "special")


@dataclass(slots=True)
class Fault:
    """One built repo of a class: where it is, what lies outside it, and the paths each check must see."""

    cls: str
    root: Path
    outside: Path  # a folder next to the repo holding files only an escape could reach
    spellings: list[str] = field(default_factory=list)  # paths (or labels) of the hostile inputs
    expect_issue: dict[str, str] = field(default_factory=dict)  # path -> text its scan issue must contain
    config: dict[str, float] = field(default_factory=dict)  # thresholds the test scan runs with


def controls(canary: Path) -> dict[str, bytes]:
    """The benign controls: a CSV that must be profiled and a pickle that must be flagged dangerous."""
    rows = "".join(f"{i},{i * 0.5},{'ab'[i % 2]}\n" for i in range(200))
    return {GOOD_CSV: ("id_x,value,label\n" + rows).encode(),
            EVIL_PKL: models.global_call("os", "system", f"touch {canary}"),
            "train.py": b"import pandas as pd\ndf = pd.read_csv('data/good.csv')\n"}


def mlflow_sqlite(extra_sql: str = "", run_id: str = "a" * 32) -> bytes:
    """A small, valid MLflow SQLite backend, with ``extra_sql`` run after the schema (the hostile part)."""
    buf = Path(os.environ.get("TMPDIR", "/tmp")) / f"mlflow-{os.getpid()}-{hashlib.sha1((extra_sql + run_id).encode()).hexdigest()[:8]}.db"
    buf.unlink(missing_ok=True)
    con = sqlite3.connect(buf)
    try:
        con.executescript(SCHEMA)
        con.execute("INSERT INTO experiments VALUES (0, 'Default', 'file:///x/0', 'active', 1, 1)")
        con.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (run_id, "r", "UNKNOWN", "", "", "ci", "FINISHED", 1, 2, None, "", "active", "file:///x/0/a", 0))
        con.execute("INSERT INTO params VALUES ('depth', '3', ?)", (run_id,))
        if extra_sql:
            con.executescript(extra_sql)
        con.commit()
    finally:
        con.close()
    data = buf.read_bytes()
    buf.unlink()
    return data


def _new(cls: str, base: Path, canary: Path) -> tuple[GitRepo, Fault]:
    root, outside = base / cls / "repo", base / cls / "outside"
    outside.mkdir(parents=True)
    (outside / "secret.csv").write_text(f"token,n\n{SECRET},1\n{SECRET},2\n")
    return GitRepo(root), Fault(cls, root, outside)


def build_uri(base: Path, canary: Path) -> Fault:
    """MLflow SQLite files whose committed names hold URI syntax (``%2e%2e%2f``, ``?mode=rwc``, ``#``)."""
    repo, fault = _new("uri", base, canary)
    names = ["sub/%2e%2e%2f%2e%2e%2f%2e%2e%2fescaped?mode=rwc#.db",
             "sub/mlflow.db?mode=rwc&vfs=unix-none#.db",
             "sub/%3Fmode%3Drwc.sqlite",
             "a b#c?immutable=0.sqlite3"]
    files = {n: mlflow_sqlite(run_id=f"{i:032x}") for i, n in enumerate(names)} | controls(canary)
    repo.commit("tracking stores with URI-looking names", files)
    fault.spellings = names
    return fault


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def build_escape(base: Path, canary: Path) -> Fault:
    """Paths derived from repo content that lead out of it: DVC md5/path, cache symlinks, .dir listings, linked folders."""
    repo, fault = _new("escape", base, canary)
    secret = fault.outside / "secret.csv"
    rel_secret = os.path.relpath(secret, fault.root / ".dvc" / "cache" / "ab")
    good_md5 = "0" * 30 + "aa"
    dir_listing = json.dumps([{"md5": "1" * 32, "relpath": "../../../outside/secret.csv"}]).encode()
    dir_md5 = _md5(dir_listing) + ".dir"
    files = {
        "md5_escape.csv.dvc": b"outs:\n- md5: ../../../outside/secret\n  path: md5_escape.csv\n",
        "path_escape.dvc": f"outs:\n- md5: {good_md5}\n  path: ../../outside/secret.csv\n".encode(),
        "abs_path.dvc": f"outs:\n- md5: {good_md5}\n  path: {secret}\n".encode(),
        "listing.dvc": f"outs:\n- md5: {dir_md5}\n  path: listed\n".encode(),
        "dvc.lock": (f"schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - path: ../../../outside/secret.csv\n"
                     f"      md5: {good_md5}\n    - path: linked.csv\n      md5: {'ab' + '2' * 30}\n").encode(),
    } | controls(canary)
    repo.commit("dvc metadata pointing outside", files)
    cache = fault.root / ".dvc" / "cache"
    (cache / "ab").mkdir(parents=True)
    (cache / "ab" / ("2" * 30)).symlink_to(rel_secret)  # a cache entry that is a symlink out of the repo
    (cache / "files" / "md5" / good_md5[:2]).mkdir(parents=True)
    (cache / "files" / "md5" / good_md5[:2] / good_md5[2:]).symlink_to(secret)
    (cache / dir_md5[:2]).mkdir(parents=True, exist_ok=True)
    (cache / dir_md5[:2] / dir_md5[2:]).write_bytes(dir_listing)
    # A committed folder replaced on disk by a symlink to the outside: git's index still lists data/in/secret.csv.
    repo.commit("data folder", {"data/in/secret.csv": b"token,n\nlocal,1\n"})
    (fault.root / "data" / "in" / "secret.csv").unlink()
    (fault.root / "data" / "in").rmdir()
    (fault.root / "data" / "in").symlink_to(fault.outside)
    (fault.root / "data" / "link.csv").symlink_to(secret)
    fault.spellings = ["md5_escape.csv.dvc", "path_escape.dvc", "abs_path.dvc", "listing.dvc", "dvc.lock",
                       ".dvc/cache symlink", "data/in -> outside", "data/link.csv"]
    fault.expect_issue = {"md5_escape.csv": "points outside the repository", "path_escape.dvc": "points outside the repository",
                          "abs_path.dvc": "points outside the repository", "listing.dvc": "points outside the repository",
                          "dvc.lock": "points outside the repository", "linked.csv": "points outside the repository"}
    return fault


def _gzip_bomb(unit: bytes, total: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = unit * ((1 << 20) // len(unit))
    out = [comp.compress(chunk) for _ in range(total // len(chunk))]
    return b"".join(out) + comp.flush()


def _stream_bomb(compressor, unit: bytes, total: int) -> bytes:
    chunk = unit * ((1 << 20) // len(unit))
    out = [compressor.compress(chunk) for _ in range(total // len(chunk))]
    return b"".join(out) + compressor.flush()


def build_bombs(base: Path, canary: Path, bomb_bytes: int = 8 << 20) -> Fault:
    """Decompression bombs in every codec, and row bombs (a Parquet of many rows, a long CSV)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    repo, fault = _new("bombs", base, canary)
    header, unit = b"a,b\n", b"0,0\n"
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("bomb.csv", "w") as member:
        member.write(header)
        chunk = unit * (1 << 18)
        for _ in range(bomb_bytes // len(chunk)):
            member.write(chunk)
    sink = io.BytesIO()
    rows = 3_000_000
    table = pa.table({"x": pa.array([7] * 1_000_000, pa.int64()), "y": pa.array(["k"] * 1_000_000)})
    with pq.ParquetWriter(sink, table.schema, compression="zstd") as writer:
        for _ in range(rows // 1_000_000):
            writer.write_table(table)
    files = {
        "data/bomb.csv.gz": gzip.compress(header) + _gzip_bomb(unit, bomb_bytes),
        "data/bomb.csv.bz2": bz2.compress(header) + _stream_bomb(bz2.BZ2Compressor(9), unit, bomb_bytes),
        "data/bomb.csv.xz": _stream_bomb(lzma.LZMACompressor(preset=1), header + unit * 262143, bomb_bytes),
        "data/bomb.csv.zip": zbuf.getvalue(),
        "data/bomb.jsonl.gz": _gzip_bomb(b'{"a": 0}\n', bomb_bytes),
        "data/many_rows.parquet": sink.getvalue(),
        "data/long.csv": header + unit * 400_000,
    } | controls(canary)
    repo.commit("bombs", files)
    fault.spellings = [p for p in files if p.startswith("data/") and p != GOOD_CSV]
    fault.expect_issue = {"data/bomb.csv.gz": "decompression bomb", "data/bomb.csv.bz2": "decompression bomb",
                          "data/bomb.csv.xz": "decompression bomb", "data/bomb.csv.zip": "decompression bomb",
                          "data/bomb.jsonl.gz": "decompression bomb",
                          "data/many_rows.parquet": f"of {rows} (bounded by data.max_rows",
                          "data/long.csv": "(bounded by data.max_rows"}
    fault.config = {"data.max_rows": 100_000}
    return fault


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 24) -> str:
    lines = ["m0: &m0 {k: v}"]
    for i in range(1, levels + 1):
        lines.append(f"m{i}: &m{i}\n  <<: [*m{i - 1}, *m{i - 1}]\n  k{i}: v")
    return "\n".join(lines) + "\n"


def build_parsers(base: Path, canary: Path) -> Fault:
    """Nesting and alias bombs for every parser (JSON lines, YAML, JSON, TOML) and hostile MLflow SQLite files."""
    repo, fault = _new("parsers", base, canary)
    depth = 200_000
    generated = ("ALTER TABLE params ADD COLUMN big BLOB GENERATED ALWAYS AS (hex(zeroblob(1000000000))) VIRTUAL;"
                 "ALTER TABLE runs ADD COLUMN huge TEXT GENERATED ALWAYS AS (printf('%.*c', 1500000000, 'x')) VIRTUAL;"
                 "ALTER TABLE tags ADD COLUMN z BLOB GENERATED ALWAYS AS (zeroblob(2000000000)) VIRTUAL;")
    files = {
        "data/deep.jsonl": b"[" * depth + b"]" * depth + b"\n",
        "data/deep_obj.jsonl": b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"\n",
        "data/deep_late.jsonl": b'{"a": 1}\n' * 1000 + b"[" * depth + b"]" * depth + b"\n",
        "params.yaml": billion_laughs().encode(),
        "dvc.yaml": (merge_bomb() + "stages:\n  s:\n    cmd: x\n").encode(),
        "dvc.lock": ("schema: '2.0'\n" + billion_laughs().replace("a0:", "stages: {}\na0:")).encode(),
        "metrics.json": b"[" * depth + b"]" * depth,
        "params.toml": b"a = " + b"[" * depth + b"]" * depth + b"\n",
        "config/params.toml": b"a" + b".a" * 200_000 + b" = 1\n",
        "scores.yaml": ("x:\n" + "".join(" " * (i + 1) + "x:\n" for i in range(3000))).encode(),
        "mlflow.db": mlflow_sqlite(generated),
        "tracking/junk.db": b"SQLite format 3\x00" + b"\xff" * 8192,
        "mlruns/0/meta.yaml": billion_laughs().encode(),
        "mlruns/1/meta.yaml": b"experiment_id: '1'\nname: e\n",
        "mlruns/1/" + "b" * 32 + "/meta.yaml": merge_bomb().encode(),
    } | controls(canary)
    repo.commit("parser bombs", files)
    fault.spellings = [p for p in files if p not in controls(canary)]
    fault.expect_issue = {"data/deep.jsonl": "nested", "data/deep_obj.jsonl": "nested", "data/deep_late.jsonl": "nested"}
    return fault


def build_special(base: Path, canary: Path) -> Fault:
    """FIFOs and symlinks to /dev/zero where metadata is read: mlflow.db, meta.yaml, .dvc, dvc.lock, aliases, data."""
    repo, fault = _new("special", base, canary)
    files = {"mlruns/1/meta.yaml": b"experiment_id: '1'\nname: e\n",
             "mlruns/models/m/meta.yaml": b"name: m\n"} | controls(canary)
    repo.commit("tracking", files)
    root = fault.root
    os.mkfifo(root / "mlflow.db")
    os.mkfifo(root / "mlruns" / "0")  # a FIFO where an experiment folder would be
    (root / "mlruns" / "2").mkdir()
    os.mkfifo(root / "mlruns" / "2" / "meta.yaml")
    (root / "mlruns" / "3").mkdir()
    (root / "mlruns" / "3" / "meta.yaml").symlink_to("/dev/zero")
    (root / "mlruns" / "models" / "m" / "aliases").mkdir(parents=True)
    os.mkfifo(root / "mlruns" / "models" / "m" / "aliases" / "champion")
    (root / "mlruns" / "1" / ("c" * 32)).mkdir()
    (root / "mlruns" / "1" / ("c" * 32) / "meta.yaml").symlink_to("/dev/zero")
    (root / "mlruns" / "1" / ("c" * 32) / "metrics").mkdir()
    os.mkfifo(root / "mlruns" / "1" / ("c" * 32) / "metrics" / "auc")
    os.mkfifo(root / "data.dvc")
    (root / "dvc.lock").symlink_to("/dev/zero")
    (root / "params.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "metrics.json")
    (root / "data" / "zero.csv").symlink_to("/dev/zero")
    os.mkfifo(root / "data" / "fifo.csv")
    (root / "models" / "zero.pkl").symlink_to("/dev/zero")
    artifacts = root / "mlruns" / "1" / ("c" * 32) / "artifacts"
    artifacts.mkdir()
    os.mkfifo(artifacts / "model.pkl")
    os.mkfifo(artifacts / "notes.bin")
    (artifacts / "weights.pt").symlink_to("/dev/zero")
    fault.spellings = ["mlflow.db", "mlruns/0", "mlruns/2/meta.yaml", "mlruns/3/meta.yaml", "aliases/champion",
                       "run meta.yaml", "metrics/auc", "data.dvc", "dvc.lock", "params.yaml", "metrics.json",
                       "data/zero.csv", "data/fifo.csv", "models/zero.pkl", "artifacts/model.pkl (FIFO)",
                       "artifacts/notes.bin (FIFO)", "artifacts/weights.pt -> /dev/zero"]
    return fault


BUILDERS = {"uri": build_uri, "escape": build_escape, "bombs": build_bombs, "parsers": build_parsers, "special": build_special}


def build(cls: str, base: Path, canary: Path) -> Fault:
    """Build the repo of fault class ``cls`` under ``base``."""
    return BUILDERS[cls](base, canary)
