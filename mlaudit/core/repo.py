"""What the audited folder is: a git repository (and its state) or a plain folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mlaudit.core.errors import RepoError, RevisionError
from mlaudit.core.gitcmd import decode_path, run_git


@dataclass(slots=True)
class RepoInfo:
    """The audited folder and, when it is a git repository, its HEAD state."""

    root: Path
    is_git: bool
    git_dir: Path | None = None
    head: str | None = None
    branch: str | None = None
    dirty: bool | None = None
    shallow: bool = False
    bare: bool = False  # a bare repository: history only, no working tree (its folder holds git's own files)

    @property
    def empty(self) -> bool:
        """A git repository with no commit yet."""
        return self.is_git and self.head is None

    @property
    def detached(self) -> bool:
        return self.is_git and self.head is not None and self.branch is None


def open_repo(path: str | os.PathLike[str]) -> RepoInfo:
    """Inspect ``path`` read-only; raise RepoError with advice when it cannot be audited."""
    root = Path(path).expanduser()
    if not root.exists():
        raise RepoError(f"{root} does not exist; check the path and try again")
    if not root.is_dir():
        raise RepoError(f"{root} is not a folder; give the folder of the repository to audit")
    if not os.access(root, os.R_OK | os.X_OK):
        raise RepoError(f"{root} cannot be read (permission denied); fix its permissions or run as a user who can read it")
    root = root.resolve()
    if not (root / ".git").exists():
        if (root / "HEAD").is_file() and (root / "objects").is_dir() and _is_bare(root):
            return _bare_repo(root)
        return RepoInfo(root=root, is_git=False)
    # one git process for three answers (a no-op rescan is mostly git start-ups); a path holding a newline
    # gives more lines than asked for, and then each is asked on its own
    lines = run_git(root, ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--is-shallow-repository"], check=False).splitlines()
    top = lines[0] if len(lines) == 3 else run_git(root, ["rev-parse", "--show-toplevel"], check=False).strip()
    if not top or Path(decode_path(top)).resolve() != root:
        return RepoInfo(root=root, is_git=False)
    if len(lines) != 3:
        lines = [top, run_git(root, ["rev-parse", "--absolute-git-dir"]).strip(),
                 run_git(root, ["rev-parse", "--is-shallow-repository"], check=False).strip()]
    git_dir = Path(decode_path(lines[1]))
    head = run_git(root, ["rev-parse", "--verify", "-q", "HEAD^{commit}"], check=False).strip().decode() or None
    branch = run_git(root, ["symbolic-ref", "-q", "--short", "HEAD"], check=False).strip()
    shallow = lines[2].strip() == b"true"
    status = run_git(root, ["--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=normal"], check=False)
    return RepoInfo(
        root=root,
        is_git=True,
        git_dir=git_dir,
        head=head,
        branch=decode_path(branch) if branch else None,
        dirty=bool(status),
        shallow=shallow,
    )


def _is_bare(root: Path) -> bool:
    if run_git(root, ["rev-parse", "--is-bare-repository"], check=False).strip() != b"true":
        return False
    git_dir = run_git(root, ["rev-parse", "--absolute-git-dir"], check=False).strip()
    return bool(git_dir) and Path(decode_path(git_dir)).resolve() == root


def _bare_repo(root: Path) -> RepoInfo:
    """A bare repository: audited through its history (HEAD's tree stands in for the working tree)."""
    head = run_git(root, ["rev-parse", "--verify", "-q", "HEAD^{commit}"], check=False).strip().decode() or None
    branch = run_git(root, ["symbolic-ref", "-q", "--short", "HEAD"], check=False).strip()
    shallow = run_git(root, ["rev-parse", "--is-shallow-repository"], check=False).strip() == b"true"
    return RepoInfo(root=root, is_git=True, git_dir=root, head=head, branch=decode_path(branch) if branch else None,
                    dirty=False, shallow=shallow, bare=True)


def resolve_rev(repo: RepoInfo, rev: str) -> str:
    """Resolve a commit, tag or branch name to a commit sha, or raise RevisionError."""
    if not repo.is_git:
        raise RevisionError(f"{repo.root} is not a git repository, so revision {rev!r} cannot be read")
    if rev.startswith("-"):
        raise RevisionError(f"{rev!r} is not a valid revision")
    sha = run_git(repo.root, ["rev-parse", "--verify", "-q", f"{rev}^{{commit}}"], check=False).strip()
    if not sha:
        raise RevisionError(f"revision {rev!r} does not exist in {repo.root}; use a commit, tag or branch name")
    return sha.decode()
