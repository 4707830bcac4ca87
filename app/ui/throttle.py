"""At most so many calls a second: the coalescing rule every engine-to-screen bridge follows.

``poke`` says there is something to show. The first poke after a quiet spell calls ``flush`` at the loop's
next turn, not inside the poke: the engine's batch that poked returns first, so the batch and the screen's
update are two short pauses of the event loop rather than one long one. Pokes that come faster than
``max_rate`` a second are held by one timer and answered by one ``flush`` when it fires, which shows
everything gathered since.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QObject, QTimer


class Throttle(QObject):
    """Calls ``flush`` after each ``poke``, at most ``max_rate`` times a second."""

    def __init__(self, flush: Callable[[], None], max_rate: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._flush = flush
        self._interval_ms = max(1, round(1000 / max_rate))
        self._since = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fire)

    @property
    def waiting(self) -> bool:
        """Whether a held flush is still to come."""
        return self._timer.isActive()

    def poke(self) -> None:
        """Something new to show: flush at the loop's next turn, or when the interval since the last flush is up."""
        if self._timer.isActive():
            return
        waited = self._since.elapsed() if self._since.isValid() else self._interval_ms
        self._timer.start(max(0, self._interval_ms - waited))

    def fire(self) -> None:
        """Flush now (and drop any held flush)."""
        self._timer.stop()
        self._since.start()
        self._flush()
