"""The small window shown while the desktop starts: what the engine is doing (loading the saved book, replaying
the order log) and how far it has got, so a long replay is not a blank wait before the main window.

The engine rebuilds its book on the GUI thread and reports every few thousand events; each report repaints
this window at once (``repaint``, not an event-loop pass: nothing else may run in the middle of the replay).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget


class QtStartProgress(QWidget):
    """A frameless box saying what the start-up is doing, with a bar for how far it has got."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
        self.setWindowTitle("OEMS is starting")
        self.said = QLabel("Starting the venue sessions…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until there is something to count
        column = QVBoxLayout(self)
        column.addWidget(QLabel("<b>OEMS</b>"))
        column.addWidget(self.said)
        column.addWidget(self.bar)
        self.setMinimumWidth(420)

    def report(self, what: str, done: int, total: int) -> None:
        """Show ``what`` is happening, ``done`` of ``total`` (the engine's ``progress`` callback)."""
        self.said.setText(f"{what}: {done:,} of {total:,}" if total > 1 else f"{what}…")
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))
        if self.isVisible():
            self.repaint()
