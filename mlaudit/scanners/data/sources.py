"""Where data content lives outside git objects: the DVC cache (2.x and 3.x layouts) and Git LFS objects.

Every path built from repo content (a DVC md5, a ``.dir`` listing's ``relpath``, an LFS oid) is validated
and resolved: it must be a well-formed hash and land, after symlinks, on a regular file under the repo or
its DVC cache / LFS store. Anything else raises ``OutsideRepo`` (reported as "points outside the
repository") and is never read.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mlaudit.core.safefs import OutsideRepo, UnsafePath, contained, read_text_regular

LFS_POINTER = re.compile(rb"^version https://git-lfs\.github\.com/spec/v1\s+oid sha256:([0-9a-f]{64})\s+size (\d+)", re.MULTILINE)
LFS_POINTER_MAX = 1024
AVAILABLE = "available"
MISSING = "not available locally"
MD5 = re.compile(r"^[0-9a-f]{32}(\.dir)?$")
OID = re.compile(r"^[0-9a-f]{64}$")
LISTING_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class DvcFile:
    """One file of a DVC out: its repo path and md5 (a directory out is expanded from its .dir listing)."""

    path: str
    md5: str
    size: int | None = None


def dvc_cache_roots(root: Path) -> list[Path]:
    """The folders a DVC cache file may resolve into: the repo only (a cache folder linked elsewhere is outside it)."""
    return [root]


def dvc_cache_file(root: Path, md5: str) -> Path | None:
    """The cache file of ``md5`` (3.x ``files/md5/xx/…`` or 2.x ``xx/…`` layout), resolved; None when absent.

    Raise OutsideRepo for a malformed hash or a cache entry (symlink) that resolves outside the repo and its cache;
    raise UnsafePath when the entry is not a regular file (FIFO, device).
    """
    md5 = str(md5).lower()
    if not MD5.match(md5):
        raise OutsideRepo(f"DVC hash {md5[:80]!r} is not an md5: a cache path built from it points outside the repository; not read")
    cache = root / ".dvc" / "cache"
    for candidate in (cache / "files" / "md5" / md5[:2] / md5[2:], cache / md5[:2] / md5[2:]):
        if os.path.lexists(candidate):
            real = contained(candidate, dvc_cache_roots(root))
            if not real.is_file() or not stat.S_ISREG(os.stat(real).st_mode):
                raise UnsafePath(f"DVC cache entry {candidate.relative_to(root)} is not a regular file; not read")
            return real
    return None


def repo_relative(path: str) -> str:
    """A repo path from DVC metadata, normalised; raise OutsideRepo when it leaves the repository."""
    norm = posixpath.normpath(str(path).replace("\\", "/"))
    if norm.startswith(("/", "../")) or norm == ".." or "\x00" in norm:
        raise OutsideRepo(f"DVC path {str(path)[:200]!r} points outside the repository; not read")
    return norm


def expand_dvc_out(root: Path, path: str, md5: str, size: int | None = None,
                   problems: list[str] | None = None) -> list[DvcFile]:
    """A file out as itself; a directory out (``.dir``) as its files when the listing is cached, else itself.

    Listing entries whose ``relpath`` leaves the out, or whose md5 is malformed, are skipped and described in ``problems``.
    """
    if not md5.endswith(".dir"):
        return [DvcFile(path, md5, size)]
    listing = dvc_cache_file(root, md5)
    if listing is None:
        return [DvcFile(path, md5, size)]
    try:
        entries = json.loads(read_text_regular(listing, LISTING_BYTES, follow=True))
    except (OSError, ValueError, RecursionError):
        return [DvcFile(path, md5, size)]
    out = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("md5") and entry.get("relpath"):
            try:
                rel = repo_relative(f"{path.rstrip('/')}/{entry['relpath']}")
                if not (rel + "/").startswith(path.rstrip("/") + "/") or not MD5.match(str(entry["md5"]).lower()):
                    raise OutsideRepo(f"DVC listing entry {str(entry['relpath'])[:200]!r} of {path} points outside the repository; not read")
            except OutsideRepo as exc:
                if problems is not None:
                    problems.append(str(exc))
                continue
            out.append(DvcFile(rel, str(entry["md5"]).lower(), entry.get("size") if isinstance(entry.get("size"), int) else None))
    return out


def lfs_pointer(data: bytes) -> tuple[str, int] | None:
    """(oid, size) when ``data`` is a Git LFS pointer file."""
    if len(data) > LFS_POINTER_MAX:
        return None
    m = LFS_POINTER.search(data)
    return (m.group(1).decode(), int(m.group(2))) if m else None


def lfs_object(root: Path, oid: str, git_dir: Path | None = None) -> Path | None:
    """The local LFS object of ``oid`` (resolved inside the repo's git folder), or None when only the pointer is present."""
    if not OID.match(oid):
        return None
    git_dir = git_dir or root / ".git"
    candidate = git_dir / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
    if not os.path.lexists(candidate):
        return None
    real = contained(candidate, [root, git_dir])
    if not stat.S_ISREG(os.stat(real).st_mode):
        raise UnsafePath(f"LFS object {oid[:12]} is not a regular file; not read")
    return real


def git_blob_id_of(fh: BinaryIO, size: int) -> str:
    """The git blob id of a stream of ``size`` bytes, read in chunks."""
    h = hashlib.sha1(b"blob %d\0" % size)
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()
