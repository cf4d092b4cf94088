"""Export a matplotlib Figure as inline SVG text (HTML) or PNG bytes (PDF, GUI), without pyplot."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

_SVG_RC: dict[RcKeyType, Any] = {"svg.fonttype": "none", "svg.hashsalt": "mlaudit"}  # text stays text; ids are deterministic
SVG_TITLE_PREFIX = "svg-title:"  # a Text with gid SVG_TITLE_PREFIX + s gets s as its SVG <title> (a tooltip)


def figure_to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element to inline in HTML (no XML prolog, scales to its container)."""
    buf = io.StringIO()
    with matplotlib.rc_context(_SVG_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 role="img" style="max-width:100%;height:auto"', text, count=1)
    return re.sub(f'<g id="{SVG_TITLE_PREFIX}([^"]*)">', r"<g><title>\1</title>", text)


def figure_to_png(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
