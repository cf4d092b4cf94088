"""Chart functions returning matplotlib Figures (no pyplot state), shared by the GUI and the reports."""

from mlaudit.report.charts.export import figure_to_png, figure_to_svg
from mlaudit.report.charts.history import history_figure
from mlaudit.report.charts.scores import (
                                          area_checks_figure,
                                          area_scores_figure,
                                          ml_test_score_figure,
                                          status_figure,
                                          test_points_figure,
)

__all__ = [
    "area_checks_figure", "area_scores_figure", "figure_to_png", "figure_to_svg", "history_figure", "ml_test_score_figure",
    "status_figure", "test_points_figure",
]
