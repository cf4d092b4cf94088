"""Phase: classify every path in history and in the working tree by role (rules, then content sniffing)."""

from __future__ import annotations

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.roles import classify
from mlaudit.core.tree import WorkingTreeSource
from mlaudit.store.history import all_changed_paths, save_path_roles

SNIFF_BYTES = 512


def run(ctx: ScanContext) -> None:
    rules = ctx.config.path_rules
    rows: dict[str, tuple[str, str, str]] = {}
    objects = ctx.objects
    for path, blob in list(all_changed_paths(ctx.store)):
        def head(blob: str | None = blob) -> bytes:
            if blob is None or objects is None:
                return b""
            size = objects.size(blob)
            if size is None:
                return b""
            if size <= 1 << 20:
                return objects.read(blob)[:SNIFF_BYTES]
            with objects.open(blob) as fh:
                return fh.read(SNIFF_BYTES)

        role, reason = classify(path, head, rules)
        rows[path] = (path, role, reason)
    tree = WorkingTreeSource(ctx.repo)
    for entry in tree.files():
        if entry.path in rows:
            continue

        def head_wt(p: str = entry.path) -> bytes:
            return tree.read_head(p, SNIFF_BYTES)

        role, reason = classify(entry.path, head_wt, rules)
        rows[entry.path] = (entry.path, role, reason)
    ctx.store.db.execute("DELETE FROM path_roles")
    save_path_roles(ctx.store, rows.values())
    ctx.counts["paths"] = len(rows)


PHASE = Phase("roles", 20, run, "Every path classified as data, model, code, notebook, test, config, ...")
