"""Self-contained HTML report: Jinja2 (autoescaped), inline SVG charts, no scripts, aggregated data only."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jinja2
from markupsafe import Markup

from mlaudit.checks.base import Evidence
from mlaudit.core.config import THRESHOLDS
from mlaudit.report.charts import figure_to_svg
from mlaudit.report.drift import plural, threshold_text
from mlaudit.report.figures import TIMELINE_STEPS, report_figures
from mlaudit.report.model import Report

TOP_STEPS = 8
MAX_EVIDENCE = 25  # per check; the JSON report has all of it


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("mlaudit.resources", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env


def pct(score: float | None) -> str:
    return "n/a" if score is None else f"{score * 100:.0f}%"


def short(value: Any, limit: int = 120) -> str:
    """A measured value as short text."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def num(value: float | None) -> str:
    """A statistic with three significant digits ("—" when absent)."""
    return "—" if value is None else f"{value:.3g}"


def evidence_text(e: Evidence) -> str:
    where = e.path or ""
    if e.path and e.line:
        where += f":{e.line}"
    if e.cell is not None:
        where += f" (cell {e.cell})"
    if e.commit:
        where += f" @ {e.commit[:10]}"
    value = f" [{short(e.value, 60)}]" if e.value is not None else ""
    return f"{where} — {e.detail}{value}" if where else f"{e.detail}{value}"


# Badge class of each need state in the decision matrix (CHECKS.md: only a pass meets a need).
NEED_BADGE = {"met": "met", "partly met": "warn", "not met": "unmet", "not measured": "unknown", "n/a": "not-applicable"}


def render_html(report: Report) -> bytes:
    """The report as one HTML file (UTF-8 bytes) that opens offline in any browser."""
    svgs = {name: Markup(figure_to_svg(fig)) for name, fig in report_figures(report).items()}
    template = _env().get_template("report.html.j2")
    html = template.render(
        report=report, p=report.provenance, card=report.scorecard, d=report.scorecard.decision,
        mlts=report.scorecard.ml_test_score, svgs=svgs, top_steps=TOP_STEPS,
        max_evidence=MAX_EVIDENCE, need_badge=NEED_BADGE, timeline_steps=TIMELINE_STEPS, pct=pct, num=num, plural=plural, threshold_text=threshold_text, short=short, evidence=evidence_text,
        date=lambda t: datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d") if t else "",
        threshold_help=lambda name: THRESHOLDS[name].help if name in THRESHOLDS else "",
    )
    return html.encode("utf-8")
