"""Chart functions return Figures; the export helper gives inline SVG and PNG bytes."""

from __future__ import annotations

from matplotlib.figure import Figure

from mlaudit.report.charts import (
    area_checks_figure,
    area_scores_figure,
    figure_to_png,
    figure_to_svg,
    history_figure,
    ml_test_score_figure,
    status_figure,
)


def _figures() -> list[Figure]:
    return [
        area_scores_figure({"Reproducibility": 0.5, "Drift": None}),
        status_figure({"Reproducibility": {"pass": 2, "fail": 1}, "Drift": {}}),
        ml_test_score_figure({"data": 1, "model": 0.5, "infrastructure": 3, "monitoring": 2}, 0.5),
        area_checks_figure([("REPRO-VCS", 1.0, "pass"), ("REPRO-SEEDS", 0.0, "unknown")]),
        history_figure(["v1", "v2", "v3"], [0.0, 1.5, 2.0], ["prototyping", "prototyping", "small user base"], [0.2, None, 0.7]),
    ]


def test_charts_export_as_inline_svg_and_png() -> None:
    """Every chart exports as an <svg> element without XML prolog or fixed size, and as PNG."""
    for fig in _figures():
        assert isinstance(fig, Figure)
        svg = figure_to_svg(fig)
        assert svg.startswith("<svg") and "<?xml" not in svg and 'style="max-width:100%;height:auto"' in svg
        assert figure_to_png(fig, dpi=50).startswith(b"\x89PNG")


def test_svg_is_deterministic() -> None:
    """The same chart gives the same SVG twice (stable reports, small diffs)."""
    first, second = (figure_to_svg(area_scores_figure({"Drift": 0.25})) for _ in range(2))
    assert first == second
