"""Light and dark themes: a ``QPalette`` per theme (no application-wide style sheet, which makes every repaint
dearer), and the charts' colours to match, switched live.

The palette is set on the application, so menus, dialogs and message boxes follow it too, and on the window
given, so its widgets repaint at once. Charts (pyqtgraph draws its own background and axes, ignoring the
palette) are repainted in the theme's chart colours: background, axes, ticks, titles and legends.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

STYLE = "Fusion"
"""The Qt style the themes are drawn with: it takes every colour from the palette, on every platform."""


class Theme(Enum):
    """The desktop's themes; the value is the name kept in the settings."""

    LIGHT = "light"
    """Dark text on light backgrounds (the default)."""
    DARK = "dark"
    """Light text on dark backgrounds."""

    @classmethod
    def named(cls, name: object) -> Theme:
        """The theme a saved setting names; light for anything unknown (an old or hand-edited setting)."""
        return next((theme for theme in cls if theme.value == name), cls.LIGHT)


@dataclass(frozen=True, slots=True)
class Colours:
    """One theme's colours (``#rrggbb``). Side and status colours come from app/ui/order_text.py and read on
    both themes' backgrounds."""

    window: str
    """Behind widgets, and the charts' background."""
    base: str
    """Inside tables and text fields."""
    alternate: str
    """Every other table row."""
    text: str
    """Text, and the charts' axes and titles."""
    button: str
    """Buttons, table headers, dock titles, the status bar."""
    selection: str
    selected_text: str
    disabled_text: str
    border: str
    """Grid lines and frames."""


COLOURS: dict[Theme, Colours] = {
    Theme.LIGHT: Colours(
        window="#f8fafc",
        base="#ffffff",
        alternate="#f1f5f9",
        text="#111827",
        button="#e2e8f0",
        selection="#bfdbfe",
        selected_text="#111827",
        disabled_text="#9ca3af",
        border="#cbd5e1",
    ),
    Theme.DARK: Colours(
        window="#1f2329",
        base="#171a1f",
        alternate="#1f242b",
        text="#e5e7eb",
        button="#2b3038",
        selection="#2f4a6d",
        selected_text="#f9fafb",
        disabled_text="#6b7280",
        border="#4b5563",
    ),
}


def palette(theme: Theme) -> QPalette:
    """``theme``'s palette."""
    c = COLOURS[theme]
    result = QPalette()
    role = QPalette.ColorRole
    for roles, colour in (
        ((role.Window, role.ToolTipBase), c.window),
        ((role.Base,), c.base),
        ((role.AlternateBase,), c.alternate),
        ((role.WindowText, role.Text, role.ButtonText, role.ToolTipText, role.BrightText), c.text),
        ((role.Button,), c.button),
        ((role.Highlight,), c.selection),
        ((role.HighlightedText,), c.selected_text),
        ((role.Mid, role.Dark), c.border),
        ((role.PlaceholderText,), c.disabled_text),
    ):
        for each in roles:
            result.setColor(each, QColor(colour))
    for each in (role.WindowText, role.Text, role.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, each, QColor(c.disabled_text))
    result.setColor(QPalette.ColorGroup.Disabled, role.Base, QColor(c.button))
    return result


def apply_theme(widget: QWidget, theme: Theme) -> None:
    """Draw the application, ``widget`` and everything in it (charts included) in ``theme``."""
    app = QApplication.instance()
    assert isinstance(app, QApplication), "themes need a QApplication"
    if app.style().name().lower() != STYLE.lower():
        app.setStyle(STYLE)
    colours = palette(theme)
    app.setPalette(colours)
    widget.setStyleSheet("")
    widget.setPalette(colours)
    for plot in widget.findChildren(pg.PlotWidget):
        paint_chart(plot, COLOURS[theme])


def paint_chart(plot: pg.PlotWidget, colours: Colours) -> None:
    """Draw ``plot``'s background, axes, title and legend in ``colours`` (its curves keep their own)."""
    item = plot.getPlotItem()
    plot.setBackground(colours.window)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(colours.text)
        axis.setTextPen(colours.text)
    title = item.titleLabel
    title.setText(title.text, color=colours.text)
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(colours.text)
        for _sample, label in legend.items:
            label.setText(label.text, color=colours.text)
