"""Phase: classify every path in history and in the working tree by role (rules, then content sniffing).

Incremental: only paths touched by commits stored since the last run, and working-tree files not yet
classified, are looked at; a change of the configured rules reclassifies everything.
"""

from __future__ import annotations

import functools
import hashlib
import json

from mlaudit.audit.phases import Phase, ScanContext
from mlaudit.core.objects import HEAD_DRAIN_LIMIT, GitObjects
from mlaudit.core.roles import classify
from mlaudit.core.tree import WorkingTreeSource
from mlaudit.store.history import all_changed_paths, known_paths, last_change_rowid, save_path_roles

SNIFF_BYTES = 512


def _blob_head(objects: GitObjects | None, blob: str | None) -> bytes:
    if blob is None or objects is None:
        return b""
    size = objects.size(blob)
    if size is None:
        return b""
    if size <= 1 << 20:
        return objects.read(blob)[:SNIFF_BYTES]
    if size <= (1 << 20) + HEAD_DRAIN_LIMIT:  # through the batch process, the rest drained (no process per blob)
        with objects.stream(blob, drain_limit=HEAD_DRAIN_LIMIT) as fh:
            return fh.read(SNIFF_BYTES)
    with objects.open(blob) as fh:  # bigger: its own process, stopped after the head
        return fh.read(SNIFF_BYTES)


def run(ctx: ScanContext) -> None:
    rules = ctx.config.path_rules
    store = ctx.store
    rules_key = hashlib.sha256(json.dumps(rules).encode()).hexdigest()[:16]
    since = int(store.meta("roles.rowid") or 0) if store.meta("roles.rules") == rules_key else 0
    if since == 0:
        store.db.execute("DELETE FROM path_roles")
    rows: dict[str, tuple[str, str, str]] = {}
    for path, blob in list(all_changed_paths(store, since)):
        role, reason = classify(path, functools.partial(_blob_head, ctx.objects, blob), rules)
        rows[path] = (path, role, reason)
    known = known_paths(store)
    tree = WorkingTreeSource(ctx.repo)
    for entry in tree.files():
        if entry.path in rows or entry.path in known:
            continue
        role, reason = classify(entry.path, functools.partial(tree.read_head, entry.path, SNIFF_BYTES), rules)
        rows[entry.path] = (entry.path, role, reason)
    save_path_roles(store, rows.values())
    store.set_meta("roles.rowid", str(last_change_rowid(store)))
    store.set_meta("roles.rules", rules_key)
    ctx.counts["paths"] = len(known | rows.keys())


PHASE = Phase("roles", 20, run, "Every path classified as data, model, code, notebook, test, config, ...")
