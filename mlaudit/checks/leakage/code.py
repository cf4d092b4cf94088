"""The code-leakage checks' shared work: analyse (or reuse) every script and notebook, link files, cross-check on data."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlaudit.checks.base import Check, CheckResult, Evidence, Status
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.pairs import MAX_PAIR_BYTES, read_frame
from mlaudit.core.tree import FileTooLarge
from mlaudit.scanners.leakage import CodeFinding, FileResult, analyze_file, link_files
from mlaudit.scanners.leakage.links import same_file
from mlaudit.scanners.leakage.sources import ANALYZER_VERSION, MAX_SOURCE, content_id, python_sources
from mlaudit.store.leakage_queries import cached_results


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


_CACHE: dict[str, tuple[CheckContext, CodeReport]] = {}


def per_context(cache: dict, ctx: CheckContext, name: str):  # type: ignore[type-arg]
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
        cached = known.get(blob)
        report.files.append(FileResult.from_dict(cached, path) if cached
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
    scaled = [c for c in num.columns if len(num) > 2 and (abs(num[c].mean()) < 1e-2 and abs(num[c].std() - 1) < 5e-2
                                                        or (num[c].min() == 0 and num[c].max() == 1 and num[c].nunique() > 2))]
    dups = int(frame.duplicated().sum())
    cid = finding.check_id
    if cid == "LEAK-CODE-PREPROCESS":
        if finding.related:  # written by another script: the stored file itself must show the scaling
            if scaled:
                return Evidence(f"cross-check: confirmed — {path} already holds scaled columns ({', '.join(scaled[:4])}) "
                                f"before any split, over all {len(frame)} rows", path=path, value=scaled[:10])
            return Evidence(f"cross-check: refuted — no column of {path} looks scaled", path=path)
        return Evidence(f"cross-check: confirmed — the fit reads all {len(frame)} rows of {path}, which the split then "
                        "divides", path=path, value=len(frame))
    if cid == "LEAK-CODE-OVERSAMPLE" and finding.related:
        verdict = "confirmed" if dups else "not confirmed"
        return Evidence(f"cross-check: {verdict} — {path} holds {dups} duplicate rows of {len(frame)}", path=path, value=dups)
    return Evidence(f"cross-check: data read from {path} ({len(frame)} rows); this finding is about code only", path=path)


def code_check_result(check: Check, ctx: CheckContext, what: str) -> CheckResult:
    """The verdict of one code-leakage check over the tree: fail with evidence per finding, else pass / n.a. / unknown."""
    report = code_report(ctx)
    readable = [f for f in report.files if f.unreadable is None]
    unreadable = [Evidence(f"not analysed: {f.unreadable}", path=f.path) for f in report.files if f.unreadable]
    unreadable += [Evidence(f"not analysed: {why}", path=p) for p, why in report.skipped]
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
        if f.split is not None and f.split != f.site:
            evidence.append(Evidence(f"split: {f.split.what}", path=f.split.path, line=f.split.line, cell=f.split.cell))
        for rel in f.related:
            evidence.append(Evidence(f"related: {rel.what}", path=rel.path, line=rel.line, cell=rel.cell))
        evidence.append(cross_check(ctx, result, f))
    files = len({f.site.path for _, f in found})
    return check.result(Status.FAIL, 0, value=len(found), threshold=0,
                        message=f"{len(found)} {what} finding(s) in {files} file(s).", evidence=evidence + unreadable)
