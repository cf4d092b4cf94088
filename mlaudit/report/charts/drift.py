"""Drift charts: per-column drift bars, distribution overlays, a per-file drift timeline, a schema-change timeline.

Every function returns a ``matplotlib.figure.Figure`` built without pyplot, for the GUI and the reports.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from mlaudit.checks.stats.compare import DriftReport, VersionStep
from mlaudit.report.charts.style import ACCENT, GRID, STATUS_COLORS, new_figure, tidy

REF_COLOR, CUR_COLOR = "#607d8b", ACCENT
MAX_BARS = 40
MAX_CATEGORIES = 15


def drift_bars_figure(report: DriftReport, width: float = 7.0) -> Figure:
    """Effect size per column (normed Wasserstein, Jensen–Shannon or Cohen's h) with its threshold tick; red = drifted."""
    cols = sorted(report.columns, key=lambda c: -c.effect_size)[:MAX_BARS]
    fig = new_figure(width, max(1.6, 0.28 * len(cols) + 0.9))
    ax = fig.add_subplot()
    if not cols:
        ax.text(0.5, 0.5, "no column tested", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    ys = np.arange(len(cols))[::-1]
    colors = [STATUS_COLORS["fail"] if c.drifted else STATUS_COLORS["warn"] if c.significant_but_small else STATUS_COLORS["pass"]
              for c in cols]
    ax.barh(ys, [c.effect_size for c in cols], color=colors, height=0.65)
    for y, c in zip(ys, cols):
        limit = c.threshold if c.test in ("wasserstein", "jensenshannon") else (0.1 if c.effect_name != "Cohen's h" else 0.2)
        ax.plot([limit, limit], [y - 0.4, y + 0.4], color="black", linewidth=1.2)
        p = "" if c.p_value is None else f", p={c.p_value:.2g}"
        ax.text(c.effect_size, y, f"  {c.test}{p}", va="center", fontsize=7)
    ax.set_yticks(ys, [c.name for c in cols], fontsize=8)
    ax.set_xlabel("effect size (black tick: threshold)", fontsize=8)
    share = f"{len(report.drifted_columns)}/{len(report.columns)} columns drift"
    ax.set_title(share + (" — dataset drift" if report.dataset_drift else "") + (" (sampled)" if report.sampled else ""), fontsize=9)
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
