"""Read git objects (blobs) by id without a checkout, with size caps."""

from __future__ import annotations

import io
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO, Self

from mlaudit.core.errors import RepoError
from mlaudit.core.gitcmd import git_env

DRAIN_CHUNK = 1 << 20  # bytes read at a time when the rest of a blob is skipped
# A blob whose head only is wanted: past this many bytes left, restarting the batch process is cheaper than
# moving the rest through the pipe (bench/bench_models.py --sniff measures both).
HEAD_DRAIN_LIMIT = 2 << 20


class BlobTooLarge(Exception):
    """A blob is larger than the reader's cap; the caller records it as a finding."""

    def __init__(self, sha: str, size: int, cap: int) -> None:
        super().__init__(f"blob {sha[:12]} is {size} bytes, over the {cap}-byte cap")
        self.sha, self.size, self.cap = sha, size, cap


class _BlobReader(io.RawIOBase):
    """Exactly ``size`` bytes of a blob from the batch process's stdout, then end of stream."""

    def __init__(self, pipe: IO[bytes], size: int) -> None:
        self._pipe = pipe
        self.remaining = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        want = self.remaining if n is None or n < 0 else min(n, self.remaining)
        data = self._pipe.read(want)
        if not data:
            raise RepoError("git cat-file stopped in the middle of a blob")
        self.remaining -= len(data)
        return data

    def readinto(self, buf: Any) -> int:
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def drain(self) -> None:
        """Read and drop the rest in bounded chunks, into one reused buffer (no allocation per chunk)."""
        buf = memoryview(bytearray(min(self.remaining, DRAIN_CHUNK)))
        while self.remaining > 0:
            got = self._pipe.readinto(buf[:min(self.remaining, len(buf))])  # type: ignore[attr-defined]
            if not got:
                raise RepoError("git cat-file stopped in the middle of a blob")
            self.remaining -= got


class GitObjects:
    """One persistent ``git cat-file --batch-command`` process per instance (use one per thread)."""

    def __init__(self, repo_root: Path) -> None:
        self.repo_root = repo_root
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._streaming: int | None = None  # thread id holding an open stream()

    def _not_nested(self) -> None:
        """A read issued by the thread that holds an open stream would wait for itself forever: refuse it."""
        if self._streaming == threading.get_ident():
            raise RuntimeError("a git object was requested while another is being streamed on the same reader")

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                ["git", "-C", str(self.repo_root), "-c", "safe.directory=*", "cat-file", "--batch-command"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=git_env(),
            )
        return self._proc

    def _command(self, line: str) -> tuple[str, int] | None:
        proc = self._ensure()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(line.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline()
        if not header:
            raise RepoError(f"git cat-file stopped while reading {self.repo_root}")
        parts = header.split()
        if len(parts) < 3 or parts[1] == b"missing":
            return None
        return parts[1].decode(), int(parts[2])

    def size(self, sha: str) -> int | None:
        """The object's size in bytes, or None when it is not in the repository."""
        self._not_nested()
        with self._lock:
            info = self._command(f"info {sha}")
        return None if info is None else info[1]

    def read(self, sha: str, max_bytes: int | None = None) -> bytes:
        """Return a blob's bytes; raise BlobTooLarge over ``max_bytes``, KeyError when missing."""
        self._not_nested()
        with self._lock:
            info = self._command(f"info {sha}")
            if info is None:
                raise KeyError(sha)
            if max_bytes is not None and info[1] > max_bytes:
                raise BlobTooLarge(sha, info[1], max_bytes)
            got = self._command(f"contents {sha}")
            if got is None:
                raise KeyError(sha)
            proc = self._ensure()
            assert proc.stdout is not None
            data = proc.stdout.read(got[1])
            proc.stdout.read(1)  # trailing newline
            return data

    @contextmanager
    def stream(self, sha: str, drain_limit: int = 4 << 20) -> Iterator[BinaryIO]:
        """Stream a blob of any size through the persistent batch process (no new process per blob).

        The process is held for the duration of the block; a consumer that stops early leaves the rest
        drained (up to ``drain_limit`` bytes) or the process restarted, so the next command is in sync.
        Raise KeyError when the blob is missing.
        """
        self._not_nested()
        with self._lock:
            got = self._command(f"contents {sha}")
            if got is None:
                raise KeyError(sha)
            proc = self._ensure()
            assert proc.stdout is not None
            reader = _BlobReader(proc.stdout, got[1])
            self._streaming = threading.get_ident()
            try:
                yield reader  # type: ignore[misc]
            finally:
                self._streaming = None
                if reader.remaining <= drain_limit and proc.poll() is None:
                    try:
                        reader.drain()
                        proc.stdout.read(1)  # trailing newline
                    except (OSError, ValueError):
                        self._restart()
                else:
                    self._restart()

    def _restart(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    try:
                        pipe.close()
                    except OSError:
                        pass

    @contextmanager
    def open(self, sha: str) -> Iterator[BinaryIO]:
        """Stream a blob of any size through its own ``git cat-file blob`` process."""
        proc = subprocess.Popen(
            ["git", "-C", str(self.repo_root), "-c", "safe.directory=*", "cat-file", "blob", sha],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=git_env(),
        )
        assert proc.stdout is not None
        try:
            yield proc.stdout  # type: ignore[misc]
        finally:
            proc.stdout.close()
            if proc.poll() is None:
                proc.kill()
            proc.wait()

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:  # noqa: BLE001, S110 - best effort at interpreter exit
            pass
