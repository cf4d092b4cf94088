"""One private temporary folder per process, removed on exit, and swept on the next start after a crash.

Layout: ``<system temp>/mlaudit-<uid>/run-<pid>-<random>/`` (mode 0700). A folder whose process is gone
(killed, crashed, power cut) is deleted by the next mlaudit process that asks for its own folder.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_mine: Path | None = None


def _base() -> Path:
    base = Path(tempfile.gettempdir()) / f"mlaudit-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    base.mkdir(mode=0o700, exist_ok=True)
    return base


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(base: Path | None = None) -> list[Path]:
    """Delete the run folders of processes that no longer exist; return what was removed."""
    base = base or _base()
    removed = []
    for child in base.iterdir() if base.is_dir() else []:
        parts = child.name.split("-")
        if len(parts) >= 3 and parts[0] == "run" and parts[1].isdigit() and int(parts[1]) != os.getpid() and not _alive(int(parts[1])):
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed


def private_dir() -> Path:
    """This process's private temp folder (created on first use, stale ones swept, removed at exit)."""
    global _mine
    with _lock:
        if _mine is None or not _mine.is_dir():
            base = _base()
            sweep_stale(base)
            _mine = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=base))
            atexit.register(cleanup)
        return _mine


def cleanup() -> None:
    """Remove this process's temp folder now (also done at exit)."""
    global _mine
    with _lock:
        if _mine is not None:
            shutil.rmtree(_mine, ignore_errors=True)
            _mine = None


def temp_file(suffix: str = "") -> Path:
    """A new empty file path inside the private folder (the caller deletes it, or exit does)."""
    fd, name = tempfile.mkstemp(prefix="f-", suffix=suffix[-40:], dir=private_dir())
    os.close(fd)
    return Path(name)
