"""Models: every model file with its format and security verdict, its versions, and what was read from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from mlaudit.gui.views.base import View
from mlaudit.gui.widgets import STATUS_COLOURS, Column, RecordsModel, human_size, label, table

VERDICT_TEXT = {
    "dangerous": "DANGEROUS: loading it would run code",
    "inconclusive": "INCONCLUSIVE: not proven harmless (see the reasons)",
    "safe": "safe (fully analysed; only allow-listed callables)",
}
VERDICT_COLOURS = {**STATUS_COLOURS, "dangerous": "#b71c1c", "inconclusive": "#b7791f", "safe": "#2e7d32"}


def when(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d") if ts else ""


def version_label(v: Any) -> str:
    return f"{v.path} @ {v.rev_label}" + (f" ({when(v.committer_time)})" if v.committer_time else "")


@dataclass(slots=True)
class ModelFile:
    """One model path over its history: the newest version, the worst security verdict of any version."""

    path: str
    latest: Any
    worst: str
    versions: int
    deleted: bool
    dangerous: list[str]


VERDICT_RANK = {"dangerous": 0, "inconclusive": 1, "safe": 2}


def inventory(versions: list[Any]) -> list[ModelFile]:
    """Every model path ever seen (deleted ones included: an unsafe pickle in history still counts)."""
    by_path: dict[str, list[Any]] = {}
    for v in versions:
        by_path.setdefault(v.path, []).append(v)
    out = []
    for path, items in sorted(by_path.items()):
        real = [v for v in items if v.status != "D"] or items
        worst = min((v.verdict for v in real), key=lambda verdict: VERDICT_RANK.get(verdict, 1))
        dangerous = sorted({g for v in real for g in v.dangerous})
        out.append(ModelFile(path, real[-1], worst, len(real), items[-1].status == "D", dangerous))
    return sorted(out, key=lambda m: (VERDICT_RANK.get(m.worst, 1), m.path))  # the riskiest first


def _detail_html(v: Any) -> str:
    rows = [("path", v.path), ("version", f"{v.rev_label} ({v.source})"), ("format", v.format), ("size", human_size(v.size)),
            ("sha256", v.sha256 or ""), ("security", VERDICT_TEXT.get(v.verdict, v.verdict)),
            ("why", "; ".join(v.reasons)),
            ("dangerous globals", ", ".join(v.dangerous)), ("unknown globals", ", ".join(v.unknown)),
            ("estimator", v.estimator or ""), ("library versions", ", ".join(f"{k} {val}" for k, val in v.library_versions.items())),
            ("features", ", ".join(map(str, v.features[:30])) if v.features else str(v.n_features or "")),
            ("classes", ", ".join(map(str, v.classes or []))), ("error", v.error or "")]
    rows += [(f"hyperparameter {k}", str(val)) for k, val in sorted(v.hyperparameters.items())[:60]]
    rows += [("finding", f) for f in v.findings]
    body = "".join(f"<tr><td><b>{k}</b></td><td>{_esc(val)}</td></tr>" for k, val in rows if val)
    return f"<table cellspacing=4>{body}</table>"


def _esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ModelsView(View):
    name = "models"
    title = "Models"
    subtitle = "Model files found by content (never loaded): format, security verdict, estimator and every version in history."

    def reload(self) -> None:
        from mlaudit.store import model_queries as queries

        store = self.store()
        if store is None:
            self.show_message("No model inventory yet: open a repository and scan it (F5).")
            return
        self.all_versions = queries.all_versions(store)
        models = inventory(self.all_versions)
        if not models:
            self.show_message("No model files found in the working tree or the history of this repository.")
            return
        self.reset()
        self.queries = queries
        counts = {v: sum(m.worst == v for m in models) for v in ("dangerous", "inconclusive", "safe")}
        gone = sum(m.deleted for m in models)
        self.content.addWidget(label(
            f"{len(models)} model files ({gone} only in history), {len(self.all_versions)} versions in total \u2014 "
            f"{counts['dangerous']} with a dangerous version, {counts['inconclusive']} inconclusive (not proven harmless), "
            f"{counts['safe']} safe", "viewSubtitle"))
        self.inventory = RecordsModel([
            Column("file", lambda m: PurePosixPath(m.path).name, tooltip=lambda m: m.path, sort=lambda m: m.path, width=130),
            Column("folder", lambda m: str(PurePosixPath(m.path).parent), tooltip=lambda m: m.path, width=300),
            Column("format", lambda m: m.latest.format, width=110),
            Column("worst verdict", lambda m: m.worst, width=130, colour=lambda m: VERDICT_COLOURS.get(m.worst),
                   sort=lambda m: VERDICT_RANK.get(m.worst, 1),
                   tooltip=lambda m: VERDICT_TEXT.get(m.worst, m.worst) + ("\n" + "\n".join(m.dangerous) if m.dangerous else "")),
            Column("estimator", lambda m: m.latest.estimator or "", width=200),
            Column("versions", lambda m: m.versions, sort=lambda m: m.versions, width=80),
            Column("size", lambda m: human_size(m.latest.size), sort=lambda m: m.latest.size or 0, width=80),
            Column("latest", lambda m: f"deleted in {m.latest.rev_label}" if m.deleted else m.latest.rev_label),
        ], models)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.inventory)
        proxy.setSortRole(RecordsModel.SortRole)
        self.inventory_view = table(proxy, elide=Qt.TextElideMode.ElideMiddle)
        self.inventory_view.setObjectName("modelInventory")
        self.inventory_view.setSortingEnabled(True)
        self.inventory_view.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # the riskiest first
        self.inventory_view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._select(self.inventory.record(proxy.mapToSource(cur).row())) if cur.isValid() else None)
        self.versions = RecordsModel([
            Column("commit", lambda v: v.rev_label, width=100),
            Column("date", lambda v: when(v.committer_time), width=90),
            Column("change", lambda v: {"A": "added", "M": "modified", "D": "deleted", "R": "renamed"}.get(v.status or "", v.source), width=75),
            Column("security", lambda v: v.verdict, width=120, colour=lambda v: VERDICT_COLOURS.get(v.verdict),
                   tooltip=lambda v: "\n".join(v.reasons) or v.verdict),
            Column("format", lambda v: v.format, width=100),
            Column("estimator", lambda v: v.estimator or ""),
        ])
        self.versions_view = table(self.versions)
        self.versions_view.setObjectName("modelVersions")
        self.versions_view.selectionModel().currentRowChanged.connect(self._select_version)
        self.detail = QTextBrowser()
        self.detail.setObjectName("modelDetail")
        compare = QPushButton("Compare the selected version with the one before it")
        compare.setObjectName("compareVersions")
        compare.clicked.connect(self.compare_selected)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(label("Versions of the selected model", "sectionTitle"))
        left_box.addWidget(self.versions_view, 1)
        row = QHBoxLayout()
        row.addWidget(compare)
        row.addStretch(1)
        left_box.addLayout(row)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(left)
        lower.addWidget(self.detail)
        lower.setSizes([520, 480])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.inventory_view)
        split.addWidget(lower)
        split.setSizes([260, 380])
        self.content.addWidget(split, 1)
        self.inventory_view.selectRow(0)

    def _select(self, model: Any) -> None:
        versions = [v for v in self.all_versions if v.path == model.path]
        self.versions.set_rows(versions)
        if versions:
            self.versions_view.selectRow(len(versions) - 1)

    def _select_version(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.detail.setHtml(_detail_html(self.versions.record(current.row())))

    def compare_selected(self) -> None:
        """Open Compare with the selected version (B) and the version of the same path before it (A)."""
        index = self.versions_view.currentIndex()
        if not index.isValid():
            return
        row = index.row()
        b = self.versions.record(row)
        a = self.versions.record(row - 1) if row > 0 else b
        view = self.window_.show_view("compare")
        view.select(a, b)  # type: ignore[attr-defined]
