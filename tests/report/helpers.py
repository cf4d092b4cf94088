"""Constructed check results and reports for rule tests (no repo needed)."""

from __future__ import annotations

from mlaudit.checks.base import CheckResult, Evidence, Severity, Status
from mlaudit.checks.scoring import score
from mlaudit.report.model import Provenance, Report

SECTIONS = {"data": "Data", "model": "Model", "infra": "Infrastructure", "mon": "Monitoring"}
TESTS = {f"{prefix}-{i}": (name, f"{name} test {i}") for prefix, name in SECTIONS.items() for i in range(1, 8)}
AREA_OF = {"REPRO": "repro", "DATA": "data", "DRIFT": "drift", "LEAK": "leakage", "MODEL": "models", "INFRA": "infra", "MON": "mon"}


def result(check_id: str, status: str = "pass", points: float | None = None, severity: Severity = Severity.MEDIUM,
           evidence: list[Evidence] | None = None, message: str = "") -> CheckResult:
    """A check result; points default to 1 for pass and 0 otherwise."""
    if points is None:
        points = 1.0 if status == "pass" else 0.0
    area = AREA_OF[check_id.split("-")[0]]
    return CheckResult(check_id, Status(status), points, message=message or f"{check_id} {status}", evidence=evidence or [],
                       recommendation=f"fix {check_id}", severity=severity, title=check_id.title(), area=area)


def section_results(points: dict[str, list[float]]) -> tuple[list[CheckResult], dict[str, list[str]]]:
    """One synthetic check per test ("DATA-T1" decides data-1, ...) earning the given points."""
    results, mapping = [], {}
    for prefix, values in points.items():
        for i, value in enumerate(values, start=1):
            cid = f"DATA-{prefix.upper()}{i}"
            status = "pass" if value == 1 else ("warn" if value == 0.5 else "fail")
            results.append(result(cid, status, value))
            mapping[f"{prefix}-{i}"] = [cid]
    return results, mapping


def make_report(results: list[CheckResult]) -> Report:
    """A report around constructed results (for renderers and the gate)."""
    card = score(results, mapping={}, tests=TESTS)
    prov = Provenance("/tmp/example", "a" * 40, "main", False, "2026-01-01T00:00:00+00:00", 1, "0.1.0", "WORKTREE",
                      "/tmp/store.sqlite", {"repro.pinned_share": 0.9})
    return Report(prov, results, card, [], {"commits": 1}, [], [], "2026-01-01T00:00:00+00:00")
