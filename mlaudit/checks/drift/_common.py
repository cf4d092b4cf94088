"""Helpers shared by the drift checks: evidence from a DriftReport, versions visible at the judged tree."""

from __future__ import annotations

from mlaudit.checks.base import Evidence
from mlaudit.checks.context import CheckContext
from mlaudit.checks.stats.compare import DriftReport
from mlaudit.store import data_queries as dq

MAX_COLUMNS_SHOWN = 8


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3g}"


def column_evidence(report: DriftReport, path: str, commit: str | None = None) -> list[Evidence]:
    """One evidence line per drifted column: test, statistic vs threshold, p-value and effect size."""
    out = []
    for c in report.drifted_columns[:MAX_COLUMNS_SHOWN]:
        small = ", significant but small" if c.significant_but_small else ""
        out.append(Evidence(
            f"{c.name}: {c.test} {fmt(c.statistic)} (threshold {fmt(c.threshold)}), p={fmt(c.p_value)}, "
            f"{c.effect_name} {fmt(c.effect_size)}, PSI {fmt(c.psi)}{small}" + (f", on a {c.sample_size[0]}/{c.sample_size[1]}-row sample" if c.sampled else ""),
            path=path, commit=commit, value={"column": c.name, "test": c.test, "statistic": c.statistic,
                                            "p_value": c.p_value, "effect_size": c.effect_size, "threshold": c.threshold}))
    return out


def usable(ctx: CheckContext, version: dq.DataVersion) -> str | None:
    """Why a version cannot be compared (not available, unreadable), or None when it can."""
    if not version.available:
        return f"{version.path} ({version.key[:12]}) is not available locally"
    prof = dq.profile(ctx.store, version.key)
    if prof is None:
        return f"{version.path} ({version.key[:12]}) was not profiled"
    if prof.error:
        return f"{version.path} could not be read: {prof.error}"
    if not prof.rows:
        return f"{version.path} has no data rows"
    return None
