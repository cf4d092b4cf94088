"""DATA-QUALITY: per snapshot, duplicate rows, constant columns, high missing share, mixed types, unreadable files."""

from __future__ import annotations

import functools
from typing import Any

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.data._use import training_versions
from mlaudit.core.config import define_threshold
from mlaudit.store import data_queries as dq

DUPLICATES = define_threshold("data.duplicate_share", 0.05, "Share of exact duplicate rows in a data file above which DATA-QUALITY warns.")
MISSING = define_threshold("data.missing_share", 0.3, "Share of missing values in a column above which DATA-QUALITY warns.")
MIXED = define_threshold("data.mixed_share", 0.2, "A text column whose values are numbers for at least this share (but not all) is reported as mixed types.")
MAX_EVIDENCE = 30


def snapshot(ctx: CheckContext) -> list[dq.DataVersion]:
    """The version of every data file in the judged tree (on disk, else at HEAD; never only on another ref)."""
    return dq.current_data_files(ctx.store, ctx.rev)


def _duplicates(ctx: CheckContext, key: str, rows: int) -> int:
    hashes = dq.row_hashes(ctx.store, key)
    if len(hashes) < 2:
        return 0
    return int(rows - (1 + (hashes[1:] != hashes[:-1]).sum()))


PARSE_SLICE = 5_000  # values parsed per pandas call: about 10 ms with the GIL held


def _numeric_shares(ctx: CheckContext, prof: dq.Profile) -> dict[str, float]:
    """Per text column of the stored sample, the share of its non-missing values that parse as numbers."""
    cols = [c["name"] for c in prof.columns if c["type"] in ("categorical", "text") and c["arrow_type"] in ("string", "large_string")]
    if not cols:
        return {}
    import pandas as pd

    frame = dq.sample_frame(ctx.store, prof.key)
    shares = {}
    for c in cols:
        values = frame[c].dropna()
        if len(values):  # in slices: pandas holds the GIL for a whole to_numeric call (the GUI thread would wait)
            numbers = sum(int(pd.to_numeric(values.iloc[i:i + PARSE_SLICE], errors="coerce").notna().sum())
                          for i in range(0, len(values), PARSE_SLICE))
            shares[c] = numbers / len(values)
    return shares


def _mixed(ctx: CheckContext, prof: dq.Profile, limit: float) -> list[tuple[str, float]]:
    # per content, read back on later scans (reading every stored sample again was most of a rescan's time)
    shares = ctx.content_fact("quality.numeric_shares/1", prof.key, lambda: _numeric_shares(ctx, prof))
    return [(c, share) for c, share in shares.items() if limit <= share < 1]


def problems(ctx: CheckContext, v: dq.DataVersion) -> list[Evidence]:
    """Quality problems of one data version (empty when clean)."""
    prof = dq.profile(ctx.store, v.key)
    if prof is None:
        return []
    at: dict[str, Any] = {"path": v.path, "commit": v.commit or None}
    if prof.error:
        return [Evidence(f"unreadable: {prof.error}", **at)]
    if not prof.rows:
        return [Evidence("no data rows (header only)", **at)]
    out = [Evidence(r[0], **at) for r in ctx.store.db.execute(
        "SELECT DISTINCT reason FROM scan_errors WHERE phase = 'data' AND blob = ? AND reason != 'no data rows (header only)'", [v.key])]
    dups = ctx.content_fact("quality.duplicates/1", v.key, functools.partial(_duplicates, ctx, v.key, prof.rows))
    if dups / prof.rows > ctx.threshold(DUPLICATES):
        out.append(Evidence(f"{dups} duplicate rows ({dups / prof.rows:.1%})", value=dups, **at))
    for c in prof.columns:
        st = prof.stats.get(c["name"], {})
        if prof.rows > 1 and st.get("distinct") == 1 and not st.get("missing"):
            out.append(Evidence(f"column {c['name']} is constant", value=c["name"], **at))
        share = st.get("missing", 0) / prof.rows
        if share > ctx.threshold(MISSING):
            out.append(Evidence(f"column {c['name']} is {share:.0%} missing", value=round(share, 3), **at))
    for name, share in _mixed(ctx, prof, ctx.threshold(MIXED)):
        out.append(Evidence(f"column {name} mixes numbers ({share:.0%}) and text", value=name, **at))
    return out


@register
class DataQuality(Check):
    id = "DATA-QUALITY"
    title = "Data files are readable and clean"
    area = "data"
    help = (
        "For the current version of every training data file (prediction outputs, submission templates and "
        "one-column lists are left out, by content and by what the code reads and writes): unreadable or header-only files, exact duplicate rows "
        "(share above data.duplicate_share), constant columns, columns with a missing share above "
        "data.missing_share, and text columns that mix numbers and text. Fails when a file cannot be read, "
        "warns on the other problems, passes when every file is clean. Not applicable without data files."
    )
    recommendation = "Fix or document the listed problems and add a validation step (pandera, Great Expectations) that catches them."
    markers = ("data testing debt",)
    ml_test_score = ()  # no 2017 test asks for per-snapshot quality; data-5 (privacy) is not decidable here
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        versions, other = training_versions(ctx, snapshot(ctx))
        not_training = [Evidence(f"not profiled as training data: {u.reason}", path=u.path) for u in other][:10]
        if not versions:
            return self.result(Status.NOT_APPLICABLE, message="No training data files in this tree"
                               + (f" ({len(other)} other data file(s): outputs, submissions, lists)." if other else "."),
                               evidence=not_training)
        missing = [v for v in versions if not v.available]
        readable = [v for v in versions if v.available]
        evidence: list[Evidence] = []
        bad_files, unreadable = set(), 0
        for v in readable:
            found = problems(ctx, v)
            if found:
                bad_files.add(v.path)
                unreadable += any(e.detail.startswith("unreadable") for e in found)
                evidence += found
        evidence += [Evidence(f"not available locally ({v.source} {v.key[:16]})", path=v.path) for v in missing]
        evidence = evidence[:MAX_EVIDENCE] + not_training
        if not readable:
            return self.result(Status.UNKNOWN, message=f"None of the {len(versions)} data files is available locally.", evidence=evidence)
        value = {"files": len(readable), "with_problems": len(bad_files), "unreadable": unreadable}
        if unreadable:
            return self.result(Status.FAIL, 0, value=value, evidence=evidence,
                               message=f"{unreadable} data file(s) cannot be read; {len(bad_files)} of {len(readable)} have problems.")
        if bad_files:
            return self.result(Status.WARN, 0.5, value=value, evidence=evidence,
                               message=f"{len(bad_files)} of {len(readable)} data files have quality problems.")
        return self.result(Status.PASS, 1, value=value, evidence=evidence,
                           message=f"{len(readable)} data file(s) readable, no duplicates, constant or mostly-missing columns.")
