"""A form's message under a field: wrapped to the width it is given, always tall enough for every line, and taking
no room while it says nothing.

A plain word-wrapping ``QLabel`` in a grid inside a dock is given the height its size hint guessed for some other
width, so a long message at a narrow width loses its last lines. This label asks for the height its text needs at
the width it actually got, each time that width changes.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget


class QtMessageLabel(QLabel):
    """Wrapped words in ``style`` (a style sheet), shown only while there are some."""

    def __init__(self, style: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(style)
        self.setVisible(False)

    def say(self, text: str) -> None:
        """Show ``text`` whole (an empty text hides the label)."""
        self.setText(text)
        self.setVisible(bool(text))
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """A new width may need another number of lines: ask for their height."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        needed = self.heightForWidth(self.width()) if self.text() else 0
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)
