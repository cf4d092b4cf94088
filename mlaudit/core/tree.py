"""TreeSource: the files of the working tree or of any commit, through one read-only interface."""

from __future__ import annotations

import fnmatch
import io
import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mlaudit.core.gitcmd import decode_path, run_git
from mlaudit.core.objects import BlobTooLarge, GitObjects
from mlaudit.core.repo import RepoInfo, resolve_rev
from mlaudit.core.templates import is_template_path

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
SKIPPED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "node_modules", ".mypy_cache", ".pytest_cache", ".tox"}
WORKTREE = "WORKTREE"


class FileTooLarge(Exception):
    """A file is over the reader's size cap."""


@dataclass(slots=True, frozen=True)
class TreeEntry:
    """One file in a tree: display path (posix), size, git blob id (None for untracked files), kind."""

    path: str
    size: int
    blob: str | None = None
    kind: str = "file"  # file | symlink | submodule | special


class TreeSource(ABC):
    """The files of one tree; every scanner reads through this, so it works at any commit."""

    rev: str | None  # commit sha, or None for the working tree
    max_bytes: int = DEFAULT_MAX_BYTES  # no whole-file read goes past this (the limits.max_file_bytes setting)

    def __init__(self) -> None:
        self._entries: dict[str, TreeEntry] | None = None

    @property
    def label(self) -> str:
        """A stable key for this tree: the commit sha, or WORKTREE."""
        return self.rev or WORKTREE

    @abstractmethod
    def _list(self) -> Iterator[TreeEntry]: ...

    @abstractmethod
    def _open_entry(self, entry: TreeEntry) -> AbstractContextManager[BinaryIO]: ...

    def entries(self) -> dict[str, TreeEntry]:
        """Every entry of the tree by path (listed once, then cached)."""
        if self._entries is None:
            self._entries = {e.path: e for e in self._list()}
        return self._entries

    def files(self) -> list[TreeEntry]:
        """The project's regular files (no symlinks, submodules, special files or template files), sorted by path.

        Files under a Jinja-placeholder folder (``{{ cookiecutter.repo_name }}/...``) are a template rendered into
        other projects, not this project's code or data: they are listed by ``template_files`` instead."""
        return [e for e in self.all_files() if not is_template_path(e.path)]

    def all_files(self) -> list[TreeEntry]:
        """Every regular file, template files included (for readers that must see everything: model security)."""
        return sorted((e for e in self.entries().values() if e.kind == "file"), key=lambda e: e.path)

    def template_files(self) -> list[TreeEntry]:
        """Regular files whose path holds a Jinja placeholder (see ``mlaudit.core.templates``)."""
        return [e for e in self.all_files() if is_template_path(e.path)]

    def entry(self, path: str) -> TreeEntry | None:
        return self.entries().get(path)

    def exists(self, path: str) -> bool:
        e = self.entry(path)
        return e is not None and e.kind == "file"

    def glob(self, *patterns: str) -> list[TreeEntry]:
        """Regular files whose path or file name matches any of the fnmatch patterns."""
        out = []
        for e in self.files():
            name = e.path.rsplit("/", 1)[-1]
            if any(fnmatch.fnmatch(e.path, p) or fnmatch.fnmatch(name, p) for p in patterns):
                out.append(e)
        return out

    @contextmanager
    def open(self, path: str) -> Iterator[BinaryIO]:
        """Stream a regular file; raise FileNotFoundError for anything else."""
        e = self.entry(path)
        if e is None or e.kind != "file":
            raise FileNotFoundError(path)
        with self._open_entry(e) as fh:
            yield fh

    def read_bytes(self, path: str, max_bytes: int | None = None) -> bytes:
        """Whole file bytes; raise FileTooLarge over ``max_bytes`` or the tree's own cap, whichever is lower."""
        max_bytes = self.max_bytes if max_bytes is None else min(max_bytes, self.max_bytes)
        e = self.entry(path)
        if e is None or e.kind != "file":
            raise FileNotFoundError(path)
        if e.size > max_bytes:
            raise FileTooLarge(f"{path} is {e.size} bytes, over the {max_bytes}-byte cap")
        with self._open_entry(e) as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise FileTooLarge(f"{path} grew past the {max_bytes}-byte cap while reading")
        return data

    def read_head(self, path: str, n: int) -> bytes:
        """The first ``n`` bytes of a file (for content sniffing)."""
        with self.open(path) as fh:
            return fh.read(n)

    def read_text(self, path: str, max_bytes: int = 8 * 1024 * 1024) -> str:
        """File text decoded as UTF-8 (invalid bytes replaced)."""
        return self.read_bytes(path, max_bytes).decode("utf-8", "replace")

    def close(self) -> None:  # noqa: B027 - a no-op unless the tree holds git processes
        """Release any git processes held by this tree."""


class WorkingTreeSource(TreeSource):
    """The files on disk: git-tracked and untracked-but-not-ignored files, or every file of a plain folder."""

    def __init__(self, repo: RepoInfo) -> None:
        super().__init__()
        self.repo = repo
        self.root = repo.root
        self.rev = None
        self._fs_names: dict[str, str] = {}

    def _candidate_paths(self) -> Iterator[str]:
        if getattr(self.repo, "bare", False):
            return  # a bare repository has no working tree (its folder holds git's objects, not project files)
        if self.repo.is_git:
            raw = run_git(self.root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
            seen = set()
            for item in raw.split(b"\0"):
                if item and item not in seen:
                    seen.add(item)
                    yield os.fsdecode(item)
            return
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
            rel = os.path.relpath(dirpath, self.root)
            for name in sorted(filenames):
                yield name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")

    def _inside(self, rel: str, cache: dict[str, bool]) -> bool:
        """Whether the folder holding ``rel`` resolves inside the root (an index path under a folder replaced by a
        symlink to elsewhere would otherwise be read through it)."""
        parent = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if parent not in cache:
            real_root = os.path.realpath(self.root)
            real = os.path.realpath(self.root / parent) if parent else real_root
            cache[parent] = real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
        return cache[parent]

    def _list(self) -> Iterator[TreeEntry]:
        inside: dict[str, bool] = {}
        for rel in self._candidate_paths():
            full = self.root / rel
            try:
                st = os.lstat(full)
            except OSError:
                continue  # deleted in the working tree, or unreadable directory
            if not self._inside(rel, inside):
                display = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                yield TreeEntry(display, 0, None, "symlink")  # reached through a linked folder: never read
                continue
            display = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            if display != rel:
                self._fs_names[display] = rel
            if stat.S_ISLNK(st.st_mode):
                kind = "symlink"
            elif stat.S_ISDIR(st.st_mode):
                kind = "submodule"
            elif stat.S_ISREG(st.st_mode):
                kind = "file"
            else:
                kind = "special"
            yield TreeEntry(display, st.st_size if kind == "file" else 0, None, kind)

    def fs_path(self, path: str) -> Path:
        """The on-disk path of an entry (display paths escape non-UTF-8 bytes; the disk name does not)."""
        self.entries()
        return self.root / self._fs_names.get(path, path)

    @contextmanager
    def _open_entry(self, entry: TreeEntry) -> Iterator[BinaryIO]:
        full = self.fs_path(entry.path)
        # O_NOFOLLOW: a symlink swapped in after listing is refused; O_NONBLOCK: a FIFO never blocks.
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise FileNotFoundError(f"{entry.path} is not a regular file")
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            fh = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        with fh:
            yield fh


class CommitTreeSource(TreeSource):
    """The files of one commit, read from git objects (no checkout, nothing written)."""

    rev: str  # always a resolved commit sha here

    def __init__(self, repo: RepoInfo, rev: str, objects: GitObjects | None = None) -> None:
        super().__init__()
        self.repo = repo
        self.rev = resolve_rev(repo, rev)
        self._objects = objects
        self._own_objects = objects is None

    @property
    def objects(self) -> GitObjects:
        if self._objects is None:
            self._objects = GitObjects(self.repo.root)
        return self._objects

    def _list(self) -> Iterator[TreeEntry]:
        raw = run_git(self.repo.root, ["ls-tree", "-r", "-z", "--long", "--full-tree", self.rev])
        for item in raw.split(b"\0"):
            if not item:
                continue
            meta, _, path = item.partition(b"\t")
            mode, otype, sha, size = meta.split()
            if otype == b"commit":
                kind = "submodule"
            elif mode == b"120000":
                kind = "symlink"
            else:
                kind = "file"
            yield TreeEntry(decode_path(path), int(size) if size != b"-" else 0, sha.decode(), kind)

    @contextmanager
    def _open_entry(self, entry: TreeEntry) -> Iterator[BinaryIO]:
        assert entry.blob is not None
        if entry.size <= 8 * 1024 * 1024:
            try:
                yield io.BytesIO(self.objects.read(entry.blob))
            except BlobTooLarge:  # pragma: no cover - size known from ls-tree
                raise FileTooLarge(entry.path) from None
            return
        with self.objects.open(entry.blob) as fh:
            yield fh

    def close(self) -> None:
        if self._own_objects and self._objects is not None:
            self._objects.close()
            self._objects = None


def open_tree(repo: RepoInfo, rev: str | None = None, max_bytes: int | None = None) -> TreeSource:
    """The working tree when ``rev`` is None, otherwise the tree of that commit; ``max_bytes`` caps every read."""
    tree: TreeSource = WorkingTreeSource(repo) if rev is None or rev == WORKTREE else CommitTreeSource(repo, rev)
    if max_bytes is not None:
        tree.max_bytes = int(max_bytes)
    return tree


def repo_path(root: Path, display_path: str) -> Path:
    """The on-disk path of a working-tree entry (display paths are posix, relative)."""
    return root / display_path
