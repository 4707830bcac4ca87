"""A one-line label that never widens or heightens its form: text too long for it ends in "…", in full as tooltip.

For the messages beside a form's fields: a wrapped message grows its row one word a line and pushes the fields
apart, and a long one widens the whole form. This label keeps one line's height whether it says something or not,
asks for the same width whatever it says (and makes do with less), and keeps its full text in ``text()`` and the
tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class QtElidedLabel(QLabel):
    """One line of text, cut with "…" where it does not fit; the full text is the tooltip."""

    def __init__(self, wanted_width: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wanted_width = wanted_width
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        """Show ``text`` (elided to fit) and offer it whole as the tooltip."""
        super().setText(text)
        self.setToolTip(text)

    def shown_text(self) -> str:
        """The text as drawn at the label's width now: whole, or cut with "…"."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """The width it was made wanting, whatever it says; one line high, said or not."""
        return QSize(self._wanted_width, self.fontMetrics().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """No width at all if the form is narrow (then every message is cut); one line high."""
        return QSize(0, self.fontMetrics().height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the text on one line, elided to the width there is."""
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.contentsRect(), align, self.shown_text())
        painter.end()
