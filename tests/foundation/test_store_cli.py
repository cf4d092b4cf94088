"""Store (WAL, newer-schema refusal) and CLI errors (one line on stderr, exit 2, no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlaudit import __version__
from mlaudit.cli import cli
from mlaudit.core.errors import StoreError
from mlaudit.store.db import open_store
from mlaudit.store.schema import SCHEMA_VERSION


@pytest.fixture
def small_repo(make_repo):
    """A two-commit repo."""
    repo = make_repo()
    repo.commit("one", {"train.py": "print(1)\n", "data/a.csv": "x\n1\n"})
    repo.commit("two", {"data/a.csv": "x\n2\n"})
    return repo


def one_line_error(result) -> str:
    """Assert a CLI result is a user error: exit 2, one stderr line, no traceback; return the line."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlaudit: error: "), result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def test_store_is_wal(store_path: Path) -> None:
    """A new store uses WAL journaling and records the schema version."""
    with open_store(store_path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.meta("schema_version") == str(SCHEMA_VERSION)


def test_newer_schema_version_is_refused(store_path: Path) -> None:
    """A store whose schema_version is above this mlaudit's is refused with advice."""
    with open_store(store_path) as store:
        store.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(StoreError, match=r"newer mlaudit .* upgrade mlaudit"):
        open_store(store_path)


def test_unknown_migration_is_refused(store_path: Path) -> None:
    """A store carrying a migration of an mlaudit set this version does not know is refused."""
    with open_store(store_path) as store:
        store.db["_sqlite_migrations"].insert(
            {"migration_set": "mlaudit.core", "name": "m999_future", "applied_at": "2030-01-01"}, alter=True
        )
    with pytest.raises(StoreError, match=r"newer mlaudit .*mlaudit\.core:m999_future"):
        open_store(store_path)


def test_store_inside_repo_is_refused(small_repo) -> None:
    """--db pointing inside the audited repo is refused (mlaudit never writes there)."""
    result = CliRunner().invoke(cli, ["scan", str(small_repo.root), "--db", str(small_repo.root / "s.sqlite")])
    assert "inside the audited repo" in one_line_error(result)
    assert not (small_repo.root / "s.sqlite").exists()


def test_missing_path_is_one_line(tmp_path: Path) -> None:
    """A missing path: one error line, exit 2."""
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "nope")])
    assert "does not exist" in one_line_error(result)


def test_file_instead_of_folder_is_one_line(tmp_path: Path) -> None:
    """A file given as PATH: click's usage error, exit 2, no traceback."""
    (tmp_path / "f.txt").write_text("x")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "f.txt")])
    assert result.exit_code == 2 and "is a file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 folders, so permission denial cannot be produced")
def test_unreadable_path_is_one_line(tmp_path: Path) -> None:
    """A folder without read permission: one error line, exit 2."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        result = CliRunner().invoke(cli, ["scan", str(locked)])
        assert "permission denied" in one_line_error(result)
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "newer"])
def test_corrupt_store_is_one_line(small_repo, store_path: Path, damage: str) -> None:
    """A store that is not SQLite, a truncated store, or one from a newer mlaudit: one error line, exit 2."""
    runner = CliRunner()
    if damage == "garbage":
        store_path.parent.mkdir(parents=True)
        store_path.write_bytes(b"this is not a database" * 100)
    else:
        assert runner.invoke(cli, ["scan", str(small_repo.root), "--db", str(store_path)]).exit_code == 0
        if damage == "truncated":
            with open_store(store_path) as store:
                store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            data = store_path.read_bytes()
            store_path.write_bytes(data[: len(data) // 3])
        else:
            with open_store(store_path) as store:
                store.set_meta("schema_version", "999")
    result = runner.invoke(cli, ["scan", str(small_repo.root), "--db", str(store_path)])
    assert "store" in one_line_error(result)


def test_subprocess_errors_and_version(tmp_path: Path) -> None:
    """`python -m mlaudit` prints its version, and a missing path gives one stderr line and exit 2."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-m", "mlaudit", "--version"], check=False, capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and __version__ in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "mlaudit", "scan", str(tmp_path / "missing")], check=False, capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "does not exist" in proc.stderr
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"\x00" * 4096 + b"junk")
    (tmp_path / "repo").mkdir()
    proc = subprocess.run([sys.executable, "-m", "mlaudit", "scan", str(tmp_path / "repo"), "--db", str(bad)],
                          check=False, capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_reopening_a_migrated_store_skips_sqlite_utils(store_path: Path) -> None:
    """Creating a store (in a fresh process) loads sqlite_utils without pandas or numpy; reopening it, once
    stamped, loads none of them; the stamp names sqlite_utils' real migrations table."""
    import subprocess
    import sys

    from sqlite_utils import Migrations

    from mlaudit.store.db import MIGRATIONS_TABLE

    assert Migrations.migrations_table == MIGRATIONS_TABLE
    code = ("import sys; from pathlib import Path; from mlaudit.store.db import open_store; "
            f"s = open_store(Path({str(store_path)!r})); s.db.execute('SELECT COUNT(*) FROM commits').fetchone(); "
            "print(*[m in sys.modules for m in ('sqlite_utils', 'pandas', 'numpy')])")
    run = lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert run() == ["True", "False", "False"]
    assert run() == ["False", "False", "False"]
