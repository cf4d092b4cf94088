"""Colours and figure defaults shared by every chart."""

from __future__ import annotations

from matplotlib.figure import Figure

STATUS_COLORS = {
    "pass": "#2e7d32", "warn": "#f9a825", "fail": "#c62828", "unknown": "#78909c",
    "not applicable": "#cfd8dc", "error": "#6a1b9a",
}
STAGE_COLORS = {"prototyping": "#90caf9", "small user base": "#64b5f6", "at scale": "#1565c0"}
ACCENT = "#1565c0"
GRID = "#e0e0e0"


def new_figure(width: float, height: float) -> Figure:
    """A Figure with the report's fonts and a tight layout (never pyplot)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.set_facecolor("white")
    return fig


def tidy(ax) -> None:
    """Light grid, no top/right spines."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9)
