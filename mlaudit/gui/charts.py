"""The report's charts for the views, built and first drawn in a worker so the GUI thread only copies pixels.

Figures come from ``mlaudit.report.charts`` (the functions the reports use); ``prerender`` draws each one
with the Agg backend off the GUI thread, and ``chart_canvas`` in widgets.py hands that drawing to a
FigureCanvasQTAgg, which redraws only when its size changes.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

OVERVIEW_WIDTH = 5.0  # inches at 100 dpi: two charts side by side in the overview


def prerender(figure: Figure) -> Figure:
    """Draw the figure once with Agg (layout and pixels computed here, in the calling worker thread)."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return figure


def overview_figures(report: Any) -> dict[str, Figure]:
    """Area scores, the ML Test Score sections and check statuses per area, drawn."""
    from mlaudit.report.charts import area_scores_figure, ml_test_score_figure, status_figure

    card = report.scorecard
    return {
        "areas": prerender(area_scores_figure({a.name: a.score for a in card.areas.values()}, width=OVERVIEW_WIDTH)),
        "ml_test_score": prerender(ml_test_score_figure(card.ml_test_score.sections, card.ml_test_score.final, width=OVERVIEW_WIDTH)),
        # its legend spans six statuses in one row: a little wider than its neighbours
        "statuses": prerender(status_figure({a.name: a.counts for a in card.areas.values()}, width=OVERVIEW_WIDTH + 1.5)),
    }


def history_figure(report: Any) -> Figure | None:
    """Maturity over the scored revisions (None with fewer than two), drawn."""
    from mlaudit.report.charts import history_figure as chart

    points = report.history
    if len(points) < 2:
        return None
    means = []
    for p in points:
        known = [v for v in p.areas.values() if v is not None]
        means.append(sum(known) / len(known) if known else None)
    return prerender(chart([p.label for p in points], [p.ml_test_score for p in points], [p.stage for p in points],
                           means, width=9.0))


def report_charts(report: Any) -> dict[str, Figure]:
    """Every chart the views show for one report model (overview and history)."""
    if report is None:
        return {}
    figures = overview_figures(report)
    history = history_figure(report)
    if history is not None:
        figures["history"] = history
    return figures
