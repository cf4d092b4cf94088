"""Colours and figure defaults shared by every chart."""

from __future__ import annotations

from typing import Literal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

STATUS_COLORS = {
    "pass": "#2e7d32", "warn": "#f9a825", "fail": "#c62828", "unknown": "#78909c",
    "not applicable": "#cfd8dc", "error": "#6a1b9a",
}
STAGE_COLORS = {"prototyping": "#e3f2fd", "small user base": "#42a5f5", "at scale": "#0d47a1"}
ACCENT = "#1565c0"
GRID = "#e0e0e0"


def new_figure(width: float, height: float, layout: Literal["constrained", "compressed", "tight"] | None = "constrained") -> Figure:
    """A white Figure (never pyplot); ``layout=None`` for charts that place their margins with ``fit_margins``."""
    fig = Figure(figsize=(width, height), layout=layout)
    fig.set_facecolor("white")
    return fig


def fit_margins(fig: Figure, ax, *, top: float = 0.12, bottom: float = 0.45, right: float = 0.5, pad: float = 0.2) -> None:
    """Margins in inches, the left one fitted to the y tick labels (measured, no full draw: cheaper than a layout engine)."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    widths = [t.get_window_extent(renderer).width for t in ax.get_yticklabels() if t.get_text()]
    ylabel = ax.yaxis.label.get_window_extent(renderer).width if ax.get_ylabel() else 0.0
    left = (max(widths, default=0.0) + ylabel) / fig.dpi + pad + (0.1 if ylabel else 0.0) + 0.08
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=min(left / width, 0.6), right=1 - right / width, top=1 - top / height, bottom=bottom / height)


def tidy(ax) -> None:
    """Light grid, no top/right spines."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9)
