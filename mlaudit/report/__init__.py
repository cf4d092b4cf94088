"""Reports: one report model built from the store, rendered as HTML, PDF, Markdown, JSON, SARIF and CycloneDX; charts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlaudit.core.errors import MlauditError

if TYPE_CHECKING:
    from mlaudit.report.model import Report, build_report


def __getattr__(name: str) -> Any:
    """``Report`` and ``build_report`` load the report model on first use (a no-op rescan never needs it)."""
    if name in ("Report", "build_report"):
        from mlaudit.report import model

        return getattr(model, name)
    raise AttributeError(f"module 'mlaudit.report' has no attribute {name!r}")

FORMATS = ("html", "pdf", "md", "json", "sarif", "cyclonedx")


def render(report: Report, fmt: str) -> bytes:
    """The report in ``fmt`` (one of FORMATS) as bytes."""
    if fmt == "html":
        from mlaudit.report.html import render_html
        return render_html(report)
    if fmt == "pdf":
        from mlaudit.report.pdf import render_pdf
        return render_pdf(report)
    if fmt == "md":
        from mlaudit.report.md import render_md
        return render_md(report)
    if fmt == "json":
        from mlaudit.report.json import render_json
        return render_json(report)
    if fmt == "sarif":
        from mlaudit.report.sarif import render_sarif
        return render_sarif(report)
    if fmt == "cyclonedx":
        from mlaudit.report.cyclonedx import render_cyclonedx
        return render_cyclonedx(report)
    raise MlauditError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_report(report: Report, fmt: str, path: str | os.PathLike[str]) -> Path:
    """Render and write atomically (a temporary file renamed into place)."""
    data = render(report, fmt)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise MlauditError(f"cannot write the report to {path}: {exc.strerror}; choose a writable location with -o") from exc
    return path


__all__ = ["FORMATS", "Report", "build_report", "render", "write_report"]
