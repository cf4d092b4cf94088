"""The JSON report: a stable, versioned shape for CI and other tools (resources/schemas/report.schema.json)."""

from __future__ import annotations

import json as _json
from importlib import resources
from typing import Any

from mlaudit.report.model import SCHEMA_VERSION, Report


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-able data."""
    card = report.scorecard
    d = card.decision
    p = report.provenance
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": report.generated_at,
        "provenance": {
            "repo": p.repo, "head": p.head, "branch": p.branch, "dirty": p.dirty, "scanned_at": p.scanned_at,
            "mlaudit_version": p.mlaudit_version, "rev": p.rev, "thresholds": dict(p.thresholds),
            "threshold_sources": dict(p.threshold_sources), "config_file": p.config_file,
        },
        "stage": {
            "operating": d.operating, "meets": d.meets,
            "signals": {k: [r.to_dict() for r in v] for k, v in d.signals.items()},
            "needs": [{"stage": s.stage, "met": s.met, "needs": s.needs} for s in d.needs],
            "next_steps": [s.to_dict() for s in d.next_steps],
        },
        "ml_test_score": card.ml_test_score.to_dict(),
        "levels": {"google": card.google.to_dict(), "microsoft": card.microsoft.to_dict()},
        "areas": {k: v.score for k, v in card.areas.items()},
        "area_details": {k: v.to_dict() for k, v in card.areas.items()},
        "sections": [{"area": s.area, "name": s.name, "scanned": s.scanned, "note": s.note, "inventory": s.inventory,
                      "table": {"title": s.table_title, "headers": s.table_headers, "rows": s.table_rows, "more": s.table_more}}
                     for s in report.sections],
        "inventory": dict(report.inventory),
        "history": [h.to_dict() for h in report.history],
        "drift": None if report.drift is None else report.drift.to_dict(),
        "scan_errors": list(report.scan_errors),
        "inconclusive": list(report.inconclusive),
        "waivers": None if report.waivers is None else {
            "in_force": [w.to_dict() for w in report.waivers.in_force()],
            "expired": [w.to_dict() for w in report.waivers.expired()], "problems": list(report.waivers.problems)},
        "checks": [
            {"id": r.check_id, "title": r.title, "area": r.area, "status": str(r.status), "points": r.points,
             "severity": str(r.severity), "value": r.value, "threshold": r.threshold, "message": r.message,
             "evidence": [e.to_dict() for e in r.evidence], "recommendation": r.recommendation,
             "waiver": None if (state := report.waiver_state(r)) is None else state.to_dict(),
             "coverage": r.coverage.to_dict() if r.coverage is not None else None}
            for r in report.results
        ],
    }


def render_json(report: Report) -> bytes:
    return (_json.dumps(report_dict(report), indent=2, default=str, ensure_ascii=False) + "\n").encode("utf-8")


def report_schema() -> dict[str, Any]:
    """The JSON Schema the JSON report follows."""
    text = resources.files("mlaudit.resources").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
    return _json.loads(text)
