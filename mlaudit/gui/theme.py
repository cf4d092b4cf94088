"""Light and dark themes following the system: a Fusion palette plus the numbered stylesheets."""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

THEME_CHOICES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Theme:
    """Named colours used by the palette and by the stylesheet placeholders."""

    name: str
    background: str
    surface: str
    alternate: str
    header: str
    sidebar: str
    hover: str
    foreground: str
    muted: str
    border: str
    accent: str
    accent_hover: str
    error_bg: str
    error_fg: str
    diff_add: str
    diff_del: str
    highlight_line: str

    def values(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


LIGHT = Theme("light", "#f5f6f8", "#ffffff", "#f3f6fa", "#eceff3", "#eef1f5", "#dde3ea", "#1f2328", "#5c6670",
              "#d0d7de", "#1565c0", "#1e7ad9", "#fdecea", "#b71c1c", "#e6f4ea", "#fdecea", "#fff3c4")
DARK = Theme("dark", "#1e2126", "#262a30", "#2c3138", "#30353c", "#22262b", "#353b43", "#e6e8eb", "#9aa4ae",
             "#3d444d", "#4c8fe0", "#62a0ea", "#4a1f1f", "#ff8a80", "#1f3a27", "#4a1f1f", "#4a4220")


_current = LIGHT  # the theme last applied (read by views and by chart workers)


def current() -> Theme:
    """The theme in force (light until ``apply_theme`` chose another)."""
    return _current


def readable(colour: str) -> QColor:
    """A status/role text colour made legible on the current background (lightened on the dark theme)."""
    c = QColor(colour)
    if _current is DARK:
        h, s, lightness, a = c.hslHueF(), c.hslSaturationF(), c.lightnessF(), c.alphaF()
        if lightness < 0.68:
            c.setHslF(max(h, 0.0), min(s, 0.8), 0.68, a)
    return c


def system_is_dark() -> bool:
    """True when the platform asks for a dark colour scheme."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def pick_theme(choice: str) -> Theme:
    if choice == "dark" or (choice == "system" and system_is_dark()):
        return DARK
    return LIGHT


def stylesheet(theme: Theme) -> str:
    """The numbered .qss files joined in order, placeholders replaced by the theme's colours."""
    folder = importlib.resources.files("mlaudit.resources").joinpath("styles")
    parts = sorted((p for p in folder.iterdir() if p.name.endswith(".qss")), key=lambda p: p.name)
    text = "\n".join(p.read_text(encoding="utf-8") for p in parts)
    values = theme.values()
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: values.get(m.group(1), m.group(0)), text)


def palette(theme: Theme) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    for r, colour in (
        (role.Window, theme.background), (role.WindowText, theme.foreground), (role.Base, theme.surface),
        (role.AlternateBase, theme.alternate), (role.Text, theme.foreground), (role.Button, theme.header),
        (role.ButtonText, theme.foreground), (role.ToolTipBase, theme.surface), (role.ToolTipText, theme.foreground),
        (role.Highlight, theme.accent), (role.HighlightedText, "#ffffff"), (role.Link, theme.accent),
        (role.PlaceholderText, theme.muted),
    ):
        pal.setColor(r, QColor(colour))
    pal.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(theme.muted))
    pal.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(theme.muted))
    return pal


def apply_theme(app: QApplication, choice: str = "system") -> Theme:
    """Style the whole application; return the theme in force."""
    global _current
    theme = _current = pick_theme(choice)
    app.setStyle("Fusion")
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme))
    return theme


def icon(name: str) -> QIcon:
    """An SVG icon from resources/icons (``app`` gives the application icon when it exists)."""
    base = importlib.resources.files("mlaudit.resources").joinpath("icons")
    path = base.joinpath("app", "mlaudit.svg") if name == "app" else base.joinpath(f"{name}.svg")
    if not path.is_file():
        return QIcon()
    pix = QPixmap()
    pix.loadFromData(path.read_bytes(), "SVG")
    return QIcon(pix)
