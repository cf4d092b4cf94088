"""No-op rescans: nothing changed -> stored verdicts, nothing written, no heavy imports; any change -> a real rescan."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlaudit.audit import audit
from mlaudit.core.config import AuditConfig
from mlaudit.store.db import open_store

HEAVY = ("pandas", "scipy", "pyarrow", "PySide6")
CLI_SCAN = """
import json, sys
from mlaudit.cli import cli
try:
    cli(["scan", sys.argv[1], "--db", sys.argv[2], "--json"], prog_name="mlaudit")
except SystemExit as exc:
    code = exc.code
print("MODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[3].split(",")))), file=sys.stderr)
"""


def cli_scan(repo: Path, db: Path) -> tuple[dict, list[str]]:
    """Run ``mlaudit scan --json`` in a fresh process: its JSON and which heavy packages it imported."""
    proc = subprocess.run([sys.executable, "-c", CLI_SCAN, str(repo), str(db), ",".join(HEAVY)],
                          capture_output=True, text=True, check=True)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES ")][-1]
    return json.loads(proc.stdout), json.loads(line.removeprefix("MODULES "))


@pytest.fixture
def ml_repo(make_repo):
    """A repo with code, a CSV and a pickle, so a real scan reads data and models."""
    repo = make_repo()
    repo.commit("init", {"train.py": "import pandas as pd\ndf = pd.read_csv('data/train.csv')\n",
                         "data/train.csv": "a,b\n" + "".join(f"{i},{i % 3}\n" for i in range(200)),
                         "models/model.pkl": b"\x80\x04K\x01."})
    return repo


def store_bytes(db: Path) -> int:
    """Bytes of the store and its WAL."""
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if not p.name.endswith(".lock"))


def test_noop_rescan_reuses_verdicts_without_heavy_imports(ml_repo, store_path: Path) -> None:
    """The CLI's second scan returns the same verdicts, imports no pandas/scipy/pyarrow/Qt and grows the store by 0 bytes."""
    first, first_mods = cli_scan(ml_repo.root, store_path)
    assert "pandas" in first_mods  # the real scan does read the data (so the check below can fail)
    size = store_bytes(store_path)
    second, second_mods = cli_scan(ml_repo.root, store_path)
    assert second_mods == []
    assert [(c["id"], c["status"], c["value"]) for c in second["checks"]] == [(c["id"], c["status"], c["value"]) for c in first["checks"]]
    assert second["new_commits"] == 0 and first["new_commits"] == 1
    assert store_bytes(store_path) == size
    with open_store(store_path) as store:
        assert store.db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 1


def test_any_change_rescans(ml_repo, store_path: Path) -> None:
    """A new commit, an edited file (even one already modified), an untracked file or other settings each give a real scan."""
    scans = [audit(ml_repo.root, store_path).scan_id]
    assert audit(ml_repo.root, store_path).scan_id == scans[0]
    ml_repo.commit("more", {"train.py": "x = 2\n"})
    scans.append(audit(ml_repo.root, store_path).scan_id)
    (ml_repo.root / "train.py").write_text("x = 3\n")
    scans.append(audit(ml_repo.root, store_path).scan_id)
    (ml_repo.root / "train.py").write_text("x = 33\n")  # same git status line, other content
    scans.append(audit(ml_repo.root, store_path).scan_id)
    (ml_repo.root / "new.py").write_text("y = 1\n")
    scans.append(audit(ml_repo.root, store_path).scan_id)
    scans.append(audit(ml_repo.root, store_path, config=AuditConfig(thresholds={"repro.binary_bytes": 1})).scan_id)
    assert len(set(scans)) == len(scans) == 6
    assert audit(ml_repo.root, store_path, config=AuditConfig(thresholds={"repro.binary_bytes": 1})).scan_id == scans[-1]


def test_old_verdicts_are_pruned(ml_repo, store_path: Path) -> None:
    """Only the newest verdicts of the working tree are kept: repeated real rescans do not pile up check results."""
    audit(ml_repo.root, store_path)
    ml_repo.commit("more", {"train.py": "x = 2\n"})
    last = audit(ml_repo.root, store_path)
    with open_store(store_path) as store:
        kept = {r[0] for r in store.db.execute("SELECT DISTINCT scan_id FROM check_results WHERE rev = 'WORKTREE'")}
    assert kept == {last.scan_id}


def test_plain_folder_always_rescans(tmp_path: Path, store_path: Path) -> None:
    """A folder outside git has no cheap state summary, so every audit is a real one."""
    root = tmp_path / "plain"
    root.mkdir()
    (root / "train.py").write_text("x = 1\n")
    assert audit(root, store_path).scan_id != audit(root, store_path).scan_id


def test_deleted_store_rescans(ml_repo, store_path: Path) -> None:
    """With its store gone, an unchanged repo is scanned again from scratch."""
    audit(ml_repo.root, store_path)
    shutil.rmtree(store_path.parent)
    assert audit(ml_repo.root, store_path).counts["new_commits"] == 1
