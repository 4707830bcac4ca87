"""Light and dark themes: style sheets kept in ``resources/themes``, applied to a window by name."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QWidget

THEMES_DIR = Path(__file__).resolve().parents[2] / "resources" / "themes"


class Theme(Enum):
    """The desktop's themes; the value names the style sheet file."""

    LIGHT = "light"
    """Dark text on light backgrounds (the default)."""
    DARK = "dark"
    """Light text on dark backgrounds."""

    @classmethod
    def named(cls, name: object) -> Theme:
        """The theme a saved setting names; light for anything unknown (an old or hand-edited setting)."""
        return next((theme for theme in cls if theme.value == name), cls.LIGHT)


def apply_theme(widget: QWidget, theme: Theme) -> None:
    """Style ``widget`` and everything in it with ``theme``'s style sheet."""
    widget.setStyleSheet((THEMES_DIR / f"{theme.value}.qss").read_text(encoding="utf-8"))
