"""Leakage: the LEAK-* verdicts, each flagged code site or data pair, and the code at the flagged line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from mlaudit.checks.base import Evidence
from mlaudit.gui.evidence import EvidenceText, load_evidence
from mlaudit.gui.views.base import View
from mlaudit.gui.views.findings import CodeViewer, check_help
from mlaudit.gui.widgets import STATUS_COLOURS, Column, RecordsModel, fit_rows, label, short, table


class LeakageView(View):
    name = "leakage"
    title = "Leakage"
    subtitle = "Train/test leakage in the data (overlap, entities, time, target proxies) and in the code (fit before split, ...)."

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.viewer = CodeViewer()
        self.viewer_title = label("Select a finding to see the code at the flagged line.", "viewSubtitle")

    def reload(self) -> None:
        report = self.session.report
        results = [r for r in (report.results if report is not None else []) if r.area == "leakage"]
        if not results:
            self.show_message("No leakage check ran in this audit (the leakage checks are not available yet, or the scan has not finished).")
            return
        self.reset()
        checks = RecordsModel([
            Column("status", lambda r: str(r.status), width=90, colour=lambda r: STATUS_COLOURS.get(str(r.status))),
            Column("check", lambda r: r.check_id, tooltip=lambda r: check_help(r.check_id), width=190),
            Column("value", lambda r: short(r.value, 40), width=90),
            Column("verdict", lambda r: r.message, tooltip=lambda r: r.recommendation),
        ], results)
        checks_view = table(checks)
        checks_view.setObjectName("leakageChecks")
        fit_rows(checks_view)
        self.content.addWidget(checks_view)
        from mlaudit.checks.leakage.findings import leak_findings

        findings = leak_findings(results)
        self.content.addWidget(label(f"Findings ({len(findings)})", "sectionTitle"))
        split = QSplitter(Qt.Orientation.Vertical)
        if findings:
            self.findings = RecordsModel([
                Column("check", lambda f: f.check_id, width=170, tooltip=lambda f: check_help(f.check_id)),
                Column("severity", lambda f: f.severity, width=80, colour=lambda f: STATUS_COLOURS.get(f.severity)),
                Column("where", lambda f: ":".join(str(x) for x in (f.path, f"cell {f.cell}" if f.cell is not None else None, f.line) if x),
                       width=260),
                Column("finding", lambda f: f.message, tooltip=lambda f: "\n".join(e.get("detail", "") for e in f.evidence)),
            ], findings)
            view = table(self.findings)
            view.setObjectName("leakageFindings")
            view.selectionModel().currentRowChanged.connect(self._open)
            split.addWidget(view)
            view.selectRow(0)
        else:
            none = label("No leakage finding: every leakage check passed, does not apply, or could not measure (see above).", "notice")
            none.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            split.addWidget(none)
        pane = QWidget()
        box = QVBoxLayout(pane)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.viewer_title)
        box.addWidget(self.viewer, 1)
        split.addWidget(pane)
        pane.setVisible(bool(findings))  # no finding: no empty code pane under the explanation
        self.content.addWidget(split, 1)
        store = self.store()
        if store is not None and report is not None:
            from mlaudit.store.session_queries import scan_errors

            rows = scan_errors(store, report.provenance.scan_id, "leakage")
            if rows:
                self.content.addWidget(label("Not analysed: " + "; ".join(f"{p}: {why}" for p, why in rows[:10]), "viewSubtitle"))

    def _open(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        finding = self.findings.record(current.row())
        if not finding.path:
            self.viewer_title.setText(finding.message)
            self.viewer.setPlainText("\n".join(e.get("detail", "") for e in finding.evidence))
            return
        ev = Evidence(finding.message, finding.path, finding.line, None, finding.cell)
        root = self.session.root
        self.pool.submit("evidence", lambda progress: load_evidence(root, ev, progress), self._shown)

    def _shown(self, shown: EvidenceText) -> None:
        self.viewer_title.setText(shown.title)
        self.viewer.show_text(shown)
