"""Reader guarantees: the size cap, symlinks never followed, special files skipped (TreeSource level)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlaudit.core.config import AuditConfig
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import FileTooLarge, WorkingTreeSource, open_tree


@pytest.fixture
def odd_tree(make_repo, tmp_path: Path):
    """A repo with a 2 MB file committed, plus a FIFO and symlinks (outside, loop) in the working tree."""
    repo = make_repo()
    sha = repo.commit("big", {"big.csv": b"x,y\n" + b"1,2\n" * 500_000, "small.csv": "a\n1\n"})
    (tmp_path / "outside.txt").write_text("secret")
    (repo.root / "out.csv").symlink_to(tmp_path / "outside.txt")
    (repo.root / "loop.csv").symlink_to(repo.root / "loop.csv")
    os.mkfifo(repo.root / "pipe.csv")
    return repo, sha


@pytest.mark.parametrize("at_commit", [False, True])
def test_size_cap_bounds_every_whole_file_read(odd_tree, at_commit: bool) -> None:
    """With a 1 MiB cap, reading a 2 MB file raises FileTooLarge even when the caller asks for more."""
    repo, sha = odd_tree
    cap = AuditConfig(thresholds={"limits.max_file_bytes": 1 << 20}).threshold("limits.max_file_bytes")
    tree = open_tree(open_repo(repo.root), sha if at_commit else None, cap)
    try:
        with pytest.raises(FileTooLarge):
            tree.read_bytes("big.csv")
        with pytest.raises(FileTooLarge):
            tree.read_bytes("big.csv", 64 << 20)
        assert tree.read_bytes("small.csv") == b"a\n1\n"
    finally:
        tree.close()


def test_symlinks_and_fifos_are_listed_but_never_opened(odd_tree) -> None:
    """Symlinks (outside, loop) and FIFOs are typed entries, absent from files(), and refuse to open - without blocking."""
    repo, _ = odd_tree
    tree = WorkingTreeSource(open_repo(repo.root))
    kinds = {p: e.kind for p, e in tree.entries().items()}
    assert kinds["out.csv"] == kinds["loop.csv"] == "symlink"
    assert kinds.get("pipe.csv", "special") == "special"  # git does not even list a FIFO; a plain folder lists it as special
    assert [e.path for e in tree.files()] == ["big.csv", "small.csv"]
    for path in ("out.csv", "loop.csv", "pipe.csv"):
        with pytest.raises(FileNotFoundError):
            tree.read_bytes(path)


def test_plain_folder_fifo_is_special(tmp_path: Path) -> None:
    """In a plain folder (os.walk listing) a FIFO is typed special and never opened."""
    (tmp_path / "d").mkdir()
    os.mkfifo(tmp_path / "d" / "pipe.csv")
    (tmp_path / "d" / "ok.csv").write_text("a\n")
    tree = WorkingTreeSource(open_repo(tmp_path / "d"))
    assert tree.entry("pipe.csv").kind == "special" and [e.path for e in tree.files()] == ["ok.csv"]
    with pytest.raises(FileNotFoundError):
        tree.read_bytes("pipe.csv")


def test_symlink_swapped_in_after_listing_is_refused(odd_tree, tmp_path: Path) -> None:
    """A regular file replaced by a symlink between listing and reading is not followed (O_NOFOLLOW)."""
    repo, _ = odd_tree
    tree = WorkingTreeSource(open_repo(repo.root))
    assert tree.exists("small.csv")
    os.unlink(repo.root / "small.csv")
    (repo.root / "small.csv").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(OSError):
        tree.read_bytes("small.csv")


def test_fifo_swapped_in_after_listing_does_not_block(odd_tree) -> None:
    """A regular file replaced by a FIFO between listing and reading fails at once instead of blocking."""
    repo, _ = odd_tree
    tree = WorkingTreeSource(open_repo(repo.root))
    assert tree.exists("small.csv")
    os.unlink(repo.root / "small.csv")
    os.mkfifo(repo.root / "small.csv")
    with pytest.raises(FileNotFoundError):
        tree.read_bytes("small.csv")
