"""Data: every data file, its versions through history (with availability) and the profile of a version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from mlaudit.gui.views.base import View, optional_module
from mlaudit.gui.widgets import RecordsModel, as_dict, auto_columns, human_size, label, table

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
        queries = optional_module("mlaudit.store.data_queries")
        store = self.store()
        if queries is None or store is None:
            self.show_message("Data profiles are not available yet: this mlaudit has no data scan (mlaudit.store.data_queries).")
            return
        try:
            files = [as_dict(f) for f in queries.list_data_files(store)]
        except Exception as exc:  # tables missing until the data phase ran once
            self.show_message(f"The data tables cannot be read yet ({type(exc).__name__}: {exc}); rescan with F5.", error=True)
            return
        if not files:
            self.show_message("No data files (CSV, TSV, Parquet, JSON lines, Feather) found in this repository or its history.")
            return
        self.reset()
        self.queries = queries
        self.content.addWidget(label(f"{len(files)} data files", "viewSubtitle"))
        self.files = RecordsModel(auto_columns(files, ("path", "versions", "rows", "columns", "available", "availability", "size")), files)
        files_view = proxy_table(self.files, self, "dataFiles")
        files_view.selectionModel().currentRowChanged.connect(
            lambda cur, _p: self._select_file(files_view.model().mapToSource(cur).row()) if cur.isValid() else None)
        self.versions = RecordsModel([])
        self.versions_view = table(self.versions)
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
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        self.profile_title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        box.addWidget(self.profile_title)
        box.addWidget(self.profile_view, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(left)
        lower.addWidget(right)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(files_view)
        split.addWidget(lower)
        split.setSizes([220, 420])
        self.content.addWidget(split, 1)
        files_view.selectRow(0)

    def _select_file(self, row: int) -> None:
        path = self.files.record(row).get("path")
        versions = [self._version_row(as_dict(v)) for v in self.queries.data_versions(self.store(), path)] if path else []
        self.versions.beginResetModel()
        self.versions.columns = auto_columns(versions, ("commit", "date", "source", "availability", "size", "hash"),
                                             skip=("path", "time", "committer_time", "bytes"))
        self.versions.rows = versions
        self.versions.endResetModel()
        self.versions_view.resizeColumnsToContents()
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
            except Exception as exc:  # absent content, unreadable file: say why
                prof, title = None, f"No profile for {digest[:12]}: {exc}"
            if prof is not None:
                rows = profile_columns(prof)
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
