"""Records the scanners yield and the store keeps (plain dataclasses, no I/O)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class CommitRecord:
    sha: str
    tree: str
    parents: list[str]
    author_name: str
    author_email: str
    author_time: int
    committer_name: str
    committer_email: str
    committer_time: int
    message: str

    def row(self) -> dict[str, Any]:
        d = asdict(self)
        d["parents"] = " ".join(self.parents)
        d["n_parents"] = len(self.parents)
        return d


@dataclass(slots=True)
class FileChange:
    commit_sha: str
    path: str
    status: str  # A M D R C T
    blob: str | None
    old_blob: str | None = None
    old_path: str | None = None
    added: int | None = None
    deleted: int | None = None
    mode: str = ""
    binary: bool | None = None  # None: not known (the history scan does not diff blobs)


@dataclass(slots=True)
class RefRecord:
    name: str
    kind: str  # branch | tag | remote | experiment | stash | head | other
    target: str


@dataclass(slots=True)
class ScanIssue:
    """A file or object that could not be read, with the reason (becomes a finding, never a crash)."""

    phase: str
    reason: str
    path: str | None = None
    blob: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
