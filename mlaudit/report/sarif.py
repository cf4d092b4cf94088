"""SARIF 2.1.0: one rule per check, one result per finding site, fingerprints that survive rescans.

Code scanning (GitHub, GitLab, Azure DevOps) reads this file. A finding is a warn or fail check result; each of its
evidence items that names a file and is not attached context ("fit:", "split:", "related:" ...) becomes one result at
that location, the attached items after it become its related locations. A finding with no located evidence becomes
one result without a location. Checks that could not decide (unknown, error) and files that could not be read are
tool execution notifications, never results: they are not findings and not passes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from mlaudit import __version__
from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, all_checks
from mlaudit.report.model import Report
from mlaudit.report.vcs import remote_url
from mlaudit.report.waivers import finding_sites

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "mlauditFinding/v1"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note",
          Severity.INFO: "note"}
# GitHub sorts security alerts by this CVSS-like score.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "7.5", Severity.MEDIUM: "5.0", Severity.LOW: "2.0",
                     Severity.INFO: "0.0"}
DOCS_BASE_ENV = "MLAUDIT_DOCS_URL"
# Where a finding about the whole repository is anchored, first present wins.
ANCHORS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "environment.yml", "README.md", "README.rst",
           "README.txt", "README", "Makefile", ".gitignore")


def docs_base() -> str | None:
    """Where the check pages live: $MLAUDIT_DOCS_URL, the package's Documentation URL, or the bundled docs/ folder."""
    base = os.environ.get(DOCS_BASE_ENV)
    if base:
        return base.rstrip("/") + "/"
    try:
        urls = metadata.metadata("mlaudit").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("documentation", "docs") and url.strip():
            return url.strip().rstrip("/") + "/"
    bundled = Path(__file__).resolve().parents[2] / "docs"
    return bundled.as_uri() + "/" if (bundled / "checks").is_dir() else None


def _rule_name(check_id: str) -> str:
    return "".join(part.capitalize() for part in check_id.split("-"))


def _rule(cls: type[Check], base: str | None) -> dict[str, Any]:
    severity = Severity(cls.severity)
    text = cls.help + (f"\n\nWhat to do: {cls.recommendation}" if cls.recommendation else "")
    markdown = f"**{cls.title}**\n\n{cls.help}" + (f"\n\n**What to do:** {cls.recommendation}" if cls.recommendation else "")
    rule: dict[str, Any] = {
        "id": cls.id,
        "name": _rule_name(cls.id),
        "shortDescription": {"text": cls.title},
        "fullDescription": {"text": cls.help},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["ml", cls.area, *cls.markers], "area": cls.area, "precision": "medium",
                       "security-severity": SECURITY_SEVERITY[severity], "docs": f"docs/checks/{cls.id}.md"},
    }
    if base is not None:
        rule["helpUri"] = f"{base}checks/{cls.id}.md"
    return rule


def normalised_context(text: str) -> str:
    """Text that stays the same when a finding only moves lines: lower case, digits masked, spaces collapsed."""
    return " ".join(re.sub(r"\d+", "#", text.lower()).split())


def fingerprint(check_id: str, path: str | None, context: str) -> str:
    """A stable hash of the check, the file and the normalised context (never line numbers alone)."""
    raw = "\0".join([check_id, path or "", normalised_context(context)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _location(ev: Evidence, message: str | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": ev.path, "uriBaseId": SRCROOT}}
    props: dict[str, Any] = {}
    if ev.cell is not None:  # a notebook: the line counts within the cell, not within the .ipynb JSON, so no region
        props = {"cell": ev.cell, **({"lineInCell": ev.line} if ev.line else {})}
        where = f"cell {ev.cell}" + (f", line {ev.line}" if ev.line else "")
        message = f"{message} ({where})" if message else where
    elif ev.line:
        physical["region"] = {"startLine": int(ev.line)}
    location: dict[str, Any] = {"physicalLocation": physical}
    if message:
        location["message"] = {"text": message}
    if ev.commit or props:
        location["properties"] = {**props, **({"commit": ev.commit} if ev.commit else {})}
    return location


def repo_anchor(report: Report) -> str | None:
    """The file a repository-level finding is shown on (code scanning rejects a result without a location)."""
    root = Path(report.provenance.repo)
    return next((name for name in ANCHORS if (root / name).is_file()), None)


def _message(result: CheckResult, primary: Evidence | None) -> str:
    head = primary.detail if primary is not None else result.message
    text = f"{result.title or result.check_id}: {head}" if head else result.title or result.check_id
    if primary is not None and result.message and result.message not in text:
        text += f" ({result.message})"
    return text


def _results(report: Report, base_commit: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    anchor = repo_anchor(report)
    seen: dict[str, int] = {}
    rule_index = {cid: i for i, cid in enumerate(all_checks())}
    for r in report.results:
        if r.status not in (Status.FAIL, Status.WARN):
            continue
        for primary, attached in finding_sites(r):
            context = primary.detail if primary is not None else r.message
            fp = fingerprint(r.check_id, primary.path if primary else None, context)
            seen[fp] = seen.get(fp, 0) + 1
            if seen[fp] > 1:  # the same finding twice in one file: keep the fingerprints distinct and ordered
                fp = f"{fp}:{seen[fp]}"
            entry: dict[str, Any] = {
                "ruleId": r.check_id,
                "level": LEVELS[Severity(r.severity)],
                "kind": "fail",
                "message": {"text": _message(r, primary)},
                "partialFingerprints": {FINGERPRINT_KEY: fp},
                "properties": {"status": str(r.status), "severity": str(r.severity), "area": r.area,
                               "commit": (primary.commit if primary is not None and primary.commit else base_commit)},
            }
            if r.check_id in rule_index:
                entry["ruleIndex"] = rule_index[r.check_id]
            if primary is not None:
                entry["locations"] = [_location(primary)]
            elif anchor is not None:  # about the repository as a whole: shown on its root file, marked as such
                entry["locations"] = [_location(Evidence("", path=anchor), "repository-level finding, not about this file")]
                entry["properties"]["repositoryLevel"] = True
            if attached:
                entry["relatedLocations"] = [dict(_location(ev, ev.detail), id=i) for i, ev in enumerate(attached, 1)]
            waiver = _waiver_of(report, r, primary)
            if waiver is not None:
                entry["suppressions"] = [waiver]
            if r.recommendation:
                entry["properties"]["recommendation"] = r.recommendation
            out.append(entry)
    return out


def _waiver_of(report: Report, result: CheckResult, primary: Evidence | None) -> dict[str, Any] | None:
    """The SARIF suppression of a finding site covered by a waiver in force (an expired waiver suppresses nothing)."""
    if primary is None:
        waiver = report.waiver_for(result, None, None)
    else:
        waiver = report.waiver_for(result, primary.path, primary.line, primary.cell)
    if waiver is None:
        return None
    props = {"origin": waiver.origin, **({"expires": waiver.expires} if waiver.expires else {})}
    return {"kind": "inSource" if waiver.inline else "external", "status": "accepted",
            "justification": waiver.reason, "properties": props}


def _notifications(report: Report) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for r in report.results:
        if r.status in (Status.UNKNOWN, Status.ERROR):
            notes.append({"level": "error" if r.status == Status.ERROR else "note",
                          "message": {"text": f"{r.check_id} could not decide ({r.status}): {r.message}"},
                          "associatedRule": {"id": r.check_id}})
    for err in report.scan_errors:
        where = err.get("path") or "?"
        notes.append({"level": "warning", "message": {"text": f"{err.get('phase')}: could not fully read {where}: {err.get('reason')}"},
                      **({"locations": [{"physicalLocation": {"artifactLocation": {"uri": where, "uriBaseId": SRCROOT}}}]}
                         if err.get("path") else {})})
    return notes


def _vcs(report: Report) -> dict[str, Any]:
    """versionControlProvenance: the remote (credentials stripped), the judged commit and branch, when known."""
    p = report.provenance
    uri = remote_url(p.repo)
    revision = p.head if p.rev == "WORKTREE" else p.rev
    if uri is None or not revision:
        return {}
    entry: dict[str, Any] = {"repositoryUri": uri, "revisionId": revision}
    if p.branch and p.rev == "WORKTREE":
        entry["branch"] = p.branch
    return {"versionControlProvenance": [entry]}


def sarif_dict(report: Report) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log with one run."""
    base = docs_base()
    p = report.provenance
    checks = all_checks()
    run_props: dict[str, Any] = {
        "mlauditVersion": p.mlaudit_version, "thresholds": dict(p.thresholds), "rev": p.rev, "head": p.head,
        "branch": p.branch, "dirty": p.dirty, "scannedAt": p.scanned_at,
        "stage": {"operating": report.scorecard.decision.operating, "meets": report.scorecard.decision.meets},
    }
    if p.threshold_sources:
        run_props["thresholdSources"] = dict(p.threshold_sources)
    if p.config_file:
        run_props["configFile"] = p.config_file
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "mlaudit", "version": __version__, "semanticVersion": __version__,
                **({"informationUri": base} if base else {}),
                "rules": [_rule(cls, base) for cls in checks.values()],
            }},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": _notifications(report),
                             **({"endTimeUtc": p.scanned_at} if p.scanned_at else {})}],
            **_vcs(report),
            "automationDetails": {"id": f"mlaudit/{p.rev}/"},
            "columnKind": "unicodeCodePoints",
            "results": _results(report, p.head if p.rev == "WORKTREE" else p.rev),
            "properties": run_props,
        }],
    }


def render_sarif(report: Report) -> bytes:
    return (json.dumps(sarif_dict(report), indent=2, default=str, ensure_ascii=False) + "\n").encode("utf-8")
