"""Phase: git refs and history (incremental: only commits not reachable from tips already scanned)."""

from __future__ import annotations

from collections.abc import Iterator

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.records import CommitRecord, FileChange
from mlaudit.scanners.git_history import iter_history, list_refs
from mlaudit.store.history import save_history, save_refs, scanned_tips


def run(ctx: ScanContext) -> None:
    if not ctx.repo.is_git:
        ctx.counts["new_commits"] = 0
        return
    refs = list_refs(ctx.repo.root)
    done = scanned_tips(ctx.store)
    todo = sorted({r.target for r in refs} - done)
    count = 0
    if todo:
        known = _walk_bounds(ctx, done)

        def tracked() -> Iterator[tuple[CommitRecord, list[FileChange]]]:
            for i, item in enumerate(iter_history(ctx.repo.root, todo, known), 1):
                if i % 500 == 0:
                    ctx.progress.update("git history", i, 0, f"{i} commits")
                yield item

        count = save_history(ctx.store, tracked())
    save_refs(ctx.store, refs)
    ctx.counts["new_commits"] = count


def _walk_bounds(ctx: ScanContext, done: set[str]) -> list[str]:
    """Stored commits that still exist and bound the walk: scanned tips, or, for a tip a rewrite dropped,
    its nearest stored ancestors still in the repo (so a force-push rereads only the new commits)."""
    objects = ctx.objects
    if objects is None:
        return sorted(done)
    bounds: set[str] = set()
    seen: set[str] = set()
    todo = sorted(done)
    while todo:
        sha = todo.pop()
        if sha in seen:
            continue
        seen.add(sha)
        if objects.size(sha) is not None:
            bounds.add(sha)
            continue
        row = ctx.store.db.execute("SELECT parents FROM commits WHERE sha = ?", [sha]).fetchone()
        if row and row[0]:
            todo.extend(row[0].split())
    return sorted(bounds)


PHASE = Phase("git", 10, run, "Refs and commits with the files each commit touched.")
