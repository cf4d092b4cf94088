"""Phase: static leakage analysis of every script and notebook of the working tree, cached per content."""

from __future__ import annotations

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.records import ScanIssue
from mlaudit.core.tree import FileTooLarge, TreeEntry, WorkingTreeSource
from mlaudit.scanners.leakage import analyze_file
from mlaudit.scanners.leakage.sources import ANALYZER_VERSION, MAX_SOURCE, content_id, python_sources
from mlaudit.store.leakage_queries import cached_results, save_results

CHUNK = 200


def run(ctx: ScanContext) -> None:
    tree = WorkingTreeSource(ctx.repo)
    entries = python_sources(tree, ctx.config.path_rules)
    cap = int(ctx.config.threshold(MAX_SOURCE))
    analysed = 0
    for start in range(0, len(entries), CHUNK):
        batch: list[tuple[TreeEntry, str, bytes]] = []
        for entry in entries[start:start + CHUNK]:
            data = _read(ctx, tree, entry, cap)
            if data is not None:
                batch.append((entry, content_id(entry, data), data))
        known = cached_results(ctx.store, (key for _, key, _ in batch), ANALYZER_VERSION)
        rows = []
        for i, (entry, key, data) in enumerate(batch):
            ctx.progress.update("leakage", start + i, len(entries), entry.path)
            result = known.get(key)
            if result is None:
                result = analyze_file(entry.path, data, ctx.config.threshold("limits.file_seconds")).to_dict()
                rows.append((key, "notebook" if entry.path.endswith(".ipynb") else "script", result))
                known[key] = result
                analysed += 1
            if result["unreadable"]:
                ctx.record_issue(ScanIssue("leakage", f"not analysed: {result['unreadable']}", entry.path, key))
            for err in result["cell_errors"]:
                ctx.record_issue(ScanIssue("leakage", f"{err} (rest of the notebook analysed)", entry.path, key))
            for note in result.get("partial", []):
                ctx.record_issue(ScanIssue("leakage", f"analysed in part: {note}", entry.path, key))
        save_results(ctx.store, rows, ANALYZER_VERSION)
    ctx.counts["leakage_sources"] = len(entries)
    ctx.counts["leakage_analysed"] = analysed


def _read(ctx: ScanContext, tree: WorkingTreeSource, entry: TreeEntry, cap: int) -> bytes | None:
    if entry.size > cap:
        ctx.record_issue(ScanIssue("leakage", f"{entry.size} bytes, over the {cap}-byte limit of the leakage analysis", entry.path))
        return None
    try:
        return tree.read_bytes(entry.path, cap)
    except (OSError, FileTooLarge) as exc:
        ctx.record_issue(ScanIssue("leakage", f"could not be read: {exc}", entry.path))
        return None


PHASE = Phase("leakage", 60, run, "Scripts and notebooks analysed for train/test leakage (fit before split, ...)")
