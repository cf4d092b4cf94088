"""The code-leakage checks' shared work: analyse (or reuse) every script and notebook, link files, cross-check on data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from mlaudit.checks.base import Check, CheckResult, Evidence, Status
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.measures import fit_effect, split_duplicates
from mlaudit.checks.leakage.pairs import MAX_PAIR_BYTES, read_frame
from mlaudit.core.tree import FileTooLarge
from mlaudit.scanners.leakage import CodeFinding, FileResult, analyze_file, link_files
from mlaudit.scanners.leakage.links import same_file
from mlaudit.scanners.leakage.sources import ANALYZER_VERSION, MAX_SOURCE, content_id, python_sources
from mlaudit.store.leakage_queries import cached_results

if TYPE_CHECKING:
    import pandas as pd


@dataclass(slots=True)
class CodeReport:
    """Every file's analysis for one tree, plus the findings that cross files."""

    files: list[FileResult] = field(default_factory=list)
    cross: list[CodeFinding] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) not analysed

    def findings(self, check_id: str) -> list[tuple[FileResult | None, CodeFinding]]:
        by_path = {f.path: f for f in self.files}
        own = [(f, x) for f in self.files for x in f.findings if x.check_id == check_id]
        return own + [(by_path.get(x.site.path), x) for x in self.cross if x.check_id == check_id]


T = TypeVar("T")
_CACHE: dict[str, tuple[CheckContext, CodeReport]] = {}


def per_context(cache: dict[str, tuple[CheckContext, T]], ctx: CheckContext, name: str) -> T | None:
    """The value cached for this very context (the context is held, so its id cannot be reused meanwhile)."""
    hit = cache.get(name)
    return hit[1] if hit is not None and hit[0] is ctx else None


def code_report(ctx: CheckContext) -> CodeReport:
    """Analyses of the judged tree: results cached in the store by blob id are reused, the rest computed now."""
    cached = per_context(_CACHE, ctx, "code")
    if cached is not None:
        return cached
    cap = int(ctx.threshold(MAX_SOURCE))
    report = CodeReport()
    entries = python_sources(ctx.tree, ctx.config.path_rules)
    datas: dict[str, bytes] = {}
    for e in entries:
        if e.size > cap:
            report.skipped.append((e.path, f"{e.size} bytes, over the {cap}-byte limit"))
            continue
        try:
            datas[e.path] = ctx.tree.read_bytes(e.path, cap)
        except (OSError, FileTooLarge) as exc:
            report.skipped.append((e.path, str(exc)))
    ids = {e.path: content_id(e, datas[e.path]) for e in entries if e.path in datas}
    known = cached_results(ctx.store, ids.values(), ANALYZER_VERSION)
    for path, blob in ids.items():
        stored = known.get(blob)
        report.files.append(FileResult.from_dict(stored, path) if stored
                            else analyze_file(path, datas[path], ctx.threshold("limits.file_seconds")))
    report.cross = link_files(report.files)
    _CACHE["code"] = (ctx, report)
    return report


def cross_check(ctx: CheckContext, result: FileResult | None, finding: CodeFinding) -> Evidence:
    """Confirm or refute a code finding on the data the flagged file reads, when that data is in the repo."""
    if result is None:
        return Evidence("cross-check: not possible (no file context)")
    paths = [e.path for e in ctx.tree.files()]
    read = [p for r in result.reads for p in paths if same_file(r, p)]
    if not read:
        return Evidence("cross-check: not possible — the data this code reads is not in the repository")
    path = read[0]
    try:
        frame = read_frame(ctx.tree.read_bytes(path, int(ctx.threshold(MAX_PAIR_BYTES))), path)
    except (OSError, FileTooLarge, ValueError) as exc:
        return Evidence(f"cross-check: not possible — {exc}", path=path)
    num = frame.select_dtypes("number")
    scaled = [c for c in num.columns if len(num) > 2 and ((abs(num[c].mean()) < 1e-2 and abs(num[c].std() - 1) < 5e-2)
                                                        or (num[c].min() == 0 and num[c].max() == 1 and num[c].nunique() > 2))]
    dups = int(frame.duplicated().sum())
    cid = finding.check_id
    if cid == "LEAK-CODE-PREPROCESS":
        if finding.related:  # written by another script: the stored file itself must show the scaling
            if scaled:
                return Evidence(f"cross-check: confirmed — {path} already holds scaled columns ({', '.join(scaled[:4])}) "
                                f"before any split, over all {len(frame)} rows", path=path, value=scaled[:10])
            return Evidence(f"cross-check: refuted — no column of {path} looks scaled", path=path)
        return effect_evidence(frame, path, finding)
    if cid == "LEAK-CODE-OVERSAMPLE" and finding.related:
        verdict = "confirmed" if dups else "not confirmed"
        return Evidence(f"cross-check: {verdict} — {path} holds {dups} duplicate rows of {len(frame)}", path=path, value=dups)
    return Evidence(f"cross-check: data read from {path} ({len(frame)} rows); this finding is about code only", path=path)


_SHARE = (re.compile(r"\btest_size\s*=\s*(0?\.\d+)"), re.compile(r"\bvalidation_split\s*=\s*(0?\.\d+)"))
_TRAIN_SHARE = re.compile(r"\btrain_size\s*=\s*(0?\.\d+)")
_FOLDS = re.compile(r"\b(?:n_splits|n_folds|cv)\s*=\s*(\d+)|(?:KFold|StratifiedKFold|GroupKFold)\(\s*(\d+)")
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def test_share(split_text: str) -> tuple[float, str]:
    """The share of rows a split holds out, read from its line (defaults: 0.25 for train_test_split, 1/5 for folds)."""
    for rx in _SHARE:
        m = rx.search(split_text)
        if m:
            return float(m.group(1)), "as written"
    m = _TRAIN_SHARE.search(split_text)
    if m:
        return 1 - float(m.group(1)), "as written"
    m = _FOLDS.search(split_text)
    if m:
        k = int(m.group(1) or m.group(2))
        return (1 / k if k > 1 else 0.2), f"one of {k} folds"
    if "train_test_split" in split_text:
        return 0.25, "train_test_split's default"
    return 0.2, "assumed (the split's size is not written on its line)"


def effect_evidence(frame: pd.DataFrame, path: str, finding: CodeFinding) -> Evidence:
    """The measured effect of fitting on all rows: how far the fitted statistics move with the test rows in."""
    share, how = test_share(finding.split.what if finding.split else "")
    cols = _QUOTED.findall(finding.fit.what if finding.fit else "")
    eff = fit_effect(frame, share, cols)
    dups, across = split_duplicates(frame, share)
    if not eff.columns:
        return Evidence(f"cross-check: confirmed — the fit reads all {len(frame)} rows of {path}, which the split then "
                        f"divides; no numeric column to measure the effect on", path=path, value=len(frame))
    worst = eff.worst or ""
    text = (f"cross-check: confirmed — the fit reads all {eff.rows} rows of {path}, {share:.0%} of them test rows "
            f"({how}); with the test rows in, the fitted statistics move by up to {eff.shift:.1%} of a standard "
            f"deviation (column {worst}) — {eff.impact} impact")
    if dups:
        text += f"; {dups} rows repeat another row, about {across:.0f} of them expected across the split"
    return Evidence(text, path=path, value={"shift": round(eff.shift, 6), "impact": eff.impact, "test_share": share,
                                            "column": worst, "duplicates": dups})


def code_check_result(check: Check, ctx: CheckContext, what: str) -> CheckResult:
    """The verdict of one code-leakage check over the tree: fail with evidence per finding, else pass / n.a. / unknown."""
    report = code_report(ctx)
    readable = [f for f in report.files if f.unreadable is None]
    unreadable = [Evidence(f"not analysed: {f.unreadable}", path=f.path) for f in report.files if f.unreadable]
    unreadable += [Evidence(f"not analysed: {why}", path=p) for p, why in report.skipped]
    unreadable += [Evidence(f"analysed in part: {note}", path=f.path) for f in report.files if f.unreadable is None
                   for note in [*f.cell_errors, *f.partial]]
    if not readable:
        msg = "No Python script or notebook could be analysed." if unreadable else "No Python script or notebook in the tree."
        return check.result(Status.UNKNOWN, 0, message=msg, evidence=unreadable)
    if not any(f.uses_ml for f in readable):
        return check.result(Status.NOT_APPLICABLE, 0, value=0, message="No training or evaluation code (no split, fit or score) found.",
                            evidence=unreadable)
    found = report.findings(check.id)
    if not found:
        return check.result(Status.PASS, 1, value=0, threshold=0,
                            message=f"No {what} in {len(readable)} analysed scripts and notebooks.", evidence=unreadable)
    evidence: list[Evidence] = []
    for result, f in found:
        evidence.append(Evidence(f.message, path=f.site.path, line=f.site.line, cell=f.site.cell, value=f.site.what or None))
        if f.fit is not None and f.fit != f.site:
            evidence.append(Evidence(f"fit: {f.fit.what}", path=f.fit.path, line=f.fit.line, cell=f.fit.cell))
        via = (f.fit or f.site).via
        if via is not None:
            evidence.append(Evidence(f"reached through the call: {via.what}", path=via.path, line=via.line, cell=via.cell))
        if f.split is not None and f.split != f.site:
            evidence.append(Evidence(f"split: {f.split.what}", path=f.split.path, line=f.split.line, cell=f.split.cell))
        for rel in f.related:
            evidence.append(Evidence(f"related: {rel.what}", path=rel.path, line=rel.line, cell=rel.cell))
        evidence.append(cross_check(ctx, result, f))
    files = len({f.site.path for _, f in found})
    impacts = [e.value["impact"] for e in evidence if isinstance(e.value, dict) and "impact" in e.value]
    measured = f" Measured effect: {', '.join(f'{impacts.count(k)} {k}' for k in ('high', 'medium', 'low') if k in impacts)} " \
               "impact." if impacts else ""
    return check.result(Status.FAIL, 0, value=len(found), threshold=0,
                        message=f"{len(found)} {what} finding(s) in {files} file(s).{measured}", evidence=evidence + unreadable)
