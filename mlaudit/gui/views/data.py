"""Data: every data file, its versions through history (with availability) and the profile of a version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mlaudit.gui.theme import current as current_theme
from mlaudit.gui.views.base import View
from mlaudit.gui.widgets import (
    RecordsModel,
    as_dict,
    auto_columns,
    change_word,
    fit_columns,
    human_size,
    label,
    number,
    plural,
    readable,
    table,
)

AUTO_KEY = "(detect the key)"


def diff_versions(store_path: Any, repo_root: Any, a: str, b: str, key: str | None, progress: Any) -> Any:
    """The data diff of contents ``a`` -> ``b`` from the store (runs in a worker)."""
    from mlaudit.report.data_diff import data_diff
    from mlaudit.store.db import open_store

    progress.update("data diff", 0, 0, f"{a[:10]} vs {b[:10]}")
    with open_store(store_path, repo_root=repo_root, readonly=True) as store:
        return data_diff(store, a, b, key=key)


def diff_summary(diff: Any) -> str:
    """One paragraph: rows, keys, changed rows and cells, schema, drift, and what the figures rest on."""
    schema = [c for c in diff.columns if c.change != "same"]
    if schema:  # every whole-row hash differs once a column changed: rows are compared by key instead
        parts = [f"rows {number(diff.rows_a)} \u2192 {number(diff.rows_b)} (the columns changed, so rows are compared by key)"]
    else:
        parts = [(f"rows {number(diff.rows_a)} \u2192 {number(diff.rows_b)}: {number(diff.rows_added)} added, "
                 f"{number(diff.rows_removed)} removed, {number(diff.rows_unchanged)} unchanged")]
    if diff.key_column is not None and diff.keys_common is not None:
        parts.append(f"key {diff.key_column}: {number(diff.keys_added)} new, {number(diff.keys_removed)} gone, "
                     f"{number(diff.keys_common)} in both")
    if diff.changed_rows is not None:
        bound = "" if diff.changed_exact else " (at least, on the stored samples)"
        parts.append(f"{number(diff.changed_rows)} rows changed{bound}")
    if schema:
        parts.append(f"{len(schema)} schema changes")
    if diff.drift is not None:
        parts.append(f"{len(diff.drift.drifted_columns)} of {len(diff.drift.columns)} compared columns drift")
    return "; ".join(parts) + "." + "".join(f"\n\u2022 {n}" for n in diff.notes)

HASH_KEYS = ("content_hash", "hash", "key", "blob", "sha256", "md5")


def content_hash(version: dict[str, Any]) -> str | None:
    """The content hash of a data version record, whatever the record calls it."""
    for key in HASH_KEYS:
        if version.get(key):
            return str(version[key])
    return None


def profile_columns(profile: Any) -> list[dict[str, Any]]:
    """Per-column rows of a stored profile: name and type joined with the column's scalar statistics."""
    data = as_dict(profile)
    stats = data.get("stats") or {}
    rows = []
    for column in data.get("columns") or []:
        column = as_dict(column) if not isinstance(column, str) else {"name": column}
        extra = stats.get(column.get("name"), {}) if isinstance(stats, dict) else {}
        rows.append({**column, **{k: v for k, v in as_dict(extra).items() if not isinstance(v, (dict, list))}})
    return rows


def proxy_table(model: RecordsModel, parent: Any, name: str) -> Any:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(RecordsModel.SortRole)
    view = table(proxy, elide=Qt.TextElideMode.ElideMiddle)
    view.setSortingEnabled(True)
    view.setObjectName(name)
    return view


class DataView(View):
    name = "data"
    title = "Data"
    subtitle = "Data files and their versions across history; availability (DVC cache, LFS) and the stored profile of each version."

    def reload(self) -> None:
        from mlaudit.store import data_queries as queries

        store = self.store()
        if store is None:
            self.show_message("No data profiles yet: open a repository and scan it (F5).")
            return
        try:
            files = [as_dict(f) for f in queries.list_data_files(store)]
        except Exception as exc:  # noqa: BLE001 - tables missing until the data phase ran once
            self.show_message(f"The data tables cannot be read yet ({type(exc).__name__}: {exc}); rescan with F5.", error=True)
            return
        if not files:
            self.show_message("No data files (CSV, TSV, Parquet, JSON lines, Feather) found in this repository or its history.")
            return
        self.reset()
        self.queries = queries
        self.content.addWidget(label(f"{plural(len(files), 'data file')}: select one to see its "
                                     "versions, then a version to see its profile or diff it against another.", "viewSubtitle"))
        self.files = RecordsModel(auto_columns(files, ("path", "versions", "rows", "columns", "available", "availability", "size")), files)
        files_view = proxy_table(self.files, self, "dataFiles")
        fit_columns(files_view, 480)  # whole paths (they elide in the middle past that)
        files_view.selectionModel().currentRowChanged.connect(
            lambda cur, _p: self._select_file(files_view.model().mapToSource(cur).row()) if cur.isValid() else None)
        self.versions = RecordsModel([])
        self.versions_view = table(self.versions, elide=Qt.TextElideMode.ElideMiddle)
        self.versions_view.setObjectName("dataVersions")
        self.versions_view.selectionModel().currentRowChanged.connect(self._select_version)
        self.profile = RecordsModel([])
        self.profile_view = table(self.profile)
        self.profile_view.setObjectName("dataProfile")
        self.profile_title = label("", "sectionTitle")
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(label("Versions", "sectionTitle"))
        box.addWidget(self.versions_view, 1)
        profile_page = QWidget()
        box = QVBoxLayout(profile_page)
        box.setContentsMargins(0, 0, 0, 0)
        self.profile_title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        box.addWidget(self.profile_title)
        box.addWidget(self.profile_view, 1)
        self.right = QTabWidget()
        self.right.setObjectName("dataTabs")
        self.right.addTab(profile_page, "Profile")
        self.right.addTab(self._build_diff_page(), "Diff")
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(left)
        lower.addWidget(self.right)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(files_view)
        split.addWidget(lower)
        split.setSizes([220, 420])
        self.content.addWidget(split, 1)
        files_view.selectRow(0)

    def _build_diff_page(self) -> QWidget:
        """Diff the selected version against another: rows, keys, changed cells, schema, drift."""
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        self.diff_base = QComboBox()
        self.diff_base.setObjectName("diffBase")
        self.diff_base.setToolTip("The version to compare the selected version against (A; the selected one is B).")
        self.diff_key = QComboBox()
        self.diff_key.setObjectName("diffKey")
        self.diff_key.setToolTip("The column that identifies a row in both versions; changed rows and cells need one.")
        self.diff_button = QPushButton("Diff")
        self.diff_button.setObjectName("diffButton")
        self.diff_button.setToolTip("Compute the diff from the store (no data file is read again).")
        self.diff_button.clicked.connect(self.run_diff)
        bar.addWidget(label("against", wrap=False))
        bar.addWidget(self.diff_base, 1)
        bar.addWidget(label("key", wrap=False))
        bar.addWidget(self.diff_key)
        bar.addWidget(self.diff_button)
        box.addLayout(bar)
        self.diff_summary = label("Select a version, choose the one to compare it with, then Diff.", "viewSubtitle")
        self.diff_summary.setObjectName("diffSummary")
        box.addWidget(self.diff_summary)
        self.diff_cells = QTableWidget(0, 4)
        self.diff_cells.setObjectName("diffCells")
        self.diff_cells.setHorizontalHeaderLabels(["key", "column", "A", "B"])
        self.diff_cells.verticalHeader().hide()
        self.diff_cells.horizontalHeader().setStretchLastSection(True)
        self.diff_cells.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.diff_schema = RecordsModel([])
        self.diff_schema_view = table(self.diff_schema)
        self.diff_schema_view.setObjectName("diffSchema")
        self.diff_tabs = QTabWidget()
        self.diff_tabs.addTab(self.diff_cells, "Changed cells")
        self.diff_tabs.addTab(self.diff_schema_view, "Columns")
        box.addWidget(self.diff_tabs, 1)
        return page

    def _fill_diff_choices(self, versions: list[dict[str, Any]]) -> None:
        self.diff_base.clear()
        for v in versions:
            missing = v.get("availability", "available") != "available"
            self.diff_base.addItem(f"{v.get('commit')}  {v.get('date', '')}  {str(v.get('hash', ''))[:10]}"
                                   + ("  (not available locally)" if missing else ""), v.get("hash"))
        newest = versions[-1].get("hash") if versions else None
        older = [i for i, v in enumerate(versions) if v.get("hash") != newest]
        if older:  # default A: the newest version whose content differs from the newest one (B)
            self.diff_base.setCurrentIndex(older[-1])

    def run_diff(self) -> None:
        """Diff the selected version (B) against the chosen one (A), in the worker pool."""
        current = self.versions_view.currentIndex()
        if not current.isValid() or self.diff_base.currentIndex() < 0:
            self.diff_summary.setText("Select a version and the one to compare it with.")
            return
        b = content_hash(self.versions.record(current.row()))
        a = self.diff_base.currentData()
        if not a or not b:
            self.diff_summary.setText("One of the versions has no content hash (not available locally).")
            return
        missing = [f"{side} ({str(r.get('commit'))[:10]}: {r.get('availability')})" for side, r in
                   (("A", self._record_of(a)), ("B", self.versions.record(current.row())))
                   if r is not None and r.get("availability", "available") != "available"]
        if missing:  # known before asking the store: a content recorded by hash only has no profile or row hashes
            self.diff_summary.setText(
                f"Cannot diff: {' and '.join(missing)}. Its content is not in the DVC cache or LFS store here, so "
                "mlaudit recorded it by hash without reading it. Fetch the content (dvc pull / git lfs pull), rescan "
                "(F5), then diff again.")
            self._clear_diff()
            return
        chosen = self.diff_key.currentText()
        key = None if not chosen or chosen == AUTO_KEY else chosen
        session = self.session
        self.diff_summary.setText("computing the diff\u2026")
        self.pool.submit("data-diff", lambda p: diff_versions(session.store_path, session.root, a, b, key, p),
                         self.show_diff, lambda msg: self.diff_summary.setText(f"The diff could not be computed: {msg}"))

    def _record_of(self, digest: str) -> dict[str, Any] | None:
        """The listed version record holding content ``digest``."""
        return next((r for r in self.versions.rows if content_hash(r) == digest), None)

    def _clear_diff(self) -> None:
        self.diff_cells.clearSpans()
        self.diff_cells.setRowCount(0)
        self.diff_schema.set_rows([])
        self.diff_tabs.setTabText(0, "Changed cells")

    def show_diff(self, diff: Any) -> None:
        self.diff_result = diff
        self.diff_summary.setText(diff_summary(diff))
        theme = current_theme()
        changed = QBrush(QColor(theme.highlight_line))
        text = QBrush(QColor(theme.foreground))
        cells = [(row.key, col, va, vb) for row in diff.sample for col, (va, vb) in row.cells.items()]
        self.diff_cells.clearSpans()
        self.diff_cells.setRowCount(len(cells))
        for r, values in enumerate(cells):
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value) if isinstance(value, float) else readable(value))  # exact values
                if c >= 2:
                    item.setBackground(changed)
                    item.setForeground(text)
                self.diff_cells.setItem(r, c, item)
        if not cells:  # an empty table says why it is empty
            if diff.key_column is None:
                why = "No key column identifies rows in both versions, so changed cells cannot be matched; choose a key."
            elif not diff.keys_common:
                why = f"No {diff.key_column} value is in both versions: every row was added or removed, none changed."
            elif diff.changed_rows:
                why = (f"{number(diff.changed_rows)} rows changed, but none of them is among the stored sample rows, "
                       "so their cells cannot be shown.")
            else:
                why = f"The {number(diff.keys_common)} rows in both versions (by {diff.key_column}) hold the same values."
            self.diff_cells.setRowCount(1)
            self.diff_cells.setItem(0, 0, QTableWidgetItem(why))
            self.diff_cells.setSpan(0, 0, 1, 4)
        else:
            self.diff_cells.resizeColumnsToContents()
            for column, least in enumerate((120, 140, 160)):
                self.diff_cells.setColumnWidth(column, max(least, min(self.diff_cells.columnWidth(column), 360)))
        rows = [{"column": c.column, "change": c.change, "type A": c.type_a or "", "type B": c.type_b or "",
                 "renamed from": c.renamed_from or "", "how": c.how} for c in diff.columns]
        self.diff_schema.beginResetModel()
        self.diff_schema.columns = auto_columns(rows, ("column", "change", "type A", "type B", "renamed from", "how"))
        self.diff_schema.rows = rows
        self.diff_schema.endResetModel()
        fit_columns(self.diff_schema_view, 300)
        more = "" if len(diff.sample) >= (diff.changed_rows or 0) else f", first {len(diff.sample)} rows shown"
        shown = (f"Changed cells ({len(cells)} in {diff.changed_rows} rows{more})" if diff.changed_rows
                 else "Changed cells (none)")
        self.diff_tabs.setTabText(0, shown)
        self.right.setCurrentIndex(1)

    def _select_file(self, row: int) -> None:
        path = self.files.record(row).get("path")
        versions = [self._version_row(as_dict(v)) for v in self.queries.data_versions(self.store(), path)] if path else []
        self.versions.beginResetModel()
        self.versions.columns = auto_columns(versions, ("commit", "date", "source", "availability", "size", "hash"),
                                             skip=("path", "time", "committer_time", "bytes"))
        self.versions.rows = versions
        self.versions.endResetModel()
        fit_columns(self.versions_view, 150)
        self._fill_diff_choices(versions)
        if versions:
            self.versions_view.selectRow(len(versions) - 1)

    @staticmethod
    def _version_row(d: dict[str, Any]) -> dict[str, Any]:
        """A version record made readable: short commit (or 'working tree'), date, human size."""
        when = d.get("time") or d.get("committer_time")
        out = dict(d)
        sha = d.get("commit") or d.get("commit_sha")
        out["commit"] = str(sha)[:10] if sha else "working tree"
        out["date"] = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M") if when else ""
        out["bytes"], out["size"] = d.get("size"), human_size(d.get("size"))
        if "status" in d:  # git's letters in words
            out["status"] = change_word(d.get("status"))
        return out

    def _select_version(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        version = self.versions.record(current.row())
        digest = content_hash(version)
        rows: list[dict[str, Any]] = []
        title = "No profile: this version's content is not available locally." if digest is None else ""
        if version.get("availability", "available") != "available":
            title = (f"{version.get('availability')}: the content {str(digest)[:16]} is not in the DVC cache or LFS store "
                     "here, so it was recorded by hash but not profiled.")
        elif digest is not None:
            try:
                prof = self.queries.profile(self.store(), digest)
            except Exception as exc:  # noqa: BLE001 - absent content, unreadable file: say why
                prof, title = None, f"No profile for {digest[:12]}: {exc}"
            if prof is not None:
                rows = profile_columns(prof)
                self.diff_key.clear()
                self.diff_key.addItem(AUTO_KEY)
                self.diff_key.addItems([str(r.get("name")) for r in rows])
                meta = as_dict(prof)
                title = f"Profile of {digest[:12]}: {meta.get('rows', '?')} rows, {len(rows)} columns" + (
                    " (from a sample)" if meta.get("sampled") else "")
            elif not title:
                title = f"No profile stored for {digest[:12]} (content not available locally, or not parseable)."
        self.profile_title.setText(title)
        self.profile_view.setVisible(bool(rows))  # no empty table under an explanation
        self.profile.beginResetModel()
        self.profile.columns = auto_columns(rows, ("name", "type", "dtype", "missing", "distinct", "min", "max", "mean"))
        self.profile.rows = rows
        self.profile.endResetModel()
        self.profile_view.resizeColumnsToContents()
