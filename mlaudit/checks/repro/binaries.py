"""REPRO-BINARIES: large binaries committed to git history instead of Git LFS or DVC."""

from __future__ import annotations

import fnmatch

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE
from mlaudit.core.config import define_threshold
from mlaudit.core.gitcmd import run_git
from mlaudit.core.objects import GitObjects

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
        "Lists every binary blob in the git history (all refs; only the commit's ancestors when judging a past "
        "commit) with its size, read from the git object store. "
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
        changes = ctx.store.db.execute(
            "SELECT blob, path, fc.commit_sha FROM file_changes fc LEFT JOIN commits c ON c.sha = fc.commit_sha "
            "WHERE fc.binary = 1 AND fc.blob IS NOT NULL AND fc.status != 'D' ORDER BY c.committer_time").fetchall()
        if ctx.rev is not None:  # judging a past commit: only its own history counts
            ancestors = set(run_git(ctx.repo.root, ["rev-list", ctx.rev]).decode().split())
            changes = [c for c in changes if c[2] in ancestors]
        first: dict[str, tuple[str, str]] = {}
        for blob, path, commit in changes:
            first.setdefault(blob, (path, commit))
        rows = [(blob, path, commit) for blob, (path, commit) in first.items()]
        total = ctx.store.db.execute("SELECT COUNT(*) FROM commits").fetchone()[0]
        if not total:
            return self.result(Status.UNKNOWN, message="No commit history is stored for this repository.",
                               evidence=[Evidence("the commits table is empty")])
        patterns = []
        if ctx.tree.exists(".gitattributes"):
            patterns = lfs_patterns(ctx.tree.read_text(".gitattributes", 1024 * 1024))
        big = []
        with GitObjects(ctx.repo.root) as objects:
            for blob, path, commit in rows:
                if not blob or set(blob) == {"0"}:
                    continue
                size = objects.size(blob)
                if size is not None and size > limit:
                    big.append((path, size, commit))
        head_paths = {e.path for e in ctx.tree.files()}
        evidence = [Evidence(f"{path}: {size / 1048576:.1f} MiB binary {'still in the tree' if path in head_paths else 'deleted later, still in history'}"
                             + (" (matches an LFS pattern but was committed as a plain blob)" if any(fnmatch.fnmatch(path, p) for p in patterns) else ""),
                             path=path, commit=commit, value=size) for path, size, commit in big[:MAX_EVIDENCE]]
        value = {"large_binaries": len(big), "binary_blobs": len(rows)}
        if big:
            mib = sum(s for _, s, _ in big) / 1048576
            return self.result(Status.FAIL, 0, value=value, threshold=limit,
                               message=f"{len(big)} binary blob(s) over {limit / 1048576:.0f} MiB in history ({mib:.1f} MiB).",
                               evidence=evidence)
        return self.result(Status.PASS, 1, value=value, threshold=limit,
                           message=f"No binary over {limit / 1048576:.0f} MiB in {total} commits.",
                           evidence=[Evidence(f"{len(rows)} binary blob(s) checked", value=len(rows))])
