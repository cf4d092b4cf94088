"""Columns by content, from stored profiles: which column of one version is which column of another
(exact name, then case-insensitive, then a rename with the same content), and which columns are row ids or
dates whatever their name or stored type — those are never tested for drift.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from mlaudit.store import data_queries as dq
from mlaudit.store.db import Store

MIN_ROWS = 20
DATE_SHARE = 0.9
DATE_SHAPE = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\s*$")
_STAT_KEYS = ("distinct", "missing", "mean", "std", "min", "max")


def _same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two columns' stored statistics agree (a rename keeps the values)."""
    keys = [k for k in _STAT_KEYS if k in a or k in b]
    if not keys or a.get("distinct") is None:
        return False
    for k in keys:
        x, y = a.get(k), b.get(k)
        if isinstance(x, float) and isinstance(y, float):
            if abs(x - y) > 1e-9 * max(1.0, abs(x), abs(y)):
                return False
        elif x != y:
            return False
    return True


def match_columns(ref: dq.Profile, cur: dq.Profile) -> dict[str, str]:
    """{reference column: current column}: same name, else same name ignoring case, else the one column of the
    same type whose statistics are identical (a rename)."""
    rt, ct = ref.column_types(), cur.column_types()
    out = {n: n for n in rt if n in ct}
    left = [n for n in rt if n not in out]
    free = [n for n in ct if n not in out.values()]
    by_lower: dict[str, list[str]] = {}
    for n in free:
        by_lower.setdefault(n.lower(), []).append(n)
    for n in list(left):
        hits = by_lower.get(n.lower(), [])
        if len(hits) == 1:
            out[n] = hits[0]
            free.remove(hits[0])
            left.remove(n)
    for n in left:
        same = [m for m in free if ct[m] == rt[n] and _same_content(ref.stats.get(n, {}), cur.stats.get(m, {}))]
        if len(same) == 1:
            out[n] = same[0]
            free.remove(same[0])
    return out


def is_row_id(prof: dq.Profile, name: str) -> bool:
    """An integer column with one distinct value per row spanning about as many values as rows: a row id."""
    st = prof.stats.get(name, {})
    rows = int(prof.rows or 0)
    kind = prof.column_types().get(name)
    if kind == "identifier":
        return True
    if kind != "numeric" or rows < MIN_ROWS or st.get("missing"):
        return False
    lo, hi, distinct = st.get("min"), st.get("max"), st.get("distinct")
    if lo is None or hi is None or distinct is None or distinct < rows:
        return False
    if float(lo) != int(lo) or float(hi) != int(hi):
        return False
    return bool((hi - lo + 1) <= 1.1 * rows)  # unique and dense: a counter, not a measurement


def is_text_date(store: Store, prof: dq.Profile, name: str) -> bool:
    """A text or categorical column whose sampled values are dates (``2011-01-01``, ``01/02/2011 00:00``)."""
    kind = prof.column_types().get(name)
    if kind == "datetime":
        return True
    if kind not in ("text", "categorical", "identifier"):
        return False
    frame = dq.sample_frame(store, prof.key)
    if name not in frame.columns:
        return False
    values = frame[name].dropna().astype(str).head(500)
    if len(values) == 0:
        return False
    shaped = values.str.match(DATE_SHAPE).mean()
    if shaped < DATE_SHARE:
        return False
    import pandas as pd  # on first use (start-up time)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= DATE_SHARE)


def untested_reason(store: Store, prof: dq.Profile, name: str) -> str | None:
    """Why a column is not tested for drift by content (row id, date), or None."""
    if is_row_id(prof, name):
        return "row identifier (unique, dense integers or unique ids): not tested for drift"
    if is_text_date(store, prof, name):
        return "date column (values parse as dates): not tested for distribution drift"
    return None
