"""The report's charts for the views, built and first drawn in a worker so the GUI thread only copies pixels.

Figures come from ``mlaudit.report.charts`` (the functions the reports use); ``prerender`` draws each one
with the Agg backend off the GUI thread, and ``chart_canvas`` in widgets.py hands that drawing to a
FigureCanvasQTAgg, which redraws only when its size changes.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from mlaudit.gui.theme import DARK, Theme
from mlaudit.gui.theme import current as current_theme

OVERVIEW_WIDTH = 5.0  # inches at 100 dpi: two charts side by side in the overview


def _is_dark(colour: Any) -> bool:
    """Black or a dark grey (ink meant for white paper); coloured data marks are not."""
    r, g, b, a = to_rgba(colour)
    return a > 0 and max(r, g, b) - min(r, g, b) < 0.15 and 0.299 * r + 0.587 * g + 0.114 * b < 0.45


def recolour_for_dark(figure: Figure, theme: Theme) -> None:
    """The report's chart (drawn for white paper) on the dark theme: surfaces, text, axes and black marks
    take the theme's colours; the data colours (bars, lines, markers) stay as the reports use them."""
    for text in figure.findobj(Text):
        if _is_dark(text.get_color()):
            text.set_color(theme.foreground)
    for line in figure.findobj(Line2D):  # black threshold ticks and reference lines (before the grid turns dark)
        if _is_dark(line.get_color()):
            line.set_color(theme.foreground)
    figure.set_facecolor(theme.surface)
    for ax in figure.axes:
        ax.set_facecolor(theme.surface)
        for spine in ax.spines.values():
            spine.set_edgecolor(theme.muted)
        ax.tick_params(which="both", color=theme.muted, labelcolor=theme.foreground)
        ax.tick_params(which="both", grid_color=theme.border)  # after the tick colour, which also sets the grid's
        legend = ax.get_legend()
        if legend is not None:
            legend.get_frame().set_facecolor(theme.surface)
            legend.get_frame().set_edgecolor(theme.border)


def prerender(figure: Figure) -> Figure:
    """Draw the figure once with Agg (layout and pixels computed here, in the calling worker thread).

    On the dark theme the figure is first recoloured to it, so a chart is no white box in a dark window.
    """
    theme = current_theme()
    if theme is DARK:
        recolour_for_dark(figure, theme)
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
    """The overview's charts for one report model; the history chart is drawn when History is first shown."""
    if report is None:
        return {}
    return overview_figures(report)
