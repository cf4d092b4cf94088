"""Read-only access to git: every command runs without optional locks and never writes the repo."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from mlaudit.core.errors import RepoError

# Never take index.lock or refresh the index of an audited repo (git status, diff, ...).
READ_ONLY_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "LC_ALL": "C",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
}
os.environ.setdefault("GIT_OPTIONAL_LOCKS", "0")  # GitPython subprocesses inherit it too


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(READ_ONLY_ENV)
    return env


def run_git(repo: Path, args: Sequence[str], *, check: bool = True, timeout: float = 600.0) -> bytes:
    """Run one git command in ``repo`` and return its raw stdout."""
    cmd = ["git", "-C", str(repo), "-c", "core.quotepath=off", "-c", "safe.directory=*", *args]
    try:
        proc = subprocess.run(cmd, check=False, capture_output=True, env=git_env(), timeout=timeout, stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise RepoError("git is not installed or not on PATH; install git and try again") from exc
    if check and proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RepoError(f"git {args[0]} failed in {repo}: {err[-1] if err else 'exit ' + str(proc.returncode)}")
    return proc.stdout


def stream_git(repo: Path, args: Sequence[str], chunk: int = 1 << 16, stdin: bytes | None = None) -> Iterator[bytes]:
    """Run a git command and yield its stdout in chunks (one process, streamed)."""
    cmd = ["git", "-C", str(repo), "-c", "core.quotepath=off", "-c", "safe.directory=*", *args]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_env(),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    if stdin is not None and proc.stdin is not None:
        proc.stdin.write(stdin)  # git log --stdin reads all revisions before it writes anything
        proc.stdin.close()
    try:
        while True:
            data = proc.stdout.read(chunk)
            if not data:
                break
            yield data
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def decode_path(raw: bytes) -> str:
    """Decode a path from git; bytes that are not UTF-8 become backslash escapes (storable in SQLite)."""
    return raw.decode("utf-8", "backslashreplace")


def decode_text(raw: bytes) -> str:
    """Decode a commit message or name; invalid UTF-8 is replaced, never fatal."""
    return raw.decode("utf-8", "replace")
