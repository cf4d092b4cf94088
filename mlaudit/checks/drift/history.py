"""DRIFT-HISTORY: drift between consecutive versions of each data file, and the commit that introduced it."""

from __future__ import annotations

import itertools

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.data._use import data_use
from mlaudit.checks.drift._common import column_evidence, usable
from mlaudit.checks.stats.compare import SHARE, compare
from mlaudit.core.config import define_threshold
from mlaudit.store import data_queries as dq

MAX_PAIRS = define_threshold("drift.history_pairs", 50, "Most recent consecutive version pairs compared per data file by DRIFT-HISTORY.")


def history(ctx: CheckContext, path: str, ancestors: set[str] | None) -> list[dq.DataVersion]:
    """Committed versions of ``path`` visible from the judged tree, consecutive duplicates dropped."""
    out: list[dq.DataVersion] = []
    for v in dq.data_versions(ctx.store, path, follow_renames=True):
        if not v.commit or (ancestors is not None and v.commit not in ancestors):
            continue
        if out and out[-1].key == v.key:
            continue
        out.append(v)
    return out


@register
class HistoryDrift(Check):
    id = "DRIFT-HISTORY"
    title = "Data files do not drift silently between versions"
    area = "drift"
    help = (
        "Compares each committed version of every data file with the version before it (git, DVC and LFS "
        "versions, renames followed) using the default drift tests, and names the commit that introduced "
        "drift. Fails when a version shows dataset drift, warns when only some columns drift, passes when "
        "versions are stable. Not applicable when no data file has two versions."
    )
    recommendation = ("Review the commits that introduced drift: retrain and re-evaluate on the new data, and record "
                      "why the data changed (a data changelog or DVC pipeline).")
    markers = ("data dependencies", "changes in the external world")
    ml_test_score = ()  # drift between commits decides none of the 2017 tests (mon-3 is training vs serving)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        ancestors = dq.scope_ancestors(ctx.store, ctx.rev)  # HEAD's history, never other refs
        limit = int(ctx.threshold(MAX_PAIRS))
        evidence: list[Evidence] = []
        compared = drifted = dataset = not_comparable = 0
        introduced: list[str] = []
        worst = 0.0
        renamed_away = {r[0] for r in ctx.store.db.execute("SELECT old_path FROM file_changes WHERE status = 'R'")}
        for f in dq.list_data_files(ctx.store):
            if f.path in renamed_away:
                continue  # its versions are followed under the new name
            versions = history(ctx, f.path, ancestors)
            if versions and not data_use(ctx, versions[-1]).training:
                continue  # predictions, submissions, one-column lists: their drift says nothing about the training data
            for before, after in list(itertools.pairwise(versions))[-limit:]:
                if usable(ctx, before) or usable(ctx, after):
                    continue
                report = compare(ctx.store, before.key, after.key, ctx.config)
                if not report.comparable:  # 0 comparable columns is its own result, never "no drift"
                    not_comparable += 1
                    evidence.append(Evidence(f"{f.path}: commit {after.commit[:10]} is not comparable with the version "
                                             "before it (no column both versions share can be tested)",
                                             path=f.path, commit=after.commit, value=report.skipped or None))
                    continue
                compared += 1
                worst = max(worst, report.share_drifted)
                if not report.drifted_columns and not report.schema_changes:
                    continue
                drifted += bool(report.drifted_columns)
                dataset += report.dataset_drift
                if report.dataset_drift and after.commit[:10] not in introduced:
                    introduced.append(after.commit[:10])  # one commit may drift several files
                names = ", ".join(c.name for c in report.drifted_columns) or "none"
                evidence.append(Evidence(
                    f"{f.path}: commit {after.commit[:10]} changed the data: drifted columns {names} "
                    f"(share {report.share_drifted:.2f})" + (" — dataset drift" if report.dataset_drift else ""),
                    path=f.path, commit=after.commit, value=report.share_drifted))
                evidence += column_evidence(report, f.path, after.commit)
        threshold = ctx.threshold(SHARE)
        if not compared and not_comparable:
            return self.result(Status.UNKNOWN, value={"not comparable": not_comparable}, evidence=evidence[:30],
                               message=f"{not_comparable} version change(s) are not comparable (no shared testable column), "
                                       "so drift between versions cannot be judged.")
        if not compared:
            return self.result(Status.NOT_APPLICABLE, message="No data file has two comparable versions.")
        if dataset:
            return self.result(Status.FAIL, 0, value=round(worst, 3), threshold=threshold, evidence=evidence,
                               message=f"Dataset drift introduced by commit(s) {', '.join(introduced[:5])} "
                                       f"({dataset} of {compared} version changes).")
        if drifted:
            return self.result(Status.WARN, 0.5, value=round(worst, 3), threshold=threshold, evidence=evidence,
                               message=f"Some columns drifted in {drifted} of {compared} version changes.")
        note = f"; {not_comparable} more not comparable" if not_comparable else ""
        return self.result(Status.PASS, 1, value=round(worst, 3), threshold=threshold, evidence=evidence,
                           message=f"No drift across {compared} consecutive version pair(s){note}.")
