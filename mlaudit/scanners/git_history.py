"""Git history: refs, commits and files touched, streamed from one ``git log --raw`` process.

The history stream carries no line counts and no binary flags: git would have to diff every blob of every
commit to produce them (most of its cost, and several seconds on repos with big data files), and nothing
needs them for every commit. ``line_counts`` computes them for the few commits a report shows, and
``blob_sizes`` + ``looks_binary`` answer "which big blobs are binary" for the blobs that are big.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from mlaudit.core.errors import RepoError
from mlaudit.core.gitcmd import decode_path, decode_text, git_env, run_git, stream_git
from mlaudit.core.records import CommitRecord, FileChange, RefRecord

_FIELDS = "%H%x1f%T%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%cn%x1f%ce%x1f%ct%x1f%B"
_NUMSTAT = re.compile(rb"^(-|\d+)\t(-|\d+)\t(.*)$", re.DOTALL)
_SHA = re.compile(rb"^[0-9a-f]{40}$")
_ZERO = "0" * 40
BINARY_SNIFF_BYTES = 8000  # git's own rule: a NUL byte in the first 8000 bytes makes a blob binary

REF_KINDS = (
    ("refs/heads/", "branch"), ("refs/tags/", "tag"), ("refs/remotes/", "remote"),
    ("refs/exps/", "experiment"), ("refs/stash", "stash"),
)


def ref_kind(name: str) -> str:
    for prefix, kind in REF_KINDS:
        if name.startswith(prefix):
            return kind
    return "head" if name == "HEAD" else "other"


def list_refs(repo: Path, head: str | None = "") -> list[RefRecord]:
    """Every ref (branches, tags, remotes, DVC experiments, ...) peeled to its commit, plus HEAD (read from git,
    or given as ``head`` when the caller already resolved it; None: no commit yet)."""
    fmt = "%(objectname)%00%(objecttype)%00%(*objectname)%00%(*objecttype)%00%(refname)"
    raw = run_git(repo, ["for-each-ref", f"--format={fmt}"], check=False)
    refs = []
    for line in raw.splitlines():
        parts = line.split(b"\0")
        if len(parts) != 5:
            continue
        obj, otype, peeled, ptype, name = parts
        target, ttype = (peeled, ptype) if peeled else (obj, otype)
        if ttype != b"commit":
            continue
        refname = decode_path(name)
        refs.append(RefRecord(refname, ref_kind(refname), target.decode()))
    if head == "":
        head = run_git(repo, ["rev-parse", "--verify", "-q", "HEAD^{commit}"], check=False).strip().decode() or None
    if head:
        refs.append(RefRecord("HEAD", "head", head))
    return refs


def worktree_state(repo: Path, dirty: bool | None = None) -> str:
    """A hash of the working tree's uncommitted state: ``git status`` (every untracked file listed) with the
    size and mtime of each listed path, so a file edited again after an earlier edit changes it too. Empty
    for a clean tree (``dirty=False``: the caller's own ``git status`` already found it clean)."""
    if dirty is False:
        return ""
    raw = run_git(repo, ["--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=all"], check=False)
    if not raw:
        return ""
    digest = hashlib.sha256(raw)
    for entry in raw.split(b"\0"):
        if len(entry) > 3:
            try:
                st = os.lstat(repo / decode_path(entry[3:]))
                digest.update(f"{st.st_size}:{st.st_mtime_ns}\n".encode())
            except OSError:
                digest.update(b"gone\n")
    return digest.hexdigest()


def _parse_header(chunk: bytes) -> CommitRecord:
    f = chunk.split(b"\x1f", 9)
    return CommitRecord(
        sha=f[0].decode(), tree=f[1].decode(), parents=f[2].decode().split(),
        author_name=decode_text(f[3]), author_email=decode_text(f[4]), author_time=int(f[5] or 0),
        committer_name=decode_text(f[6]), committer_email=decode_text(f[7]), committer_time=int(f[8] or 0),
        message=decode_text(f[9]),
    )


def _parse_changes(sha: str, body: bytes) -> list[FileChange]:
    """Parse the ``-z --raw`` part of one commit into FileChange records (no line counts, binary unknown)."""
    tokens = body.split(b"\0")
    changes: list[FileChange] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i].lstrip(b"\n")
        i += 1
        if not tok.startswith(b":"):
            continue
        meta = tok[1:].split()
        if len(meta) < 5:
            continue
        old_mode, new_mode, old_blob, new_blob, status = (m.decode("ascii", "replace") for m in meta[:5])
        letter = status[:1]
        if i + (2 if letter in ("R", "C") else 1) > n:
            break  # a raw line cut short (git never writes one): ignore it
        if letter in ("R", "C"):
            old_path, new_path = decode_path(tokens[i]), decode_path(tokens[i + 1])
            i += 2
        else:
            old_path, new_path = None, decode_path(tokens[i])
            i += 1
        changes.append(FileChange(
            commit_sha=sha, path=new_path, status=letter,
            blob=None if new_blob == _ZERO else new_blob,
            old_blob=None if old_blob == _ZERO else old_blob,
            old_path=old_path, mode=new_mode if letter != "D" else old_mode,
        ))
    return changes


def _git_with_input(repo: Path, args: list[str], data: bytes) -> bytes:
    """Run a git command that answers while it reads its stdin (so input and output flow together)."""
    cmd = ["git", "-C", str(repo), "-c", "core.quotepath=off", "-c", "safe.directory=*", *args]
    try:
        proc = subprocess.run(cmd, check=False, input=data, capture_output=True, env=git_env(), timeout=600)
    except FileNotFoundError as exc:
        raise RepoError("git is not installed or not on PATH; install git and try again") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        command = next((a for a in args if not a.startswith("-") and "=" not in a), "")
        raise RepoError(f"git {command} failed in {repo}: {err[-1] if err else 'exit ' + str(proc.returncode)}")
    return proc.stdout


def line_counts(repo: Path, shas: Iterable[str]) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """Lines added and deleted per (commit, path) for ``shas`` (first parent for merges; None for a binary
    file), from one ``git diff-tree --stdin`` process. Only for the commits a report shows: it diffs blobs."""
    todo = list(dict.fromkeys(shas))
    if not todo:
        return {}
    args = ["-c", "diff.renameLimit=2000", "diff-tree", "--stdin", "-z", "-r", "-M", "--numstat", "--root",
            "--diff-merges=first-parent", "--no-ext-diff", "--no-textconv"]
    raw = _git_with_input(repo, args, "".join(f"{s}\n" for s in todo).encode())
    out: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    tokens = raw.split(b"\0")
    commit = ""
    i = 0
    while i < len(tokens):
        tok = tokens[i].lstrip(b"\n")
        i += 1
        m = _NUMSTAT.match(tok)
        if m is None:
            if _SHA.match(tok):
                commit = tok.decode()
            continue
        added, deleted, path = m.groups()
        if path == b"":  # rename or copy: old and new paths follow as their own tokens
            path = tokens[i + 1] if i + 1 < len(tokens) else b""
            i += 2
        out[(commit, decode_path(path))] = (None if added == b"-" else int(added), None if deleted == b"-" else int(deleted))
    return out


def blob_sizes(repo: Path, blobs: Iterable[str]) -> dict[str, int]:
    """Sizes in bytes of the given blobs that exist, from one pipelined ``git cat-file --batch-check``."""
    todo = list(dict.fromkeys(b for b in blobs if b and b != _ZERO))
    if not todo:
        return {}
    raw = _git_with_input(repo, ["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"],
                          "".join(f"{b}\n" for b in todo).encode())
    sizes: dict[str, int] = {}
    for line in raw.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == b"blob":
            sizes[parts[0].decode()] = int(parts[2])
    return sizes


def looks_binary(head: bytes) -> bool:
    """git's rule for "binary": a NUL byte among the first 8000 bytes."""
    return b"\0" in head[:BINARY_SNIFF_BYTES]


def markers() -> tuple[bytes, bytes, str]:
    """Fresh commit start/end markers and the matching ``--format``: a random nonce per run, so a commit
    message crafted to contain a marker cannot forge commits or file changes."""
    nonce = secrets.token_hex(8)
    start, end = f"\x1e\x1dMLAUDIT-{nonce}\x1d", f"\x1d\x1eMLAUDIT-END-{nonce}\x1e"
    fmt = start.replace("\x1e", "%x1e").replace("\x1d", "%x1d") + _FIELDS + end.replace("\x1e", "%x1e").replace("\x1d", "%x1d")
    return start.encode(), end.encode(), fmt


def iter_history(repo: Path, include: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[tuple[CommitRecord, list[FileChange]]]:
    """Commits reachable from ``include`` and not from ``exclude``, with their file changes, from one git process."""
    revs = list(include)
    if not revs:
        return
    start, end, fmt = markers()
    args = [
        "-c", "diff.renameLimit=2000", "log", "--no-color", "--no-ext-diff", "--no-textconv", "-M",
        "--raw", "-z", "--no-abbrev", "--diff-merges=first-parent", "--topo-order",
        f"--format={fmt}", "--stdin", "--",
    ]
    stdin = "".join(f"{r}\n" for r in revs) + "".join(f"^{r}\n" for r in exclude)
    yield from split_commits(stream_git(repo, args, stdin=stdin.encode()), start, end)


def split_commits(chunks: Iterable[bytes], start: bytes, end: bytes) -> Iterator[tuple[CommitRecord, list[FileChange]]]:
    """Cut a ``git log`` byte stream into commits at ``start`` markers and parse each."""
    buf = b""
    search_from = 0
    for data in chunks:
        buf += data
        while True:
            if not buf.startswith(start):  # noise before a marker (git never writes any; be safe anyway)
                cut = buf.find(start)
                if cut < 0:
                    buf = buf[len(buf) - len(start) + 1:] if len(buf) >= len(start) else buf
                    break
                buf, search_from = buf[cut:], 0
            nxt = buf.find(start, max(search_from, len(start)))
            if nxt < 0:
                search_from = max(len(buf) - len(start) + 1, len(start))
                break
            yield parse_commit(buf[len(start):nxt], end)
            buf, search_from = buf[nxt:], 0
    if buf.startswith(start):
        yield parse_commit(buf[len(start):], end)


def parse_commit(chunk: bytes, end: bytes) -> tuple[CommitRecord, list[FileChange]]:
    """One commit's header (up to ``end``) and its ``--raw -z`` body."""
    header, _, body = chunk.partition(end)
    commit = _parse_header(header)
    return commit, _parse_changes(commit.sha, body)
