"""Where data content lives outside git objects: the DVC cache (2.x and 3.x layouts) and Git LFS objects."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

LFS_POINTER = re.compile(rb"^version https://git-lfs\.github\.com/spec/v1\s+oid sha256:([0-9a-f]{64})\s+size (\d+)", re.M)
LFS_POINTER_MAX = 1024
AVAILABLE = "available"
MISSING = "not available locally"


@dataclass(slots=True)
class DvcFile:
    """One file of a DVC out: its repo path and md5 (a directory out is expanded from its .dir listing)."""

    path: str
    md5: str
    size: int | None = None


def dvc_cache_file(root: Path, md5: str) -> Path | None:
    """The cache file of ``md5`` (3.x ``files/md5/xx/…`` or 2.x ``xx/…`` layout), or None when absent."""
    cache = root / ".dvc" / "cache"
    for candidate in (cache / "files" / "md5" / md5[:2] / md5[2:], cache / md5[:2] / md5[2:]):
        if candidate.is_file():
            return candidate
    return None


def expand_dvc_out(root: Path, path: str, md5: str, size: int | None = None) -> list[DvcFile]:
    """A file out as itself; a directory out (``.dir``) as its files when the listing is cached, else itself."""
    if not md5.endswith(".dir"):
        return [DvcFile(path, md5, size)]
    listing = dvc_cache_file(root, md5)
    if listing is None:
        return [DvcFile(path, md5, size)]
    try:
        entries = json.loads(listing.read_text("utf-8"))
    except (OSError, ValueError):
        return [DvcFile(path, md5, size)]
    out = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("md5") and entry.get("relpath"):
            out.append(DvcFile(f"{path.rstrip('/')}/{entry['relpath']}", str(entry["md5"]), entry.get("size")))
    return out


def lfs_pointer(data: bytes) -> tuple[str, int] | None:
    """(oid, size) when ``data`` is a Git LFS pointer file."""
    if len(data) > LFS_POINTER_MAX:
        return None
    m = LFS_POINTER.search(data)
    return (m.group(1).decode(), int(m.group(2))) if m else None


def lfs_object(root: Path, oid: str) -> Path | None:
    """The local LFS object of ``oid``, or None when only the pointer is present."""
    candidate = root / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
    return candidate if candidate.is_file() else None


def git_blob_id_of(fh: BinaryIO, size: int) -> str:
    """The git blob id of a stream of ``size`` bytes, read in chunks."""
    h = hashlib.sha1(b"blob %d\0" % size)
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()
