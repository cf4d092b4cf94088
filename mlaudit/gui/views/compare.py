"""Compare: two model versions side by side, differences highlighted (store only, in the worker pool)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mlaudit.gui.evidence import EvidenceText, FileDiff, file_diff
from mlaudit.gui.picker import VersionPicker
from mlaudit.gui.theme import current as current_theme
from mlaudit.gui.views.base import View
from mlaudit.gui.views.findings import CodeViewer
from mlaudit.gui.views.models import VERDICT_TEXT, version_label, when
from mlaudit.gui.widgets import (
    RecordsModel,
    auto_columns,
    change_word,
    fit_columns,
    human_size,
    label,
    plural,
    short,
    table,
)


def version_fields(v: Any, store: Any, queries: Any, tracked: bool = True) -> dict[str, str]:
    """The comparable facts of one model version as text; ``tracked`` adds params/metrics as of its commit."""
    out = {
        "path": v.path, "version": f"{v.rev_label} ({v.source})", "date": when(v.committer_time), "format": v.format,
        "size": human_size(v.size), "sha256": v.sha256 or "", "security": VERDICT_TEXT.get(v.verdict, v.verdict),
        "dangerous globals": ", ".join(v.dangerous), "unknown globals": ", ".join(v.unknown), "estimator": v.estimator or "",
        "n features": "" if v.n_features is None else str(v.n_features), "features": ", ".join(map(str, v.features or [])),
        "classes": ", ".join(map(str, v.classes or [])), "run": v.run_id or "",
    }
    out |= {f"library {k}": str(val) for k, val in v.library_versions.items()}
    out |= {f"hyperparameter {k}": str(val) for k, val in v.hyperparameters.items()}
    if tracked and v.commit:
        for kind in ("params", "metrics"):
            for path, values in queries.tracked_at(store, v.commit, kind).items():
                out |= {f"{kind} {path}: {k}": str(val) for k, val in values.items()}
    if tracked and v.run_id:
        out |= {f"run param {k}": str(val) for k, val in queries.run_params(store, v.run_id).items()}
        out |= {f"run metric {k}": str(val) for k, val in queries.run_metrics(store, v.run_id).items()}
    return out


def _engine_rows(comparison: Any) -> list[tuple[str, str, str]]:
    """Lineage, params and metrics of both sides (from the compare engine), as side-by-side rows."""
    la, lb = comparison.lineage_a, comparison.lineage_b
    def listed(items: list[str]) -> str:
        return ", ".join(dict.fromkeys(items))  # one entry per identity (runs and registry entries repeat across commits)

    rows = [("lineage commit", (la.commit or "")[:10], (lb.commit or "")[:10]),
            ("lineage runs", listed(la.runs), listed(lb.runs)),
            ("registered as", listed(la.registered), listed(lb.registered)),
            ("lineage missing", ", ".join(la.missing), ", ".join(lb.missing))]
    for kind, a, b in (("param", la.params, lb.params), ("metric", la.metrics, lb.metrics)):
        for key in sorted(set(a) | set(b)):
            rows.append((f"{kind} {key}", short(a.get(key), 300), short(b.get(key), 300)))
    return rows


def training_data(store: Any, a: Any, b: Any, la: Any, lb: Any) -> tuple[list[dict[str, Any]], str]:
    """The data files at the commits that produced A and B, diffed from the store, and a sentence on what was compared."""
    from mlaudit.report.data_diff import diff_at_commits

    unplaced = [side for side, v, lin in (("A", a, la), ("B", b, lb)) if not lin.commit and v.source != "worktree"]
    if unplaced:
        return [], (f"{' and '.join(unplaced)} cannot be placed in the git history (an MLflow artifact with no commit), "
                    "so the data it was trained on is unknown.")
    rows = diff_at_commits(store, la.commit or None, lb.commit or None)
    where = " vs ".join((lin.commit or "")[:10] or "the working tree" for lin in (la, lb))
    if not rows:
        return [], f"No data file is recorded at either commit ({where}): there is no training data to compare."
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    skipped = sum(1 for r in rows if r.get("note", "").startswith("not compared"))
    text = f"Data files at the commits of A and B ({where}): " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if skipped:
        text += f"; {skipped} changed file{'s' if skipped != 1 else ''} not compared (content not available locally)"
    return rows, text + ". Rows and drift come from the stored row hashes and profiles (Data view > Diff shows the changed cells)."


def compare_versions(store_path: Any, repo_root: Any, a: Any, b: Any, progress: Any) -> dict[str, Any]:
    """Side-by-side rows, training-data and code diffs (the compare engine's when present), in a worker."""
    from mlaudit.store.db import open_store

    progress.update("compare", 0, 0, f"{version_label(a)} vs {version_label(b)}")
    from mlaudit.report import compare as engine
    from mlaudit.store import model_queries as queries

    result: dict[str, Any] = {"data": [], "data_note": "", "code": {}, "note": ""}
    with open_store(store_path, repo_root=repo_root, readonly=True) as store:
        fa, fb = version_fields(a, store, queries, False), version_fields(b, store, queries, False)
        rows = [(k, fa.get(k, ""), fb.get(k, "")) for k in dict.fromkeys([*fa, *fb])]
        try:
            comparison = engine.compare_models(store, a, b)
            rows += _engine_rows(comparison)
            result["data"], result["data_note"] = training_data(store, a, b, comparison.lineage_a, comparison.lineage_b)
            result["code"] = comparison.code_changes
        except Exception as exc:  # noqa: BLE001 - the engine's refusal is shown; the side-by-side still is
            result["note"] = f"The compare engine failed: {type(exc).__name__}: {exc}"
    result["rows"] = rows
    return result


def load_choices(store_path: Any, repo_root: Any, progress: Any) -> tuple[list[Any], list[Any]]:
    """The comparable model versions (deleted ones left out) and their picker entries, read in a worker."""
    from mlaudit.store import model_queries
    from mlaudit.store.db import open_store
    from mlaudit.store.picker_queries import version_choices

    progress.update("compare", 0, 0, "reading the model versions")
    with open_store(store_path, repo_root=repo_root, readonly=True) as store:
        versions = [v for v in model_queries.all_versions(store) if v.status != "D"]
        return versions, version_choices(store, versions)


class CompareView(View):
    name = "compare"
    title = "Compare"
    subtitle = "Two model versions side by side: metadata, security, hyperparameters, features, params and metrics."

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.versions: list[Any] = []
        self.loading = False  # the versions are being read in the pool
        self.pending: tuple[Any, Any] | None = None  # a pair chosen (from Models) while they were
        self.page: QWidget | None = None
        self.file_diff: FileDiff | None = None
        self.diff_spans: dict[int, list[tuple[int, int, str]]] = {}
        self.result: dict[str, Any] | None = None

    def reload(self) -> None:
        """Read the versions and their picker labels in the pool (hundreds of versions), then build the view."""
        session = self.session
        self.reset()
        self.loading = True
        if session is None or self.store() is None:
            self.loading = False
            self.show_message("Nothing to compare yet: open a repository and scan it (F5) to list its model versions.")
            return
        self.show_message("Reading the model versions and their runs, tags and registry entries\u2026")
        self.pool.submit("compare-versions", lambda progress: load_choices(session.store_path, session.root, progress),
                         lambda loaded: self._versions_loaded(session, *loaded),
                         lambda message: self.show_message(f"The model versions could not be read: {message}", error=True))

    def _versions_loaded(self, session: Any, versions: list[Any], choices: list[Any]) -> None:
        if session is not self.session:
            return
        self.loading = False
        self.reset()
        self.versions = versions
        if len(self.versions) < 2:
            self.show_message("Fewer than two model versions in this repository: nothing to compare.")
            return
        if self.page is None:  # built once, alone in its event-loop turn; a reload only refills the pickers and results
            self.page = self._build_page()
            self.page.hide()
            self.loading = True
            QTimer.singleShot(0, lambda: self._versions_loaded(session, versions, choices))
            return
        self.result = None
        for picker in (self.pick_a, self.pick_b):
            picker.filter.blockSignals(True)
            picker.filter.clear()
            picker.filter.blockSignals(False)
            picker.set_choices(choices)
        self.grid.setRowCount(0)
        self.summary.setText("")
        self.content.addWidget(self.page, 1)
        self.page.show()
        pending, self.pending = self.pending, None
        a, b = pending or self.default_pair()
        self.select(a, b)

    def reset(self) -> None:
        """Clear the content but keep the built page (taken out of the layout, hidden) for the next load."""
        if self.page is not None:
            self.content.removeWidget(self.page)
            self.page.hide()
        super().reset()

    def _build_page(self) -> QWidget:
        """Pickers (type to filter; grouped by path, labelled by ref/tag, date, run, registry), the side-by-side
        table and the training-data and code tabs."""
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        self.pick_a, self.pick_b = VersionPicker("compareA"), VersionPicker("compareB")
        self.box_a, self.box_b = self.pick_a.box, self.pick_b.box
        go = QPushButton("Compare")
        go.setObjectName("compareButton")
        go.setToolTip("Compare the two chosen versions (store only, in the background).")
        go.clicked.connect(self.run_compare)
        pickers = QHBoxLayout()
        for side, picker in (("A", self.pick_a), ("B", self.pick_b)):
            pickers.addWidget(label(side, wrap=False))
            pickers.addWidget(picker, 1)
        pickers.addWidget(go, 0, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(pickers)
        row = QHBoxLayout()
        self.summary = label("", "viewSubtitle")
        row.addWidget(self.summary, 1)
        self.only_diff = QCheckBox("only fields that differ")
        self.only_diff.setObjectName("onlyDifferences")
        self.only_diff.setChecked(True)
        self.only_diff.setToolTip("Hide the fields that are the same in A and B.")
        self.only_diff.toggled.connect(self._reshow)
        row.addWidget(self.only_diff)
        outer.addLayout(row)
        self.grid = QTableWidget(0, 3)
        self.grid.setObjectName("compareTable")
        self.grid.setHorizontalHeaderLabels(["field", "A", "B"])
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.grid.setColumnWidth(0, 240)
        self.grid.setColumnWidth(1, 380)
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        outer.addWidget(self.grid, 3)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("compareTabs")
        self.data_model = RecordsModel([])
        self.data_view = table(self.data_model, elide=Qt.TextElideMode.ElideMiddle)
        self.data_view.setObjectName("compareData")
        data_page = QWidget()
        data_box = QVBoxLayout(data_page)
        data_box.setContentsMargins(0, 4, 0, 0)
        self.data_summary = label("", "viewSubtitle")
        self.data_summary.setObjectName("compareDataSummary")
        data_box.addWidget(self.data_summary)
        data_box.addWidget(self.data_view, 1)
        self.code_model = RecordsModel([])
        self.code_view = table(self.code_model, elide=Qt.TextElideMode.ElideMiddle)
        self.code_view.setObjectName("compareCode")
        self.code_view.selectionModel().currentRowChanged.connect(lambda cur, _p: self.open_file_diff(cur.row()))
        code = QWidget()
        code_box = QVBoxLayout(code)
        code_box.setContentsMargins(0, 4, 0, 0)
        self.code_summary = label("", "viewSubtitle")
        code_box.addWidget(self.code_summary)
        code_split = QSplitter(Qt.Orientation.Horizontal)
        code_split.addWidget(self.code_view)
        diff_pane = QWidget()
        diff_box = QVBoxLayout(diff_pane)
        diff_box.setContentsMargins(0, 0, 0, 0)
        diff_bar = QHBoxLayout()
        self.diff_title = label("Select a file to see its diff between the two commits.", "viewSubtitle")
        self.diff_more = QPushButton("Load more")
        self.diff_more.setObjectName("diffMore")
        self.diff_more.setToolTip("Show the next part of this file's diff.")
        self.diff_more.clicked.connect(self.more_file_diff)
        self.diff_more.hide()
        diff_bar.addWidget(self.diff_title, 1)
        diff_bar.addWidget(self.diff_more)
        diff_box.addLayout(diff_bar)
        self.diff_viewer = CodeViewer()
        self.diff_viewer.setObjectName("compareDiff")
        diff_box.addWidget(self.diff_viewer, 1)
        code_split.addWidget(diff_pane)
        code_split.setStretchFactor(0, 2)
        code_split.setStretchFactor(1, 3)
        code_split.setSizes([400, 600])
        code_box.addWidget(code_split, 1)
        self.tabs.addTab(data_page, "Training data")
        self.tabs.addTab(code, "Code changes between the commits")
        outer.addWidget(self.tabs, 2)
        return page

    def default_pair(self) -> tuple[Any, Any]:
        """The two newest distinct contents: of one path when a path changed, else of one file name (e.g. run artifacts)."""
        versions = [v for v in self.versions if v.commit] or self.versions  # commits carry lineage
        for same in (lambda a, b: a.path == b.path, lambda a, b: PurePosixPath(a.path).name == PurePosixPath(b.path).name):
            for i in range(len(versions) - 1, 0, -1):
                newest = versions[i]
                older = [v for v in versions[:i] if same(v, newest) and v.key != newest.key]
                if older:
                    return older[-1], newest
        return self.versions[-2], self.versions[-1]

    def select(self, a: Any, b: Any) -> None:
        """Choose A and B (by path and commit) and compare them (once the versions are read, when still loading)."""
        if not self.versions or self.loaded_generation != self.session.generation:
            self.refresh()
        if self.loading:
            self.pending = (a, b)
            return
        keys = [(v.path, v.key, v.commit) for v in self.versions]
        for picker, v in ((self.pick_a, a), (self.pick_b, b)):
            if (v.path, v.key, v.commit) in keys:
                picker.filter.clear()
                picker.select(keys.index((v.path, v.key, v.commit)))
        self.run_compare()

    def run_compare(self) -> None:
        ia, ib = self.pick_a.current_index(), self.pick_b.current_index()
        if ia is None or ib is None:
            self.summary.setText("Choose a version on each side (clear the filter when nothing matches).")
            return
        a, b = self.versions[ia], self.versions[ib]
        session = self.session
        self.summary.setText(f"comparing {version_label(a)} with {version_label(b)}\u2026")
        self.pool.submit("compare", lambda progress: compare_versions(session.store_path, session.root, a, b, progress),
                         self.show_result, lambda message: self.summary.setText(f"The comparison failed: {message}"))

    def _reshow(self, _checked: bool = False) -> None:
        if self.result is not None:
            self.show_result(self.result)

    def show_result(self, result: dict[str, Any]) -> None:
        self.result = result
        rows = result["rows"]
        differ = [r for r in rows if r[1] != r[2]]
        self.summary.setText(f"{len(differ)} of {len(rows)} fields differ (highlighted).")
        if self.only_diff.isChecked():
            rows = differ
        self.grid.setRowCount(len(rows))
        theme = current_theme()
        highlight = QBrush(QColor(theme.highlight_line))
        dark_text = QBrush(QColor(theme.foreground))
        for i, (field, va, vb) in enumerate(rows):
            for j, text in enumerate((field, va, vb)):
                item = QTableWidgetItem(short(text, 300))
                item.setToolTip(short(text, 3000))
                if va != vb:
                    item.setBackground(highlight)
                    item.setForeground(dark_text)
                self.grid.setItem(i, j, item)
        self.grid.resizeColumnToContents(0)  # field names on one line, within reason
        self.grid.setColumnWidth(0, max(200, min(self.grid.columnWidth(0), 360)))
        self._fill(self.data_model, self.data_view, result["data"],
                   ("path", "status", "A", "B", "rows A", "rows B", "rows added", "rows removed", "key", "changed rows",
                    "schema changes", "drifted columns", "note"), skip=("a_key", "b_key"))
        self.data_summary.setText(result.get("data_note") or result["note"])
        code = result["code"] or {}
        self.code = code
        roles = ", ".join(f"{n} {r}" for r, n in sorted((code.get("by_role") or {}).items()))
        messages = "; ".join((code.get("messages") or [])[:5])
        files = [dict(f, status=change_word(f.get("status"))) for f in code.get("files") or []]
        total = int(code.get("total_files") or len(files))
        listed = f"{plural(total, 'file')} changed" + (f", the first {len(files)} listed" if total > len(files) else "")
        self.code_summary.setText(result["note"] or (f"{plural(int(code.get('commits', 0)), 'commit')} between A and B; {listed}" +
                                                     (f" \u2014 files by role: {roles}" if roles else "") +
                                                     (f" \u2014 {messages}" if messages else "")))
        self._fill(self.code_model, self.code_view, files, ("path", "status", "role", "commits", "added", "deleted"))
        self.code_view.setColumnWidth(0, min(self.code_view.columnWidth(0), 300))  # the path elides in the middle
        self.diff_viewer.setPlainText("")
        self.diff_title.setText("Select a file to see its diff between the two commits." if files else "")
        self.diff_more.hide()
        n_data = len(result["data"])
        self.tabs.setTabText(0, f"Training data ({plural(n_data, 'file')})")
        self.tabs.setTabText(1, f"Code changes between the commits ({plural(total, 'file')})")
        self.tabs.setCurrentIndex(0 if result["data"] or not code.get("files") else 1)
        if result["note"]:
            self.summary.setText(self.summary.text() + " " + result["note"])

    def open_file_diff(self, row: int, offset: int = 0) -> None:
        """The unified diff of the code file at ``row`` between the commits of A and B (a page, in the pool)."""
        code = getattr(self, "code", None) or {}
        files = code.get("files") or []
        a, b = code.get("commit_a"), code.get("commit_b")
        if not 0 <= row < len(files) or not a or not b or self.session is None:
            return
        path = files[row]["path"]
        root = self.session.root
        if offset == 0:
            self.diff_title.setText(f"loading the diff of {path}\u2026")
        self.pool.submit("compare-diff", lambda _p: file_diff(root, a, b, path, offset), self._show_file_diff,
                         lambda message: self.diff_title.setText(f"The diff could not be read: {message}"))

    def _show_file_diff(self, diff: FileDiff) -> None:
        continued = bool(diff.offset) and self.file_diff is not None
        shown_before = self.diff_viewer.toPlainText() if continued else ""
        spans = dict(self.diff_spans) if continued else {}
        first = shown_before.count("\n")  # a page starts on a new line: its line 0 follows the lines shown
        spans.update({first + line: parts for line, parts in diff.spans.items()})
        self.file_diff, self.diff_spans = diff, spans
        text = shown_before + diff.text
        self.diff_viewer.show_text(EvidenceText(diff.path, text or "(no textual difference: binary or mode change)",
                                                kind="diff", spans=spans))
        lines = text.count("\n")
        self.diff_title.setText(f"{diff.path}: {lines} diff lines shown" + (" \u2014 more below" if diff.more else ""))
        self.diff_more.setVisible(diff.more)

    def more_file_diff(self) -> None:
        if self.file_diff is None:
            return
        row = self.code_view.currentIndex().row()
        self.open_file_diff(row, self.file_diff.next_offset)

    def _fill(self, model: RecordsModel, view: Any, rows: list[dict[str, Any]], keys: tuple[str, ...],
              skip: tuple[str, ...] = ()) -> None:
        model.beginResetModel()
        model.columns = auto_columns(rows, keys, skip)
        model.rows = rows
        model.endResetModel()
        fit_columns(view, 420)  # long notes and paths elide (the tooltip holds them whole)
