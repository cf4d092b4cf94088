"""Drift: pick any two data versions (or a train/test split pair); per-column statistics and charts, from the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QPushButton, QWidget

from mlaudit.core.config import load_config
from mlaudit.gui.views.base import View
from mlaudit.gui.views.data import content_hash
from mlaudit.gui.widgets import (
    RecordsModel,
    as_dict,
    auto_columns,
    chart_canvas,
    clear_layout,
    fit_rows,
    label,
    number,
    short,
    table,
)

if TYPE_CHECKING:
    import numpy as np

MAX_DISTRIBUTIONS = 4
CHART_WIDTH = 5.0  # inches at 100 dpi: two charts side by side



def version_choices(store: Any, queries: Any) -> list[tuple[str, str]]:
    """(label, content hash) of every data version whose content is available locally, newest last per file."""
    out = []
    for f in queries.list_data_files(store):
        path = as_dict(f).get("path")
        seen: set[str] = set()
        for v in queries.data_versions(store, path):
            d = as_dict(v)
            digest = content_hash(d)
            if d.get("availability", "available") != "available" or (digest and queries.profile(store, digest) is None):
                continue  # DVC cache or LFS object missing, or unreadable: nothing stored to compare
            if digest and digest not in seen:  # the first commit holding a content stands for it
                seen.add(digest)
                rev = str(d.get("commit") or d.get("commit_sha") or d.get("rev") or d.get("source") or "")[:10]
                out.append((f"{path} @ {rev or digest[:10]}", digest))
    return out


def pair_choices(store: Any, queries: Any) -> list[tuple[str, str, str]]:
    """(label, reference hash, current hash) of each train/test split pair in the working tree."""
    out = []
    for pair in queries.split_pairs(store):
        ref, cur = as_dict(pair.reference), as_dict(pair.current)
        ref_hash, cur_hash = content_hash(ref), content_hash(cur)
        if ref_hash and cur_hash:
            out.append((f"{pair.kind}: {ref.get('path')} vs {cur.get('path')}", ref_hash, cur_hash))
    return out


def run_drift(store_path: Any, repo_root: Any, ref: str, cur: str, path: str | None, progress: Any) -> tuple[Any, list[Any]]:
    """Compare two stored profiles and draw the report's drift charts, in a worker (its own read connection)."""
    from mlaudit.gui.charts import prerender
    from mlaudit.store.db import open_store

    progress.update("drift", 0, 0, f"{ref[:10]} vs {cur[:10]}")
    from mlaudit.checks.stats.compare import compare

    with open_store(store_path, repo_root=repo_root, readonly=True) as store:
        report = compare(store, ref, cur, load_config())
        figures = [prerender(f) for f in drift_figures(store, report, ref, cur, path)]
    return report, figures


def drift_figures(store: Any, report: Any, ref: str, cur: str, path: str | None) -> list[Any]:
    """Per-column drift bars, distribution overlays of the most drifted columns, and the file's drift timeline."""
    if not getattr(report, "columns", None):
        return []
    from mlaudit.checks.stats.compare import version_steps
    from mlaudit.report.charts import drift as charts
    from mlaudit.store import data_queries as dq

    figures = [charts.drift_bars_figure(report, width=CHART_WIDTH)]
    ref_prof, cur_prof = dq.profile(store, ref), dq.profile(store, cur)
    for column in sorted(report.columns, key=lambda c: -c.effect_size)[:MAX_DISTRIBUTIONS]:
        a: np.ndarray | dict[str, int] | None
        b: np.ndarray | dict[str, int] | None
        if column.type == "numeric":
            a, b = dq.sorted_values(store, ref, column.name), dq.sorted_values(store, cur, column.name)
        else:
            a = (ref_prof.stats.get(column.name) or {}).get("counts") if ref_prof else None
            b = (cur_prof.stats.get(column.name) or {}).get("counts") if cur_prof else None
        if a is not None and b is not None and len(a) and len(b):
            figures.append(charts.distribution_figure(column.name, a, b, width=CHART_WIDTH))
    if path:
        steps = version_steps(store, path, load_config())
        if steps:
            figures.append(charts.drift_timeline_figure(path, steps, width=CHART_WIDTH))
            figures.append(charts.schema_timeline_figure(path, steps, width=CHART_WIDTH))
    return figures


def column_figure(store_path: Any, repo_root: Any, ref: str, cur: str, column: Any, progress: Any) -> Any:
    """The overlaid distributions of one column of the two versions (histogram/ECDF or category bars), drawn."""
    from mlaudit.gui.charts import prerender
    from mlaudit.report.charts.drift import distribution_figure
    from mlaudit.store import data_queries as dq
    from mlaudit.store.db import open_store

    progress.update("drift", 0, 0, f"distribution of {column.name}")
    with open_store(store_path, repo_root=repo_root, readonly=True) as store:
        a: np.ndarray | dict[str, int] | None
        b: np.ndarray | dict[str, int] | None
        if column.type == "numeric":
            a, b = dq.sorted_values(store, ref, column.name), dq.sorted_values(store, cur, column.name)
        else:
            pa, pb = dq.profile(store, ref), dq.profile(store, cur)
            a = (pa.stats.get(column.name) or {}).get("counts") if pa else None
            b = (pb.stats.get(column.name) or {}).get("counts") if pb else None
        if a is None or b is None or not len(a) or not len(b):
            return None
        return prerender(distribution_figure(column.name, a, b, width=CHART_WIDTH * 2))


def schema_text(change: dict[str, Any]) -> str:
    """One schema change in words: ``column x added (numeric)``, ``y retyped: a -> b``."""
    kind, column = change.get("kind", ""), change.get("column", "")
    before, after = change.get("before"), change.get("after")
    if kind == "added":
        return f"{column} added ({after})"
    if kind == "removed":
        return f"{column} removed (was {before})"
    if kind == "new categories":
        return f"{column}: new categories {short(after, 120)}"
    return f"{column} {kind}: {short(before, 80)} \u2192 {short(after, 80)}"


def newest_pair(choices: list[tuple[str, str]]) -> tuple[int, int] | None:
    """The two newest versions of the most recently changed file that has at least two (never two unrelated files)."""
    for i in range(len(choices) - 1, -1, -1):
        path = choices[i][0].split(" @ ")[0]
        same = [j for j, (text, _) in enumerate(choices[: i + 1]) if text.split(" @ ")[0] == path]
        if len(same) >= 2:
            return same[-2], same[-1]
    return None


class DriftView(View):
    name = "drift"
    title = "Drift"
    subtitle = "Choose any two versions of the data, or a split pair: per-column test, statistic, effect size and verdict."
    scrollable = True

    def reload(self) -> None:
        from mlaudit.store import data_queries as queries

        store = self.store()
        if store is None:
            self.show_message("No drift to show yet: open a repository and scan it (F5).")
            return
        try:
            self.choices = version_choices(store, queries)
            self.pairs = pair_choices(store, queries)
        except Exception as exc:  # noqa: BLE001 - tables missing until the data phase ran
            self.show_message(f"The data tables cannot be read yet ({type(exc).__name__}: {exc}); rescan with F5.", error=True)
            return
        if len(self.choices) < 2:
            self.show_message("Fewer than two data versions are available locally with a stored profile: nothing to "
                              "compare (DVC-tracked or LFS content whose cache is missing cannot be profiled).")
            return
        self.reset()
        bar = QHBoxLayout()
        self.pair_box = QComboBox()
        self.pair_box.setObjectName("driftPairs")
        self.pair_box.addItem("(choose versions below)", None)
        for text, ref, cur in self.pairs:
            self.pair_box.addItem(text, (ref, cur))
        self.pair_box.currentIndexChanged.connect(self._pair_chosen)
        bar.addWidget(label("Split pair", wrap=False))
        bar.addWidget(self.pair_box, 1)
        self.content.addLayout(bar)
        bar = QHBoxLayout()
        self.ref_box, self.cur_box = QComboBox(), QComboBox()
        for box, name in ((self.ref_box, "driftReference"), (self.cur_box, "driftCurrent")):
            box.setObjectName(name)
            for text, digest in self.choices:
                box.addItem(text, digest)
            box.currentIndexChanged.connect(self._mark_stale)
        go = QPushButton("Compare")
        go.setObjectName("driftButton")
        go.clicked.connect(self.run)
        bar.addWidget(label("Reference", wrap=False))
        bar.addWidget(self.ref_box, 1)
        bar.addWidget(label("Current", wrap=False))
        bar.addWidget(self.cur_box, 1)
        bar.addWidget(go)
        self.content.addLayout(bar)
        self.summary = label("", "sectionTitle")
        self.content.addWidget(self.summary)
        self.columns_model = RecordsModel([])
        self.columns_proxy = QSortFilterProxyModel(self)
        self.columns_proxy.setSourceModel(self.columns_model)
        self.columns_proxy.setSortRole(RecordsModel.SortRole)
        self.columns_view = table(self.columns_proxy)
        self.columns_view.setObjectName("driftColumns")
        self.columns_view.setSortingEnabled(True)
        self.columns_view.setToolTip("Click a header to sort (effect size, PSI, ...); select a column to see its distributions.")
        self.columns_view.selectionModel().currentRowChanged.connect(self._column_chosen)
        self.content.addWidget(self.columns_view)
        self.column_chart = QWidget()
        self.column_chart_box = QHBoxLayout(self.column_chart)
        self.column_chart_box.setContentsMargins(0, 0, 0, 0)
        self.content.addWidget(self.column_chart)
        self.report: Any = None
        self.shown_pair: tuple[str, str] | None = None
        self.schema = label("", "viewSubtitle")
        self.content.addWidget(self.schema)
        self.charts = QWidget()
        self.charts_grid = QGridLayout(self.charts)
        self.charts_grid.setColumnStretch(2, 1)  # two columns of charts at their own width, packed to the left
        self.charts_grid.setContentsMargins(0, 0, 0, 0)
        self.content.addWidget(self.charts)
        self.content.addStretch(1)
        if self.pairs:
            self.pair_box.setCurrentIndex(1)
        else:
            self.select_newest_two()

    def select_newest_two(self) -> None:
        """The two newest versions of the newest changed file; nothing is compared when no file has two versions."""
        pair = newest_pair(self.choices)
        if pair is None:
            self.summary.setText("No data file has two versions and no train/holdout pair was found: choose two "
                                 "versions to compare (two different files are rarely comparable).")
            return
        self.select(*pair)

    def _mark_stale(self, _index: int = 0) -> None:
        """The shown result no longer matches the selection: say so and grey it out until Compare is pressed."""
        if self.shown_pair is None:
            return
        current = (self.ref_box.currentData(), self.cur_box.currentData())
        stale = current != self.shown_pair
        for widget in (self.columns_view, self.charts, self.column_chart):
            widget.setEnabled(not stale)
        text = self.summary.text().removeprefix("STALE \u2014 ")
        self.summary.setText(("STALE \u2014 " if stale else "") + text.split(" [selection changed")[0]
                             + (" [selection changed: press Compare]" if stale else ""))

    def _column_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.report is None or self.shown_pair is None:
            return
        row = self.columns_model.record(self.columns_proxy.mapToSource(current).row())
        name = row.get("name")
        column = next((c for c in self.report.columns if c.name == name), None)
        if column is None:
            return
        ref, cur = self.shown_pair
        session = self.session
        self.pool.submit("drift-column", lambda p: column_figure(session.store_path, session.root, ref, cur, column, p),
                         self._show_column_chart)

    def _show_column_chart(self, figure: Any) -> None:
        clear_layout(self.column_chart_box)
        if figure is None:
            self.column_chart_box.addWidget(label("No values to draw for this column on one side.", "notice"))
            return
        self.column_chart_box.addWidget(chart_canvas(figure, "chart_drift_column"), 0, Qt.AlignmentFlag.AlignLeft)

    def select(self, ref_index: int, cur_index: int) -> None:
        self.ref_box.setCurrentIndex(ref_index)
        self.cur_box.setCurrentIndex(cur_index)
        self.run()

    def _pair_chosen(self, index: int) -> None:
        data = self.pair_box.itemData(index)
        if data is None:
            return
        ref, cur = data
        for box, digest in ((self.ref_box, ref), (self.cur_box, cur)):
            box.blockSignals(True)
            box.setCurrentIndex(max(box.findData(digest), 0))
            box.blockSignals(False)
        self.summary.setText(f"comparing {self.pair_box.itemText(index)}\u2026")
        self._submit(ref, cur, None)

    def run(self) -> None:
        self.summary.setText(f"comparing {self.ref_box.currentText()} with {self.cur_box.currentText()}\u2026")
        ref_path, cur_path = (box.currentText().split(" @ ")[0] for box in (self.ref_box, self.cur_box))
        self._submit(self.ref_box.currentData(), self.cur_box.currentData(), ref_path if ref_path == cur_path else None)

    def _submit(self, ref: str, cur: str, path: str | None) -> None:
        session = self.session
        self.pending_pair = (ref, cur)
        self.pool.submit("drift", lambda progress: run_drift(session.store_path, session.root, ref, cur, path, progress),
                         self.show_report, lambda message: self.summary.setText(f"Drift could not be computed: {message}"))

    def show_report(self, result: tuple[Any, list[Any]]) -> None:
        report, figures = result
        self.report = report
        self.shown_pair = getattr(self, "pending_pair", None)
        for widget in (self.columns_view, self.charts, self.column_chart):
            widget.setEnabled(True)
        clear_layout(self.column_chart_box)
        d = as_dict(report)
        rows = [as_dict(c) for c in d.get("columns", [])]
        for r in rows:  # (reference rows, current rows) read as such, not as a bare pair of numbers
            size = r.get("sample_size")
            if isinstance(size, (list, tuple)) and len(size) == 2:
                r["sample_size"] = f"{number(size[0])} reference, {number(size[1])} current"
        drifted = sum(bool(r.get("drifted")) for r in rows)
        share = d.get("share_drifted")
        verdict = "dataset drift" if d.get("dataset_drift") else "no dataset drift"
        if rows:
            self.summary.setText(f"{drifted} of {len(rows)} columns drifted" + (f" (share {share:.2f})" if isinstance(share, float) else "")
                                 + f" \u2014 {verdict}")
        else:
            why = "; ".join(f"{name}: {reason}" for name, reason in list((d.get("not_tested") or {}).items())[:6])
            self.summary.setText("Not comparable: no column could be compared for drift"
                                 + (f" ({why})" if why else " (the two versions share no column)"))
        self.columns_model.beginResetModel()
        self.columns_model.columns = auto_columns(rows, ("name", "type", "test", "statistic", "p_value", "effect_size",
                                                         "threshold", "drifted", "significant_but_small", "psi"))
        self.columns_model.rows = rows
        self.columns_model.endResetModel()
        self.columns_view.resizeColumnsToContents()
        fit_rows(self.columns_view, max_rows=14)
        changes = d.get("schema_changes") or []
        self.schema.setText("Schema changes: " + ("; ".join(schema_text(as_dict(c)) if not isinstance(c, str) else c
                                                            for c in changes) if changes else "none"))
        clear_layout(self.charts_grid)
        for i, fig in enumerate(figures):
            canvas = chart_canvas(fig, f"chart_drift_{i}")
            self.charts_grid.addWidget(canvas, i // 2, i % 2, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
