"""Reading files of an audited repo safely: regular files only, never past the repo, never past a byte cap.

Every path mlaudit derives from repo content (a DVC hash, a ``path:`` in dvc.lock, a symlink, an MLflow
folder) goes through ``contained`` before it is opened; ``open_regular`` opens with ``O_NOFOLLOW`` and
``O_NONBLOCK`` and checks ``fstat`` so a FIFO, a device or a symlink swapped in later is never read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

DEFAULT_META_BYTES = 4 * 1024 * 1024  # metadata files (meta.yaml, .dvc, dvc.lock, params)


class UnsafePath(OSError):
    """A path derived from repo content that must not be read (outside the repo, or not a regular file)."""


class OutsideRepo(UnsafePath):
    """The path resolves outside every allowed root: reported as "points outside the repository"."""


def contained(path: Path, roots: Iterable[Path]) -> Path:
    """``path`` fully resolved (symlinks followed); raise OutsideRepo unless it lies under one of ``roots``."""
    real = Path(os.path.realpath(path))
    for root in roots:
        base = Path(os.path.realpath(root))
        if real == base or base in real.parents:
            return real
    raise OutsideRepo(f"{path} points outside the repository (to {real}); not read")


def is_regular(path: Path) -> bool:
    """True for a regular file that is not a symlink (lstat: nothing is followed or opened)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def is_real_dir(path: Path) -> bool:
    """True for a directory that is not a symlink."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


@contextmanager
def open_regular(path: Path, follow: bool = False) -> Iterator[BinaryIO]:
    """Open a regular file for reading; raise UnsafePath for a FIFO, device, socket or (unless ``follow``) symlink.

    ``follow`` is for paths already checked by ``contained`` (the last component may be a link the check resolved).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: the last component is a symlink
            raise UnsafePath(f"{path} is a symbolic link; not followed") from exc
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "FIFO" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"
            raise UnsafePath(f"{path} is a {kind}, not a regular file; not read")
        os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh


def read_regular(path: Path, max_bytes: int = DEFAULT_META_BYTES, follow: bool = False) -> bytes:
    """A regular file's bytes, at most ``max_bytes``; raise UnsafePath over the cap or for anything not regular."""
    with open_regular(path, follow) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafePath(f"{path} is larger than the {max_bytes}-byte cap for metadata files; not read")
    return data


def read_text_regular(path: Path, max_bytes: int = DEFAULT_META_BYTES, follow: bool = False) -> str:
    """``read_regular`` decoded as UTF-8 (invalid bytes replaced)."""
    return read_regular(path, max_bytes, follow).decode("utf-8", "replace")
