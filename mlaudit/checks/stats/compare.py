"""Compare two stored data contents: per-column drift, dataset drift and schema changes, from the store only.

Each numeric column reports KS (p-value), normed Wasserstein and PSI; each categorical column chi-square
(or z), Jensen–Shannon and PSI; the chooser's test decides ``drifted``. ``significant_but_small`` marks a
column whose p-value is significant while its effect size stays under the distance threshold (large
samples make tiny effects significant). Datetime, text and identifier columns are not tested for drift.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mlaudit.checks.stats import STATISTICS, ColumnData, drift_cache
from mlaudit.checks.stats.chooser import FEW_VALUES, SMALL_ROWS, choose
from mlaudit.checks.stats.psi import MODERATE
from mlaudit.checks.stats.ztest import cohens_h
from mlaudit.core.config import AuditConfig, define_threshold
from mlaudit.core.errors import MlauditError
from mlaudit.store import data_queries as dq
from mlaudit.store.data_columns import match_columns, untested_reason
from mlaudit.store.db import Store

SHARE = define_threshold("drift.share", 0.5, "Dataset drift when at least this share of tested columns drifts.")
TESTED = ("numeric", "categorical", "boolean")


@dataclass(slots=True)
class ColumnDrift:
    """The drift verdict of one column."""

    name: str
    type: str
    test: str
    statistic: float
    p_value: float | None
    effect_size: float
    effect_name: str
    threshold: float
    drifted: bool
    significant_but_small: bool
    psi: float
    psi_level: str
    sampled: bool
    sample_size: tuple[int, int]


@dataclass(slots=True)
class SchemaChange:
    """A column added, removed or retyped, or categories that appear only in the current data."""

    kind: str  # added | removed | retyped | new categories
    column: str
    before: Any = None
    after: Any = None


@dataclass(slots=True)
class DriftReport:
    """Drift of ``current`` against ``reference`` (content keys), with the thresholds used."""

    reference: str
    current: str
    columns: list[ColumnDrift] = field(default_factory=list)
    schema_changes: list[SchemaChange] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    share_drifted: float = 0.0
    dataset_drift: bool = False
    share_threshold: float = 0.5
    sampled: bool = False

    @property
    def drifted_columns(self) -> list[ColumnDrift]:
        return [c for c in self.columns if c.drifted]

    @property
    def comparable(self) -> bool:
        """At least one column was tested; with none, the pair is "not comparable", never "no drift"."""
        return bool(self.columns)

    @property
    def verdict(self) -> str:
        """dataset drift | column drift | no drift | not comparable."""
        if not self.comparable:
            return "not comparable"
        return "dataset drift" if self.dataset_drift else "column drift" if self.drifted_columns else "no drift"

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference, "current": self.current,
            "columns": [{k: _clean(v) for k, v in asdict(c).items()} for c in self.columns],
            "share_drifted": self.share_drifted, "dataset_drift": self.dataset_drift,
            "share_threshold": self.share_threshold, "sampled": self.sampled,
            "schema_changes": [asdict(s) for s in self.schema_changes], "not_tested": self.skipped,
            "comparable": self.comparable, "verdict": self.verdict,
        }


def report_from_dict(d: dict[str, Any]) -> DriftReport:
    """The DriftReport that ``to_dict`` described (for the drift cache)."""
    def num(v: Any) -> Any:
        return float(v) if v in ("inf", "-inf") else float("nan") if v is None else v

    columns = []
    for c in d["columns"]:
        c = dict(c)
        for name in ("statistic", "effect_size", "psi"):
            c[name] = num(c[name])
        c["sample_size"] = tuple(c["sample_size"])
        columns.append(ColumnDrift(**c))
    return DriftReport(d["reference"], d["current"], columns, [SchemaChange(**s) for s in d["schema_changes"]],
                       dict(d["not_tested"]), d["share_drifted"], d["dataset_drift"], d["share_threshold"], d["sampled"])


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not np.isfinite(v):
        return None if np.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, tuple):
        return list(v)
    return v


def stored_profile(store: Store, key: str) -> dq.Profile:
    """The stored profile of a content; MlauditError when it is missing or could not be read."""
    prof = dq.profile(store, key)
    if prof is None:
        raise MlauditError(f"content {key} has no stored profile; run `mlaudit scan` first")
    if prof.error:
        raise MlauditError(f"content {key} could not be read: {prof.error}")
    return prof


def _data(store: Store, prof: dq.Profile, column: str, kind: str) -> ColumnData:
    if kind == "numeric":
        return ColumnData(values=dq.sorted_values(store, prof.key, column))
    return ColumnData(counts={str(k): int(v) for k, v in prof.stats.get(column, {}).get("counts", {}).items()})


def schema_changes(ref: dq.Profile, cur: dq.Profile) -> list[SchemaChange]:
    """Added, removed and retyped columns, and new categories of categorical columns."""
    rt, ct = ref.column_types(), cur.column_types()
    ra = {c["name"]: c["arrow_type"] for c in ref.columns}
    ca = {c["name"]: c["arrow_type"] for c in cur.columns}
    pairs = match_columns(ref, cur)
    renamed = {old: new for old, new in pairs.items() if old != new}
    out = [SchemaChange("renamed", new, old, new) for old, new in renamed.items()]
    out += [SchemaChange("added", n, None, ct[n]) for n in ct if n not in rt and n not in renamed.values()]
    out += [SchemaChange("removed", n, rt[n], None) for n in rt if n not in ct and n not in renamed]
    for n in rt:
        if n in ct and (rt[n] != ct[n] or _family(ra[n]) != _family(ca[n])):
            out.append(SchemaChange("retyped", n, f"{rt[n]} ({ra[n]})", f"{ct[n]} ({ca[n]})"))
        elif n in ct and rt[n] == "categorical" == ct[n]:
            new = sorted(set(cur.stats[n].get("counts", {})) - set(ref.stats[n].get("counts", {})))
            if new:
                out.append(SchemaChange("new categories", n, None, new[:10]))
    return out


def _family(arrow_type: str) -> str:
    for fam in ("int", "uint", "double", "float", "decimal", "string", "bool", "timestamp", "date"):
        if arrow_type.startswith((fam, "large_" + fam)):
            return "number" if fam in ("int", "uint", "double", "float", "decimal") else fam
    return arrow_type


def compare(store: Store, ref_key: str, cur_key: str, config: AuditConfig | None = None) -> DriftReport:
    """Drift of ``cur_key`` against ``ref_key`` (stored contents), with every threshold from ``config``.

    Columns are read and compared one at a time, so memory holds one column pair (not the whole sample). The
    result is cached in the store by (``ref_key``, ``cur_key``, settings): see ``drift_cache``.
    """
    config = config or AuditConfig()
    settings = drift_cache.settings_key(config)
    cached = drift_cache.load(store, ref_key, cur_key, settings)
    if cached is not None:
        try:
            return report_from_dict(cached)
        except (KeyError, TypeError, ValueError):
            pass  # written by other code: recompute (and overwrite)
    report = _compute(store, ref_key, cur_key, config)
    drift_cache.save(store, ref_key, cur_key, settings, report.to_dict())
    return report


def _compute(store: Store, ref_key: str, cur_key: str, config: AuditConfig) -> DriftReport:
    ref, cur = stored_profile(store, ref_key), stored_profile(store, cur_key)
    report = DriftReport(ref_key, cur_key, schema_changes=schema_changes(ref, cur),
                         share_threshold=config.threshold(SHARE), sampled=ref.sampled or cur.sampled)
    small = int(config.threshold(SMALL_ROWS))
    report.columns = [_column(*job, config, small) for job in _tested_columns(store, ref, cur, report.skipped)]
    tested = len(report.columns)
    report.share_drifted = len(report.drifted_columns) / tested if tested else 0.0
    report.dataset_drift = tested > 0 and report.share_drifted >= report.share_threshold
    return report


def _tested_columns(store: Store, ref: dq.Profile, cur: dq.Profile, skipped: dict[str, str]
                    ) -> Iterator[tuple[str, str, ColumnData, ColumnData, dq.Profile, dq.Profile]]:
    """Columns of both profiles that can be tested, with their data; the others go to ``skipped`` with why."""
    rt, ct = ref.column_types(), cur.column_types()
    pairs = match_columns(ref, cur)  # same name, else case-insensitive, else a rename with the same content
    for name, kind in rt.items():
        other = pairs.get(name)
        if other is None:
            continue
        if kind not in TESTED or ct[other] not in TESTED:
            skipped[name] = f"{kind} column: not tested for distribution drift"
            continue
        if (kind == "numeric") != (ct[other] == "numeric"):
            skipped[name] = f"type changed from {kind} to {ct[other]}"
            continue
        why = untested_reason(store, ref, name) or untested_reason(store, cur, other)
        if why:
            skipped[name] = why
            continue
        a, b = _data(store, ref, name, kind), _data(store, cur, other, kind)
        if a.n == 0 or b.n == 0:
            skipped[name] = "no values on one side"
            continue
        yield name, kind, a, b, ref, cur


def _column(name: str, kind: str, a: ColumnData, b: ColumnData, ref: dq.Profile, cur: dq.Profile,
            config: AuditConfig, small: int) -> ColumnDrift:
    if kind == "numeric":
        n_distinct = _distinct(a.values, b.values, ref.stats.get(name, {}).get("distinct"), cur.stats.get(name, {}).get("distinct"))  # type: ignore[arg-type]
    else:
        n_distinct = len(set(a.category_counts()) | set(b.category_counts()))
    test = choose(kind, int(ref.rows or 0), n_distinct, small)
    stat = STATISTICS[test]
    threshold = config.threshold(stat.threshold_name)
    outcome = stat.compute(a, b)
    drifted = stat.drifted(outcome, threshold)
    if kind == "numeric" and n_distinct > 5:
        effect_name, effect_test = "normed Wasserstein", "wasserstein"
        p_test = "ks"
    elif n_distinct <= 2:
        effect_name, effect_test, p_test = "Jensen–Shannon", "jensenshannon", "z"
    else:
        effect_name, effect_test, p_test = "Jensen–Shannon", "jensenshannon", "chisquare"
    effect = outcome.statistic if test == effect_test else STATISTICS[effect_test].compute(a, b).statistic
    p_value = outcome.p_value if stat.kind == "p_value" else STATISTICS[p_test].compute(a, b).p_value
    effect_threshold = config.threshold(STATISTICS[effect_test].threshold_name)
    p_threshold = config.threshold(STATISTICS[p_test].threshold_name)
    significant_but_small = p_value is not None and p_value <= p_threshold and effect < effect_threshold
    if n_distinct <= 2 and test == "z":
        effect_name, effect = "Cohen's h", cohens_h(a, b)
        significant_but_small = drifted and effect < 0.2
    psi = STATISTICS["psi"].compute(a, b).statistic
    psi_drift, psi_moderate = config.threshold("drift.psi"), config.threshold(MODERATE)
    level = "drift" if psi >= psi_drift else "moderate" if psi >= psi_moderate else "stable"
    return ColumnDrift(name, kind, test, float(outcome.statistic), p_value, float(effect), effect_name, threshold,
                       bool(drifted), bool(significant_but_small), float(psi), level, ref.sampled or cur.sampled,
                       (a.n, b.n))


def _distinct(a: np.ndarray, b: np.ndarray, stored_a: int | None = None, stored_b: int | None = None) -> int:
    """Distinct values over two sorted arrays (exact when small; at least 6 once either side has more than 5).

    ``stored_*`` are the profiles' distinct counts of the same samples: when known they save a pass.
    """
    na = stored_a if stored_a is not None else 1 + int(np.count_nonzero(np.diff(a))) if len(a) else 0
    nb = stored_b if stored_b is not None else 1 + int(np.count_nonzero(np.diff(b))) if len(b) else 0
    if na > FEW_VALUES or nb > FEW_VALUES:
        return max(na, nb)
    return len(np.union1d(a, b))


@dataclass(slots=True)
class VersionStep:
    """One change of a data file: the version before, the version after and the drift between them."""

    before: dq.DataVersion
    after: dq.DataVersion
    report: DriftReport


def version_steps(store: Store, path: str, config: AuditConfig | None = None, commits: set[str] | None = None) -> list[VersionStep]:
    """Drift between consecutive readable committed versions of ``path`` (optionally only within ``commits``)."""
    versions: list[dq.DataVersion] = []
    for v in dq.data_versions(store, path, follow_renames=True):
        if not v.commit or (commits is not None and v.commit not in commits) or not v.available:
            continue
        prof = dq.profile(store, v.key)
        if prof is None or prof.error or not prof.rows or (versions and versions[-1].key == v.key):
            continue
        versions.append(v)
    return [VersionStep(a, b, compare(store, a.key, b.key, config)) for a, b in itertools.pairwise(versions)]
