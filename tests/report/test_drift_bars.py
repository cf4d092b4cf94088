"""The per-column drift bar chart: each bar is the deciding statistic over its threshold, one line at 1."""

from __future__ import annotations

import math

import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from mlaudit.checks.stats.compare import ColumnDrift, DriftReport
from mlaudit.report.charts.drift import BAR_COLORS, MAX_NAME, drift_bars_figure, verdict_score
from mlaudit.report.charts.export import figure_to_svg

LONG = "income_after_tax_in_local_currency_units"


def col(name: str, test: str, statistic: float, p_value: float | None, threshold: float, drifted: bool,
        small: bool = False) -> ColumnDrift:
    return ColumnDrift(name, "numeric", test, statistic, p_value, statistic, "effect", threshold, drifted, small,
                       0.0, "stable", False, (500, 500))


REPORT = DriftReport("a", "b", columns=[
    col("age", "ks", 0.3, 1e-9, 0.05, True),
    col(LONG, "ks", 0.05, 0.2, 0.05, False),
    col("plan", "jensenshannon", 0.25, None, 0.1, True),
    col("tenure", "wasserstein", 0.04, None, 0.1, False, small=True),
    col("flag", "z", 1.9, 0.5, 0.05, False),
])


def bars(fig: Figure) -> list:
    return [p for p in fig.axes[0].patches if p.get_height() > 0]


@pytest.mark.parametrize("column,want", [
    (col("x", "ks", 0.1, 0.05, 0.05, True), 1.0), (col("x", "chisquare", 9.0, 0.0025, 0.05, True), 2.0),
    (col("x", "wasserstein", 0.1, None, 0.1, True), 1.0), (col("x", "jensenshannon", 0.05, None, 0.1, False), 0.5),
    (col("x", "z", 5.0, 0.0, 0.05, True), math.inf),
])
def test_score_is_one_at_the_threshold(column: ColumnDrift, want: float) -> None:
    """Distances score value / threshold; p-value tests log p / log alpha (p = alpha scores 1, p = alpha^2 scores 2)."""
    assert verdict_score(column) == pytest.approx(want)


def test_one_threshold_line_at_one_and_drifted_bars_coloured() -> None:
    """A single dashed reference line at x = 1; as many red bars as drifted columns; no repeated title."""
    fig = drift_bars_figure(REPORT, width=6.0)
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(lines) == 1 and set(lines[0].get_xdata()) == {1.0}
    colours = [p.get_facecolor() for p in bars(fig)]
    assert colours.count(to_rgba(BAR_COLORS["drift"])) == 2 and colours.count(to_rgba(BAR_COLORS["small"])) == 1
    assert ax.get_title() == "" and "threshold" in {t.get_text() for t in ax.texts}


def test_most_drifting_column_on_top() -> None:
    """Bars are ordered by score: the KS column with p = 1e-9 first, the z-test with p = 0.5 last."""
    fig = drift_bars_figure(REPORT, width=6.0)
    labels = sorted(fig.axes[0].get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert next(t.get_text() for t in labels) == "age" and labels[-1].get_text() == "flag"


def test_long_names_truncated_with_full_name_as_svg_title() -> None:
    """A name over MAX_NAME characters is cut with an ellipsis; the SVG keeps the full name as the label's <title>."""
    fig = drift_bars_figure(REPORT, width=6.0)
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    short = [n for n in names if n.endswith("…")]
    assert len(short) == 1 and len(short[0]) == MAX_NAME and LONG.startswith(short[0][:-1])
    svg = figure_to_svg(fig)
    assert f"<title>{LONG}</title>" in svg and "svg-title:" not in svg


def test_bars_capped_with_more_note() -> None:
    """Over max_bars columns: max_bars bars and a "+N more" note, the figure height bounded."""
    many = DriftReport("a", "b", columns=[col(f"c{i}", "wasserstein", i / 100, None, 0.1, i >= 10) for i in range(50)])
    fig = drift_bars_figure(many, width=6.0, max_bars=12)
    assert len(bars(fig)) == 12
    assert any(t.get_text().startswith("+38 more columns") for t in fig.axes[0].texts)
    assert fig.get_size_inches()[1] < 6


def test_no_columns_says_so() -> None:
    """A report without tested columns draws a note instead of an empty axis."""
    fig = drift_bars_figure(DriftReport("a", "b"))
    assert [t.get_text() for t in fig.axes[0].texts] == ["no column tested"]
