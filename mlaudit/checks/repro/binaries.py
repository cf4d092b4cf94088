"""REPRO-BINARIES: large binaries committed to git history instead of Git LFS or DVC."""

from __future__ import annotations

import fnmatch

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE
from mlaudit.core.config import define_threshold
from mlaudit.core.gitcmd import run_git
from mlaudit.core.objects import GitObjects
from mlaudit.scanners.git_history import BINARY_SNIFF_BYTES, blob_sizes, looks_binary

BINARY_BYTES = define_threshold("repro.binary_bytes", 10 * 1024 * 1024, "Size in bytes above which a binary committed "
                                "to git without LFS/DVC is reported by REPRO-BINARIES.")


def lfs_patterns(text: str) -> list[str]:
    """Patterns of a .gitattributes file routed through Git LFS."""
    return [line.split()[0] for line in text.splitlines() if "filter=lfs" in line and line.strip() and not line.startswith("#")]


@register
class LargeBinaries(Check):
    id = "REPRO-BINARIES"
    title = "No large binaries in git history"
    area = "repro"
    help = (
        "Sizes every blob in the git history (all refs; only the commit's ancestors when judging a past "
        "commit) from the git object store, and tests each one over repro.binary_bytes for binary content "
        "(git's rule: a NUL byte in its first 8000 bytes). "
        "Fails when one is larger than repro.binary_bytes: the repository carries it forever, even after the "
        "file is deleted. Files stored through Git LFS or DVC are small pointers and never count."
    )
    recommendation = "Track large data and model files with DVC or Git LFS, and purge the big blobs from history (git filter-repo)."
    markers = ("reproducibility",)
    ml_test_score = ()
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if not ctx.repo.is_git:
            return self.result(Status.NOT_APPLICABLE, message="Not a git repository: there is no history to bloat.")
        limit = ctx.threshold(BINARY_BYTES)
        # binary is NULL for histories scanned without diffs (the flag is decided below, for big blobs only)
        changes = ctx.store.db.execute(
            "SELECT blob, path, fc.commit_sha, fc.binary FROM file_changes fc LEFT JOIN commits c ON c.sha = fc.commit_sha "
            "WHERE (fc.binary IS NULL OR fc.binary = 1) AND fc.blob IS NOT NULL AND fc.status != 'D' "
            "ORDER BY c.committer_time").fetchall()
        if ctx.rev is not None:  # judging a past commit: only its own history counts
            ancestors = set(run_git(ctx.repo.root, ["rev-list", ctx.rev]).decode().split())
            changes = [c for c in changes if c[2] in ancestors]
        first: dict[str, tuple[str, str, int | None]] = {}
        for blob, path, commit, binary in changes:
            first.setdefault(blob, (path, commit, binary))
        total = ctx.store.db.execute("SELECT COUNT(*) FROM commits").fetchone()[0]
        if not total:
            return self.result(Status.UNKNOWN, message="No commit history is stored for this repository.",
                               evidence=[Evidence("the commits table is empty")])
        patterns = []
        if ctx.tree.exists(".gitattributes"):
            patterns = lfs_patterns(ctx.tree.read_text(".gitattributes", 1024 * 1024))
        sizes = blob_sizes(ctx.repo.root, first)
        big = []
        with GitObjects(ctx.repo.root) as objects:
            for blob, (path, commit, binary) in first.items():
                size = sizes.get(blob)
                if size is None or size <= limit:
                    continue
                if binary is None:  # decide it now, from the blob's first bytes (git's own rule)
                    with objects.open(blob) as stream:
                        binary = int(looks_binary(stream.read(BINARY_SNIFF_BYTES)))
                if binary:
                    big.append((path, size, commit))
        head_paths = {e.path for e in ctx.tree.files()}
        evidence = [Evidence(f"{path}: {size / 1048576:.1f} MiB binary {'still in the tree' if path in head_paths else 'deleted later, still in history'}"
                             + (" (matches an LFS pattern but was committed as a plain blob)" if any(fnmatch.fnmatch(path, p) for p in patterns) else ""),
                             path=path, commit=commit, value=size) for path, size, commit in big[:MAX_EVIDENCE]]
        over = sum(1 for blob in first if sizes.get(blob, 0) > limit)
        value = {"large_binaries": len(big), "blobs_over_limit": over, "blobs_sized": len(sizes)}
        if big:
            mib = sum(s for _, s, _ in big) / 1048576
            return self.result(Status.FAIL, 0, value=value, threshold=limit,
                               message=f"{len(big)} binary blob(s) over {limit / 1048576:.0f} MiB in history ({mib:.1f} MiB).",
                               evidence=evidence)
        return self.result(Status.PASS, 1, value=value, threshold=limit,
                           message=f"No binary over {limit / 1048576:.0f} MiB in {total} commits.",
                           evidence=[Evidence(f"{len(sizes)} blob(s) in history sized; {over} over the limit, none of them binary",
                                              value=len(sizes))])
