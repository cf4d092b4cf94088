"""Render the application icon (resources/icons/app/mlaudit.svg) to PNGs at the freedesktop sizes.

Usage: python packaging/gen_icons.py [OUT_DIR]   (default: packaging/build/icons)
Writes OUT_DIR/hicolor/<n>x<n>/apps/io.github.mlaudit.mlaudit.png and OUT_DIR/mlaudit.png (256 px).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ID = "io.github.mlaudit.mlaudit"
ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app" / "mlaudit.svg"


def render(out: Path) -> list[Path]:
    """Render every size with Qt's SVG renderer (offscreen); return the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(target))
        written.append(target)
        if size == 256:
            image.save(str(out / "mlaudit.png"))
            written.append(out / "mlaudit.png")
    del app
    return written


if __name__ == "__main__":
    destination = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "packaging" / "build" / "icons"
    for path in render(destination):
        print(path)
