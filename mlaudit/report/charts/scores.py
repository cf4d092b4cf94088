"""Score charts: area scores, check statuses per area, the ML Test Score sections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from mlaudit.report.charts.style import ACCENT, STATUS_COLORS, fit_margins, new_figure, tidy

STATUS_ORDER = ["pass", "warn", "fail", "unknown", "error", "not applicable"]


def area_scores_figure(scores: Mapping[str, float | None], width: float = 6.0) -> Figure:
    """Horizontal bars: each area's share of available points (areas without checks shown as n/a)."""
    names = list(scores)[::-1]
    fig = new_figure(width, 0.35 * len(names) + 0.8, layout=None)
    ax = fig.add_subplot()
    values = [(scores[n] or 0.0) * 100 for n in names]
    bars = ax.barh(names, values, color=ACCENT, height=0.6)
    for bar, name in zip(bars, names, strict=True):
        score = scores[name]
        label = "n/a" if score is None else f"{score * 100:.0f}%"
        ax.text(bar.get_width() + 1.5, bar.get_y() + bar.get_height() / 2, label, va="center", fontsize=9)
    ax.set_xlim(0, 110)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("share of available points (%)", fontsize=9)
    tidy(ax)
    fit_margins(fig, ax, right=0.2)
    return fig


def status_figure(counts: Mapping[str, Mapping[str, int]], width: float = 6.0) -> Figure:
    """Stacked bars: how many checks of each area pass, warn, fail, are unknown..."""
    names = list(counts)[::-1]
    fig = new_figure(width, 0.35 * len(names) + 1.1, layout=None)
    ax = fig.add_subplot()
    left = [0.0] * len(names)
    for status in STATUS_ORDER:
        values = [counts[n].get(status, 0) for n in names]
        if any(values):
            ax.barh(names, values, left=left, color=STATUS_COLORS[status], height=0.6, label=status)
            left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("checks", fontsize=9)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=6, fontsize=8, frameon=False)
    tidy(ax)
    fit_margins(fig, ax, top=0.4, right=0.2)
    return fig


def ml_test_score_figure(sections: Mapping[str, float], final: float, width: float = 6.0) -> Figure:
    """Section sums out of 7 with the final score (the minimum) and the 2017 band limits marked."""
    names = list(sections)
    fig = new_figure(width, 2.6, layout=None)
    ax = fig.add_subplot()
    values = [sections[n] for n in names]
    colors = [ACCENT if v > final else "#c62828" for v in values]
    bars = ax.bar([n.capitalize() for n in names], values, color=colors, width=0.6)
    for bar, v in zip(bars, values, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, v + 0.1, f"{v:g}", ha="center", fontsize=9)
    for limit in (1, 2, 3, 5):
        ax.axhline(limit, color="#9e9e9e", linewidth=0.7, linestyle=":")
    ax.set_ylim(0, 7.3)
    ax.set_ylabel("points (of 7)", fontsize=9)
    ax.set_title(f"final score = lowest section = {final:g}", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)
    fit_margins(fig, ax, top=0.35, bottom=0.35, right=0.15)
    return fig


def test_points_figure(points: Sequence[tuple[str, float, bool]], width: float = 6.0) -> Figure:
    """One small bar per test id (0 / 0.5 / 1); unknown tests drawn grey."""
    fig = new_figure(width, 2.0)
    ax = fig.add_subplot()
    ids = [p[0] for p in points]
    ax.bar(ids, [max(p[1], 0.04) for p in points], color=[STATUS_COLORS["unknown"] if p[2] else ACCENT for p in points])
    ax.set_ylim(0, 1.05)
    ax.set_yticks([0, 0.5, 1])
    ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def area_checks_figure(checks: Sequence[tuple[str, float, str]], width: float = 6.0) -> Figure:
    """One bar per check of an area: its points (0 / 0.5 / 1), coloured by status (zero drawn as a stub)."""
    items = list(checks)[::-1]
    fig = new_figure(width, 0.26 * len(items) + 0.7, layout=None)
    ax = fig.add_subplot()
    ax.barh([c[0] for c in items], [max(c[1], 0.03) for c in items], color=[STATUS_COLORS.get(c[2], ACCENT) for c in items], height=0.6)
    for y, (_, points, status) in enumerate(items):
        ax.text(max(points, 0.03) + 0.02, y, f"{status} · {points:g}", va="center", fontsize=8)
    ax.set_xlim(0, 1.35)
    ax.set_xticks([0, 0.5, 1])
    ax.set_xlabel("points", fontsize=8)
    tidy(ax)
    ax.tick_params(axis="y", labelsize=8)
    fit_margins(fig, ax, top=0.08, bottom=0.42, right=0.1)
    return fig
