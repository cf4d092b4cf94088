"""What the desktop app asks of a store about its scans (so no view or session runs SQL of its own)."""

from __future__ import annotations

from typing import Any


def last_checked_scan(store: Any) -> dict[str, Any] | None:
    """The newest finished scan that has check results (None for a store without any)."""
    if "check_results" not in store.db.table_names():
        return None
    rows = store.db.execute_returning_dicts(
        "SELECT * FROM scans WHERE status = 'done' AND id IN (SELECT scan_id FROM check_results) ORDER BY id DESC LIMIT 1")
    return rows[0] if rows else None


def phases_done(store: Any, scan_id: int) -> set[str]:
    """The names of the scan phases that completed in one scan."""
    return {r[0] for r in store.db.execute("SELECT phase FROM scan_phases WHERE scan_id = ? AND status = 'done'", [scan_id])}


def scan_errors(store: Any, scan_id: int, phase: str) -> list[tuple[str, str]]:
    """(path, reason) of every input one phase of a scan could not analyse, by path."""
    return [(str(p), str(why)) for p, why in store.db.execute(
        "SELECT path, reason FROM scan_errors WHERE scan_id = ? AND phase = ? ORDER BY path", [scan_id, phase])]


def latest_scan_id(store: Any) -> int | None:
    """The id of the newest scan written to the store (None when there is none)."""
    row = store.db.execute("SELECT max(id) FROM scans").fetchone()
    return None if row is None or row[0] is None else int(row[0])
