"""One file's analysis as a storable result, and the leaks that cross files (written by one, split by another)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from mlaudit.scanners.leakage.flow import AnalysisTimeout, analyze_units
from mlaudit.scanners.leakage.parse import parse_file
from mlaudit.scanners.leakage.records import CodeFinding
from mlaudit.scanners.leakage.values import Site


@dataclass(slots=True)
class FileResult:
    """Findings of one file, files it writes (with the leaks they carry) and reads that reach a split."""

    path: str
    findings: list[CodeFinding] = field(default_factory=list)
    writes: list[dict[str, Any]] = field(default_factory=list)  # {file, site, leaks: [{kind, site, detail}]}
    read_splits: list[dict[str, Any]] = field(default_factory=list)  # {file, read, split}
    reads: list[str] = field(default_factory=list)
    unreadable: str | None = None
    cell_errors: list[str] = field(default_factory=list)
    uses_ml: bool = False
    targets: list[str] = field(default_factory=list)
    side_reads: list[list[str]] = field(default_factory=list)  # [train | test, literal path]
    partial: list[str] = field(default_factory=list)  # what the tolerant parse changed (Python 2 rewritten, lines skipped)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "findings": [f.to_dict() for f in self.findings], "writes": self.writes,
                "read_splits": self.read_splits, "reads": self.reads, "unreadable": self.unreadable,
                "cell_errors": self.cell_errors, "uses_ml": self.uses_ml, "targets": self.targets,
                "side_reads": self.side_reads, "partial": self.partial}

    @classmethod
    def from_dict(cls, d: dict[str, Any], path: str | None = None) -> FileResult:
        """Rebuild a result; ``path`` relocates it (the same content cached under another path)."""
        r = cls(d["path"], [CodeFinding.from_dict(f) for f in d["findings"]], d["writes"], d["read_splits"],
                d["reads"], d["unreadable"], d["cell_errors"], d.get("uses_ml", False), d.get("targets", []),
                d.get("side_reads", []), d.get("partial", []))
        if path is not None and path != r.path:
            r = relocate(r, path)
        return r


def relocate(r: FileResult, path: str) -> FileResult:
    """The same result for identical content found at another path."""
    old = r.path
    fix = lambda s: s.moved(path) if s.path == old else s
    for f in r.findings:
        f.site, f.fit, f.split = fix(f.site), f.fit and fix(f.fit), f.split and fix(f.split)
        f.related = [fix(s) for s in f.related]
    fixd = lambda d: {**d, "path": path} if d.get("path") == old else d
    r.writes = [{**w, "site": fixd(w["site"]), "leaks": [{**lk, "site": fixd(lk["site"])} for lk in w["leaks"]]} for w in r.writes]
    r.read_splits = [{**rs, "read": fixd(rs["read"]), "split": fixd(rs["split"])} for rs in r.read_splits]
    r.path = path
    return r


def analyze_file(path: str, data: bytes, seconds: float = 30.0) -> FileResult:
    """Parse and analyse one .py or .ipynb file (within ``seconds``); unreadable files and cells come back with the reason."""
    parsed = parse_file(path, data)
    result = FileResult(path, unreadable=parsed.error, cell_errors=parsed.cell_errors, partial=parsed.partial)
    if parsed.error is not None:
        return result
    try:
        flow = analyze_units(path, parsed.units, seconds)
    except RecursionError:
        result.unreadable = "code too deeply nested to analyse"
        return result
    except AnalysisTimeout as exc:
        result.unreadable = str(exc)
        return result
    result.findings = flow.findings
    result.writes = [{"file": f, "site": s.to_dict(), "leaks": [{"kind": e.kind, "site": e.site.to_dict(), "detail": e.detail}
                                                                  for e in evs]} for f, s, evs in flow.writes]
    result.read_splits = [{"file": f, "read": r.to_dict(), "split": s.to_dict()} for f, r, s in flow.read_splits]
    result.reads = sorted({f for f, _ in flow.reads})
    result.uses_ml, result.targets = flow.uses_ml, flow.targets
    result.side_reads = [[side, path] for side, path in flow.side_reads]
    return result


def norm(path: str) -> str:
    """A literal path as written in code, normalised for matching (no ./, no .., forward slashes)."""
    p = posixpath.normpath(path.replace("\\", "/"))
    while p.startswith("../"):
        p = p[3:]
    return p.lstrip("./") if p.startswith("./") else p


def same_file(a: str, b: str) -> bool:
    """Whether two literal paths name the same file (equal, or one is a suffix of the other at a folder boundary)."""
    a, b = norm(a), norm(b)
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def resolved(literal: str, script: str) -> set[str]:
    """Where a literal path in a script may point: relative to the script's folder, or to the repository root."""
    p = literal.replace("\\", "/")
    if p.startswith("/"):
        return {posixpath.normpath(p)}
    return {posixpath.normpath(posixpath.join(posixpath.dirname(script), p)), posixpath.normpath(p)}


def same_written_file(written: str, writer: str, read: str, reader: str) -> bool:
    """Whether a file one script writes is the file another reads: the paths must match as paths, not by suffix."""
    return bool(resolved(written, writer) & resolved(read, reader))


def link_files(results: list[FileResult]) -> list[CodeFinding]:
    """Leaks across scripts: a fit/resample on all rows written to a file that another script reads and splits."""
    out: list[CodeFinding] = []
    seen: set[tuple] = set()
    writes = [(r, w) for r in results for w in r.writes if w["leaks"]]
    for reader in results:
        for rs in reader.read_splits:
            for writer, w in writes:
                if writer.path == reader.path or not same_written_file(w["file"], writer.path, rs["file"], reader.path):
                    continue
                for lk in w["leaks"]:
                    fit, split = Site.from_dict(lk["site"]), Site.from_dict(rs["split"])
                    key = (lk["kind"], fit, split)
                    if key in seen:
                        continue
                    seen.add(key)
                    check = "LEAK-CODE-OVERSAMPLE" if lk["kind"] == "resample" else "LEAK-CODE-PREPROCESS"
                    out.append(CodeFinding(
                        check, split,
                        f"{lk['detail']} in {writer.path} on all rows, written to {w['file']}; {reader.path} reads it "
                        "and splits it, so the test part was seen when fitting.",
                        fit=fit, split=split, related=[Site.from_dict(w["site"]), Site.from_dict(rs["read"])],
                    ))
    return out
