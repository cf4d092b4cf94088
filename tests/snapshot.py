"""Hash every file and directory entry under a tree (content, mode, mtime) to prove scans write nothing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def tree_snapshot(root: Path) -> dict[str, tuple]:
    """Path -> (kind, mode, mtime_ns, size, sha256 or link target) for everything under ``root``, .git included."""
    snap: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if os.path.islink(full):
                snap[rel] = ("link", st.st_mode, st.st_mtime_ns, os.readlink(full))
            elif os.path.isdir(full):
                snap[rel] = ("dir", st.st_mode, st.st_mtime_ns)
            elif os.path.isfile(full):
                try:
                    digest = hashlib.sha256(Path(full).read_bytes()).hexdigest()
                except OSError:
                    digest = "unreadable"
                snap[rel] = ("file", st.st_mode, st.st_mtime_ns, st.st_size, digest)
            else:
                snap[rel] = ("special", st.st_mode, st.st_mtime_ns)
    st = os.lstat(root)
    snap["."] = ("dir", st.st_mode, st.st_mtime_ns)
    return snap
