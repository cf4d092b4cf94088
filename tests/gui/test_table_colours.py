"""Table cells: a column's status colour is drawn through the theme, so it stays legible on the dark theme."""

from __future__ import annotations

import pytest


@pytest.fixture
def dark(qapp):
    """The dark theme in force for one test, the light one restored after it."""
    from mlaudit.gui.theme import apply_theme

    yield apply_theme(qapp, "dark")
    apply_theme(qapp, "light")


def test_foreground_of_a_coloured_column_is_the_theme_adjusted_colour(qapp, dark):
    """On the dark theme a dark green 'pass' cell is painted light (the theme's readable colour), not as stored."""
    from PySide6.QtCore import Qt

    from mlaudit.gui.theme import readable
    from mlaudit.gui.widgets import STATUS_COLOURS, Column, RecordsModel

    model = RecordsModel([Column("status", lambda r: r["status"], colour=lambda r: STATUS_COLOURS[r["status"]])],
                         [{"status": "pass"}])
    brush = model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == readable(STATUS_COLOURS["pass"]).name()
    assert brush.color().name() != STATUS_COLOURS["pass"]
    assert brush.color().lightnessF() >= 0.65
