"""Prices to the screen: the price book's batches in, at most ``max_rate`` coalesced Qt signals a second out.

Quotes can come far faster than anyone can read them; what waits is only the latest quote per symbol, so
a burst costs one dictionary write per quote and the views repaint once per flush.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.engine.prices import PriceBook, Quote
from app.ui.throttle import Throttle


class PriceBridge(QObject):
    """Subscribes to ``prices`` and re-emits the latest quote of each symbol that moved, coalesced."""

    quotesChanged = Signal(object)  # noqa: N815 - Qt signal naming
    """The latest ``Quote`` of each symbol that changed since the last emit, each once: one list, the same to every
    slot (as the engine bridge's, read and never changed)."""

    def __init__(self, prices: PriceBook, *, max_rate: float = 30.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prices = prices
        self._waiting: dict[str, Quote] = {}
        self._throttle = Throttle(self._emit, max_rate, self)
        self.emits = 0
        """How many times the bridge has emitted."""
        prices.subscribe(self._on_quotes)

    @property
    def idle(self) -> bool:
        """Whether every quote the book published has been emitted."""
        return not (self._waiting or self._throttle.waiting)

    def flush(self) -> None:
        """Emit every quote gathered so far, now."""
        self._throttle.fire()

    def _on_quotes(self, quotes: list[Quote]) -> None:
        waiting = self._waiting
        for quote in quotes:
            waiting[quote.symbol] = quote
        self._throttle.poke()

    def _emit(self) -> None:
        if self._waiting:
            quotes, self._waiting = list(self._waiting.values()), {}
            self.emits += 1
            self.quotesChanged.emit(quotes)
