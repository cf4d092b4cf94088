"""Drift charts: per-column drift bars, distribution overlays, a per-file drift timeline, a schema-change timeline.

Every function returns a ``matplotlib.figure.Figure`` built without pyplot, for the GUI and the reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mlaudit.checks.stats import STATISTICS
from mlaudit.checks.stats.compare import ColumnDrift, DriftReport, VersionStep
from mlaudit.report.charts.export import SVG_TITLE_PREFIX
from mlaudit.report.charts.style import ACCENT, GRID, STATUS_COLORS, new_figure, tidy

REF_COLOR, CUR_COLOR = "#607d8b", ACCENT
MAX_BARS = 20  # bars drawn; the others are counted under them
MAX_NAME = 24  # characters of a column name on the axis
CLIP = 5.0  # bars stop at this multiple of the threshold (their label says the real one)
BAR_HEIGHT = 0.26  # inches per bar
BAR_COLORS = {"drift": STATUS_COLORS["fail"], "small": STATUS_COLORS["warn"], "stable": "#90a4ae"}
LEGEND = {"drift": "drifts", "small": "significant but small", "stable": "no drift"}
TEST_LABELS = {"ks": "KS", "chisquare": "χ²", "z": "z-test", "wasserstein": "Wasserstein", "jensenshannon": "JS"}
MAX_CATEGORIES = 15


def verdict_score(col: ColumnDrift) -> float:
    """The quantity that decides the column's verdict, over its threshold: drift exactly when it is >= 1.

    Distance tests (Wasserstein, Jensen–Shannon): statistic / threshold. Hypothesis tests (KS, chi-square,
    z): log p / log alpha, i.e. -log10(p) / -log10(alpha); p = 0 gives infinity.
    """
    stat = STATISTICS.get(col.test)
    if stat is not None and stat.kind == "p_value":
        if col.p_value is None:
            return 0.0
        alpha = min(max(col.threshold, 1e-300), 1 - 1e-12)
        return math.inf if col.p_value <= 0 else max(-math.log10(col.p_value), 0.0) / -math.log10(alpha)
    return math.inf if col.threshold <= 0 else col.statistic / col.threshold


def _decider_text(col: ColumnDrift) -> str:
    stat = STATISTICS.get(col.test)
    name = TEST_LABELS.get(col.test, col.test)
    if stat is not None and stat.kind == "p_value":
        if col.p_value is None:
            return f"{name} p n/a"
        return f"{name} p={col.p_value:.2g}" if col.p_value > 0 else f"{name} p≈0"
    return f"{name} {col.statistic:.3g}"


def _kind(col: ColumnDrift) -> str:
    return "drift" if col.drifted else "small" if col.significant_but_small else "stable"


def _short_name(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def drift_bars_figure(report: DriftReport, width: float = 7.0, max_bars: int = MAX_BARS) -> Figure:
    """Each column's deciding statistic over its threshold (``verdict_score``): horizontal bars, most drifting
    on top, one reference line at 1 = threshold; red drifts, amber is significant but small.

    At most ``max_bars`` bars ("+N more" under them); long names are cut with "…", the full name is the
    SVG <title> of its label. Bars beyond ``CLIP`` x the threshold are cut there and say their multiple.
    """
    scored = sorted(((verdict_score(c), c) for c in report.columns), key=lambda sc: (-sc[0], sc[1].name))
    shown, more = scored[:max_bars], max(len(scored) - max_bars, 0)
    rows = len(shown) + (1 if more else 0)
    fig = new_figure(width, max(1.5, BAR_HEIGHT * rows + 1.1))
    ax = fig.add_subplot()
    if not shown:
        ax.text(0.5, 0.5, "no column tested", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    top = max(min(max(score for score, _ in shown), CLIP), 1.25)
    right = top * 1.45  # room for the value labels right of the bars
    ys = np.arange(len(shown))[::-1] + (1 if more else 0)
    for y, (score, col) in zip(ys, shown, strict=True):
        ax.barh(y, min(score, top), color=BAR_COLORS[_kind(col)], height=0.7)
        label = _decider_text(col) + (f" (×{score:.3g})" if top < score < math.inf else "")
        ax.text(min(score, top) + right * 0.01, y, label, va="center", fontsize=7, color="#424242")
    if more:
        ax.text(right * 0.01, 0, f"+{more} more column{'s' if more > 1 else ''} with lower scores", va="center",
                fontsize=7, color="#616161", style="italic")
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1)
    ax.text(1.0, 1.0, "threshold", transform=ax.get_xaxis_transform(), fontsize=7, va="bottom", ha="center")
    ax.set_xlim(0, right)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_yticks(ys, [_short_name(c.name) for _, c in shown], fontsize=8)
    for tick, (_, col) in zip(ax.get_yticklabels(), shown, strict=True):
        if len(col.name) > MAX_NAME:
            tick.set_gid(SVG_TITLE_PREFIX + col.name)
    ax.set_xlabel("drift score: 1 = threshold, drifts at 1 or more\n"
                  "(distances: value ÷ threshold; tests: log p ÷ log α)", fontsize=7)
    kinds = {_kind(c) for _, c in shown}
    handles = [Patch(color=BAR_COLORS[k], label=LEGEND[k]) for k in BAR_COLORS if k in kinds]
    ax.legend(handles=handles, fontsize=7, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=len(handles),
              borderaxespad=0.1, handlelength=1.2, columnspacing=1.0)
    tidy(ax)
    return fig


def distribution_figure(column: str, reference: np.ndarray | dict[str, int], current: np.ndarray | dict[str, int],
                        labels: tuple[str, str] = ("reference", "current"), width: float = 6.0) -> Figure:
    """Numeric (sorted arrays): histograms and ECDFs overlaid; categorical (count dicts): side-by-side share bars."""
    fig = new_figure(width, 2.8)
    if isinstance(reference, dict) or isinstance(current, dict):
        ref = reference if isinstance(reference, dict) else {}
        cur = current if isinstance(current, dict) else {}
        keys = sorted(set(ref) | set(cur), key=lambda k: -(ref.get(k, 0) + cur.get(k, 0)))[:MAX_CATEGORIES]
        ax = fig.add_subplot()
        xs = np.arange(len(keys))
        for off, counts, color, label in ((-0.2, ref, REF_COLOR, labels[0]), (0.2, cur, CUR_COLOR, labels[1])):
            total = sum(counts.values()) or 1
            ax.bar(xs + off, [counts.get(k, 0) / total for k in keys], width=0.4, color=color, label=label)
        ax.set_xticks(xs, [str(k)[:14] for k in keys], rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("share", fontsize=8)
        tidy(ax)
    else:
        hist, ecdf = fig.subplots(1, 2)
        both = np.concatenate([reference, current])
        edges = np.histogram_bin_edges(both, bins=30) if len(both) else np.linspace(0, 1, 31)
        for values, color, label in ((reference, REF_COLOR, labels[0]), (current, CUR_COLOR, labels[1])):
            hist.hist(values, bins=edges, density=True, histtype="step", color=color, linewidth=1.4, label=label)
            if len(values):
                ecdf.step(values, np.arange(1, len(values) + 1) / len(values), where="post", color=color, linewidth=1.2)
        ecdf.set_ylabel("ECDF", fontsize=8)
        for ax in (hist, ecdf):
            tidy(ax)
        ax = hist
    ax.legend(fontsize=8, frameon=False)
    fig.suptitle(column, fontsize=9)
    return fig


def drift_timeline_figure(path: str, steps: Sequence[VersionStep], share_threshold: float = 0.5, width: float = 7.0) -> Figure:
    """Share of drifted columns at each change of one data file, over commits; dataset drift in red."""
    fig = new_figure(width, 2.6)
    ax = fig.add_subplot()
    labels = [s.after.commit[:7] for s in steps]
    shares = [s.report.share_drifted for s in steps]
    colors = [STATUS_COLORS["fail"] if s.report.dataset_drift else STATUS_COLORS["warn"] if s.report.drifted_columns
              else STATUS_COLORS["pass"] for s in steps]
    xs = np.arange(len(steps))
    ax.plot(xs, shares, color=GRID, linewidth=1, zorder=1)
    ax.scatter(xs, shares, c=colors, s=45, zorder=2, edgecolors="black", linewidths=0.5)
    ax.axhline(share_threshold, color="black", linestyle=":", linewidth=1)
    ax.set_xticks(xs, labels, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("share of columns drifted", fontsize=8)
    ax.set_title(f"{path}: drift against the previous version", fontsize=9)
    tidy(ax)
    return fig


def schema_timeline_figure(path: str, steps: Sequence[VersionStep], width: float = 7.0) -> Figure:
    """Columns added, removed and retyped at each change of one data file, as stacked bars over commits."""
    fig = new_figure(width, 2.4)
    ax = fig.add_subplot()
    kinds = (("added", STATUS_COLORS["pass"]), ("removed", STATUS_COLORS["fail"]), ("retyped", STATUS_COLORS["warn"]),
             ("new categories", STATUS_COLORS["unknown"]))
    xs = np.arange(len(steps))
    bottom = np.zeros(len(steps))
    for kind, color in kinds:
        counts = np.array([sum(c.kind == kind for c in s.report.schema_changes) for s in steps], dtype=float)
        ax.bar(xs, counts, bottom=bottom, color=color, label=kind, width=0.6)
        bottom += counts
    ax.set_xticks(xs, [s.after.commit[:7] for s in steps], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("columns", fontsize=8)
    ax.set_title(f"{path}: schema changes", fontsize=9)
    ax.legend(fontsize=7, frameon=False, ncols=4)
    tidy(ax)
    return fig
