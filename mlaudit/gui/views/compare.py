"""Compare: two model versions side by side, differences highlighted (store only, in the worker pool)."""

from __future__ import annotations

from html import escape
from pathlib import PurePosixPath
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QPushButton, QTableWidget, QTableWidgetItem, QWidget

from mlaudit.gui.views.base import View, optional_module
from mlaudit.gui.views.models import VERDICT_TEXT, version_label, when
from mlaudit.gui.widgets import as_dict, clear_layout, human_size, label, short


def version_fields(v: Any, store: Any, queries: Any) -> dict[str, str]:
    """The comparable facts of one model version, flattened to text (including params/metrics as of its commit)."""
    out = {
        "path": v.path, "version": f"{v.rev_label} ({v.source})", "date": when(v.committer_time), "format": v.format,
        "size": human_size(v.size), "sha256": v.sha256 or "", "security": VERDICT_TEXT.get(v.verdict, v.verdict),
        "dangerous globals": ", ".join(v.dangerous), "unknown globals": ", ".join(v.unknown), "estimator": v.estimator or "",
        "n features": "" if v.n_features is None else str(v.n_features), "features": ", ".join(map(str, v.features or [])),
        "classes": ", ".join(map(str, v.classes or [])), "run": v.run_id or "",
    }
    out |= {f"library {k}": str(val) for k, val in v.library_versions.items()}
    out |= {f"hyperparameter {k}": str(val) for k, val in v.hyperparameters.items()}
    if v.commit:
        for kind in ("params", "metrics"):
            for path, values in queries.tracked_at(store, v.commit, kind).items():
                out |= {f"{kind} {path}: {k}": str(val) for k, val in values.items()}
    if v.run_id:
        out |= {f"run param {k}": str(val) for k, val in queries.run_params(store, v.run_id).items()}
        out |= {f"run metric {k}": str(val) for k, val in queries.run_metrics(store, v.run_id).items()}
    return out


def compare_versions(store_path: Any, repo_root: Any, a: Any, b: Any, progress: Any) -> dict[str, Any]:
    """Side-by-side fields, plus the compare engine's sections when this mlaudit has it (worker thread)."""
    progress.update("compare", 0, 0, f"{version_label(a)} vs {version_label(b)}")
    from mlaudit.store.db import open_store

    queries = optional_module("mlaudit.store.model_queries")
    with open_store(store_path, repo_root=repo_root, readonly=True) as store:
        fa, fb = version_fields(a, store, queries), version_fields(b, store, queries)
        extra: dict[str, Any] = {}
        engine = optional_module("mlaudit.report.compare")
        if engine is not None and hasattr(engine, "compare_models"):
            try:
                result = engine.compare_models(store, f"{a.path}@{a.commit or 'WORKTREE'}", f"{b.path}@{b.commit or 'WORKTREE'}")
                extra = as_dict(result)
            except Exception as exc:  # the engine's own refusal is shown, the side-by-side still is
                extra = {"compare engine": f"{type(exc).__name__}: {exc}"}
    keys = list(dict.fromkeys([*fa, *fb]))
    rows = [(k, fa.get(k, ""), fb.get(k, "")) for k in keys]
    return {"rows": rows, "extra": extra}


class CompareView(View):
    name = "compare"
    title = "Compare"
    subtitle = "Two model versions side by side: metadata, security, hyperparameters, features, params and metrics."

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.versions: list[Any] = []
        self.result: dict[str, Any] | None = None

    def reload(self) -> None:
        queries = optional_module("mlaudit.store.model_queries")
        store = self.store()
        self.reset()
        if queries is None or store is None:
            self.show_message("Model comparison is not available yet (no models scan in this mlaudit, or no store).")
            return
        self.versions = [v for v in queries.all_versions(store) if v.status != "D"]
        if len(self.versions) < 2:
            self.show_message("Fewer than two model versions in this repository: nothing to compare.")
            return
        bar = QHBoxLayout()
        self.box_a, self.box_b = QComboBox(), QComboBox()
        for box, name in ((self.box_a, "compareA"), (self.box_b, "compareB")):
            box.setObjectName(name)
            box.setMinimumWidth(320)
            for v in self.versions:
                box.addItem(version_label(v))
        go = QPushButton("Compare")
        go.setObjectName("compareButton")
        go.clicked.connect(self.run_compare)
        bar.addWidget(label("A", wrap=False))
        bar.addWidget(self.box_a, 1)
        bar.addWidget(label("B", wrap=False))
        bar.addWidget(self.box_b, 1)
        bar.addWidget(go)
        self.content.addLayout(bar)
        row = QHBoxLayout()
        self.summary = label("", "viewSubtitle")
        row.addWidget(self.summary, 1)
        self.only_diff = QCheckBox("only fields that differ")
        self.only_diff.setObjectName("onlyDifferences")
        self.only_diff.toggled.connect(lambda _: self.result is not None and self.show_result(self.result))
        row.addWidget(self.only_diff)
        self.content.addLayout(row)
        self.grid = QTableWidget(0, 3)
        self.grid.setObjectName("compareTable")
        self.grid.setHorizontalHeaderLabels(["field", "A", "B"])
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.grid.setColumnWidth(0, 240)
        self.grid.setColumnWidth(1, 380)
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.content.addWidget(self.grid, 3)
        self.extra = QWidget()
        self.extra_box = QHBoxLayout(self.extra)
        self.extra_box.setContentsMargins(0, 0, 0, 0)
        self.content.addWidget(self.extra, 1)
        a, b = self.default_pair()
        self.select(a, b)

    def default_pair(self) -> tuple[Any, Any]:
        """The two newest distinct contents: of one path when a path changed, else of one file name (e.g. run artifacts)."""
        for same in (lambda a, b: a.path == b.path, lambda a, b: PurePosixPath(a.path).name == PurePosixPath(b.path).name):
            for i in range(len(self.versions) - 1, 0, -1):
                newest = self.versions[i]
                older = [v for v in self.versions[:i] if same(v, newest) and v.key != newest.key]
                if older:
                    return older[-1], newest
        return self.versions[-2], self.versions[-1]

    def select(self, a: Any, b: Any) -> None:
        """Choose A and B (by path and commit) and compare them."""
        if not self.versions or self.loaded_generation != self.session.generation:
            self.refresh()
        keys = [(v.path, v.key, v.commit) for v in self.versions]
        for box, v in ((self.box_a, a), (self.box_b, b)):
            if (v.path, v.key, v.commit) in keys:
                box.setCurrentIndex(keys.index((v.path, v.key, v.commit)))
        self.run_compare()

    def run_compare(self) -> None:
        a, b = self.versions[self.box_a.currentIndex()], self.versions[self.box_b.currentIndex()]
        session = self.session
        self.summary.setText(f"comparing {version_label(a)} with {version_label(b)}\u2026")
        self.pool.submit("compare", lambda progress: compare_versions(session.store_path, session.root, a, b, progress), self.show_result)

    def show_result(self, result: dict[str, Any]) -> None:
        self.result = result
        rows = result["rows"]
        differ = [r for r in rows if r[1] != r[2]]
        self.summary.setText(f"{len(differ)} of {len(rows)} fields differ (highlighted).")
        if self.only_diff.isChecked():
            rows = differ
        self.grid.setRowCount(len(rows))
        highlight = QBrush(QColor("#fff3c4"))
        dark_text = QBrush(QColor("#1f2328"))
        for i, (field, va, vb) in enumerate(rows):
            for j, text in enumerate((field, va, vb)):
                item = QTableWidgetItem(short(text, 300))
                item.setToolTip(short(text, 3000))
                if va != vb:
                    item.setBackground(highlight)
                    item.setForeground(dark_text)
                self.grid.setItem(i, j, item)
        clear_layout(self.extra_box)
        for title, value in result["extra"].items():
            if title in ("a", "b") or value in (None, "", [], {}):
                continue
            text = "\n".join(f"{short(as_dict(x) if not isinstance(x, (str, int, float)) else x, 200)}" for x in value) \
                if isinstance(value, list) else short(value, 2000)
            box = label(f"<b>{escape(title.replace('_', ' '))}</b><br>{escape(text)}")
            box.setTextFormat(Qt.TextFormat.RichText)
            self.extra_box.addWidget(box)
