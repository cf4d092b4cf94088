"""Dark theme: status colours stay legible and the report's charts are recoloured, data colours kept."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_hex


@pytest.fixture
def dark(qapp):
    """The dark theme in force for one test, the light one restored after it."""
    from mlaudit.gui.theme import apply_theme

    yield apply_theme(qapp, "dark")
    apply_theme(qapp, "light")


def test_status_colours_are_lightened_on_the_dark_theme_only(qapp, dark):
    """A dark green 'pass' becomes light enough to read on the dark background; light theme colours are untouched."""
    from mlaudit.gui.theme import apply_theme, readable
    from mlaudit.gui.widgets import STATUS_COLOURS

    for name in ("pass", "fail", "low", "error"):
        assert readable(STATUS_COLOURS[name]).lightnessF() >= 0.65, name
    apply_theme(qapp, "light")
    assert readable(STATUS_COLOURS["pass"]).name() == STATUS_COLOURS["pass"]


def test_charts_take_the_dark_theme_and_keep_their_data_colours(qapp, dark):
    """prerender on the dark theme: figure and axes on the theme's surface, light tick labels, bars as in the report."""
    from mlaudit.gui.charts import prerender
    from mlaudit.report.charts import area_scores_figure

    figure = prerender(area_scores_figure({"Reproducibility": 0.5, "Drift": 0.25}, width=4.0))
    ax = figure.axes[0]
    assert to_hex(figure.get_facecolor()) == dark.surface and to_hex(ax.get_facecolor()) == dark.surface
    assert {to_hex(t.get_color()) for t in ax.get_yticklabels()} == {dark.foreground}
    bars = {to_hex(p.get_facecolor()) for p in ax.patches}
    assert dark.surface not in bars and dark.foreground not in bars
