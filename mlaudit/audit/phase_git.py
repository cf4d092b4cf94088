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
        # Tips scanned before that still exist bound the walk (a rewritten history may have dropped some).
        known = [s for s in sorted(done) if ctx.objects is None or ctx.objects.size(s) is not None]

        def tracked() -> Iterator[tuple[CommitRecord, list[FileChange]]]:
            for i, item in enumerate(iter_history(ctx.repo.root, todo, known), 1):
                if i % 500 == 0:
                    ctx.progress.update("git history", i, 0, f"{i} commits")
                yield item

        count = save_history(ctx.store, tracked())
    save_refs(ctx.store, refs)
    ctx.counts["new_commits"] = count


PHASE = Phase("git", 10, run, "Refs and commits with the files each commit touched.")
