"""The report's charts, built from the report model (shared by the HTML and PDF renderers)."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from mlaudit.report.charts import (
    area_checks_figure,
    area_scores_figure,
    history_figure,
    ml_test_score_figure,
    status_figure,
)
from mlaudit.report.model import Report

MAX_STEP_CHARTS = 2  # per data file: bar charts of its newest changes (the tables list the others)
MAX_DRIFT_CHARTS = 10  # drift charts in all, so the HTML stays small whatever the number of files and versions
TIMELINE_STEPS = 40  # newest changes drawn on a data file's drift timeline


def drift_figures(report: Report) -> dict[str, Figure]:
    """``drift:split:<i>`` bars per compared split pair; per data file ``drift:file:<i>`` (timeline) and
    ``drift:step:<i>:<j>`` bars of its newest changes; at most MAX_DRIFT_CHARTS, split pairs first."""
    from mlaudit.report.charts.drift import drift_bars_figure, drift_timeline_figure

    if report.drift is None:
        return {}
    wanted: list[tuple[str, Any]] = [(f"drift:split:{i}", c.drift) for i, c in enumerate(report.drift.splits) if c.drift]
    for i, f in enumerate(report.drift.files):
        if len(f.steps) >= 2:
            wanted.append((f"drift:file:{i}", f))
        wanted += [(f"drift:step:{i}:{j}", c.drift) for j, c in enumerate(f.shown[:MAX_STEP_CHARTS]) if c.drift]
    out: dict[str, Figure] = {}
    for name, item in wanted[:MAX_DRIFT_CHARTS]:
        if name.startswith("drift:file:"):
            out[name] = drift_timeline_figure(item.path, item.steps[-TIMELINE_STEPS:], report.drift.share_threshold, width=6.0)
        else:
            out[name] = drift_bars_figure(item, width=6.0)
    return out


def report_figures(report: Report) -> dict[str, Figure]:
    """Named figures: areas, statuses, ml_test_score, ``area:<id>`` per area with checks, history (two or more revisions)."""
    card = report.scorecard
    figures = {
        "areas": area_scores_figure({a.name: a.score for a in card.areas.values()}),
        "statuses": status_figure({a.name: a.counts for a in card.areas.values()}),
        "ml_test_score": ml_test_score_figure(card.ml_test_score.sections, card.ml_test_score.final),
    }
    for sec in report.sections:
        if sec.results:
            figures[f"area:{sec.area}"] = area_checks_figure([(r.check_id, r.points, str(r.status)) for r in sec.results], width=5.0)
    if len(report.history) >= 2:
        points = report.history
        means = []
        for p in points:
            known = [v for v in p.areas.values() if v is not None]
            means.append(sum(known) / len(known) if known else None)
        figures["history"] = history_figure([p.label for p in points], [p.ml_test_score for p in points],
                                            [p.stage for p in points], means)
    figures.update(drift_figures(report))
    return figures
