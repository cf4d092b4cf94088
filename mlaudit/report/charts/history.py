"""Maturity over history: the ML Test Score and the operating stage at each scored revision."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from mlaudit.report.charts.style import ACCENT, GRID, STAGE_COLORS, new_figure

STAGES = ["prototyping", "small user base", "at scale"]


def history_figure(labels: Sequence[str], scores: Sequence[float], stages: Sequence[str],
                   area_means: Sequence[float | None] | None = None, width: float = 7.0) -> Figure:
    """A timeline: final ML Test Score per revision, the stage as coloured markers, mean area score."""
    fig = new_figure(width, 2.8)
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    ax.plot(xs, scores, color=ACCENT, linewidth=1.5, label="ML Test Score (final)")
    ax.scatter(xs, scores, c=[STAGE_COLORS.get(s, "#9e9e9e") for s in stages], s=40, zorder=3, edgecolors="black", linewidths=0.5)
    extra: list = []
    if area_means is not None:
        ax2 = ax.twinx()
        ax2.plot(xs, [(m or 0) * 100 for m in area_means], color="#ef6c00", linewidth=1, linestyle="--", label="mean area score (%)")
        ax2.set_ylim(0, 105)
        ax2.set_ylabel("mean area score (%)", fontsize=8)
        ax2.tick_params(labelsize=8)
        ax2.spines[["top"]].set_visible(False)
        extra = ax2.get_legend_handles_labels()[0]
    for i in range(1, len(stages)):
        if stages[i] != stages[i - 1]:
            ax.axvline(i - 0.5, color="#9e9e9e", linestyle=":", linewidth=1)
            ax.text(i - 0.45, 0.1, stages[i], fontsize=7, rotation=90, va="bottom", color="#616161")
    ax.set_xticks(xs)
    ax.set_xticklabels([lab[:14] for lab in labels], rotation=45, ha="right", fontsize=7)
    ax.set_ylim(0, max(7.0, max(scores, default=0) + 0.5))
    ax.set_ylabel("ML Test Score", fontsize=8)
    ax.grid(axis="y", color=GRID)
    for stage, color in STAGE_COLORS.items():
        ax.scatter([], [], c=color, s=30, edgecolors="black", linewidths=0.5, label=stage)
    handles = ax.get_legend_handles_labels()[0]
    handles = handles[:1] + extra + handles[1:]  # the two lines first, then the stage markers
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=7, frameon=False, ncol=len(handles),
              handletextpad=0.4, columnspacing=1.0, borderaxespad=0.2)
    ax.spines[["top"]].set_visible(False)
    return fig
