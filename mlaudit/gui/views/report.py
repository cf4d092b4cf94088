"""Report: a preview of the audit report and export to every format (rendered in the worker pool)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QTextBrowser

from mlaudit.gui.views.base import View
from mlaudit.gui.widgets import label

FILTERS = {"html": "HTML (*.html)", "pdf": "PDF (*.pdf)", "md": "Markdown (*.md)", "json": "JSON (*.json)"}


def render_preview(report: Any, progress: Any) -> str:
    """The report as Markdown for the preview pane (worker thread)."""
    progress.update("report", 0, 0, "rendering the preview")
    from mlaudit.report import render

    text = render(report, "md").decode("utf-8")
    # Qt's Markdown reader ignores HTML blocks: fold <details> sections into plain headings.
    text = re.sub(r"<details>\s*<summary>(.*?)</summary>", r"\n#### \1\n", text)
    # Qt also numbers a list item's hard-broken second line ("  \n   _why_") as an item of its own: join it
    text = re.sub(r" {2}\n +_(.+?)_$", lambda m: f" \u2014 *{m.group(1)}*", text, flags=re.MULTILINE)
    return text.replace("</details>", "")


def export_report(report: Any, fmt: str, path: Path, progress: Any) -> Path:
    progress.update("export", 0, 0, f"writing {fmt} to {path}")
    from mlaudit.report import write_report

    return write_report(report, fmt, path)


class ReportView(View):
    name = "report"
    title = "Report"
    subtitle = "The audit report as exported (preview in Markdown); export to HTML, PDF, Markdown or JSON."

    exported = Signal(str, str)  # format, path

    def reload(self) -> None:
        report = self.session.report
        import mlaudit.report as report_module

        if report is None:
            self.show_message(self.session.report_error or "No audit to report yet: scan first (F5).",
                              error=self.session.report_error is not None)
            return
        self.reset()
        bar = QHBoxLayout()
        formats = report_module.FORMATS
        for fmt in formats:
            button = QPushButton(f"Export {fmt.upper()}\u2026")
            button.setObjectName(f"export_{fmt}")
            button.setToolTip(f"Write the report as {FILTERS.get(fmt, fmt)}")
            button.clicked.connect(lambda _=False, f=fmt: self.choose_export(f))
            bar.addWidget(button)
        bar.addStretch(1)
        self.content.addLayout(bar)
        self.status = label("", "viewSubtitle")
        self.content.addWidget(self.status)
        self.preview = QTextBrowser()
        self.preview.setObjectName("reportPreview")
        self.preview.setOpenExternalLinks(False)
        self.preview.setPlainText("rendering the preview\u2026")
        self.content.addWidget(self.preview, 1)
        self.pool.submit("report", lambda progress: render_preview(report, progress), self.preview.setMarkdown)

    def choose_export(self, fmt: str) -> None:
        default = Path.home() / f"mlaudit-{self.session.name}.{fmt}"
        path, _ = QFileDialog.getSaveFileName(self, f"Export the report as {fmt.upper()}", str(default), FILTERS.get(fmt, ""))
        if path:
            self.export(fmt, Path(path))

    def export(self, fmt: str, path: Path) -> None:
        """Render and write the report in the pool; ``exported`` fires when the file is in place."""
        report = self.session.report
        self.status.setText(f"writing {path}\u2026")
        self.pool.submit(f"export-{fmt}", lambda progress: export_report(report, fmt, path, progress),
                         lambda written: self._written(fmt, written))

    def _written(self, fmt: str, path: Path) -> None:
        self.status.setText(f"Wrote {fmt.upper()} report to {path} ({path.stat().st_size // 1024} KB).")
        self.exported.emit(fmt, str(path))
