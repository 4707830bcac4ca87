"""One line of prices for the ticket's symbol: bid, ask and last, and how old they are once they are stale."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from app.engine.clock import Clock
from app.engine.prices import Quote, ReferencePrices
from app.ui.order_text import px_text

STALE_AFTER = timedelta(seconds=5)
"""A quote older than this is shown with its age, in amber."""
_STALE_STYLE = "color: #d97706; font-weight: bold;"


class QtQuoteLine(QLabel):
    """The latest quote of one symbol, re-read when quotes arrive and every second for its age."""

    def __init__(self, prices: ReferencePrices, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticket_quote")
        self._prices, self._clock = prices, clock
        self._symbol = ""
        self._ager = QTimer(self, interval=1000)
        self._ager.timeout.connect(self.refresh)
        self._ager.start()

    def show_symbol(self, symbol: str) -> None:
        """Follow ``symbol`` from now on."""
        self._symbol = symbol.strip()
        self.refresh()

    def on_quotes(self, quotes: list[Quote]) -> None:
        """New quotes arrived: re-read if one is for this symbol."""
        if any(quote.symbol == self._symbol for quote in quotes):
            self.refresh()

    def refresh(self) -> None:
        """Show the symbol's latest quote, with its age when it is stale."""
        quote = self._prices.quote(self._symbol) if self._symbol else None
        if quote is None:
            self.setText(f"No price yet for {self._symbol}." if self._symbol else "")
            self.setStyleSheet("")
            return
        text = f"Bid {px_text(quote.bid) or '—'} · Ask {px_text(quote.ask) or '—'} · Last {px_text(quote.last) or '—'}"
        age = quote.age(self._clock.now())
        stale = age > STALE_AFTER
        self.setText(text + (f" · stale: {age.total_seconds():.0f} s old" if stale else ""))
        self.setStyleSheet(_STALE_STYLE if stale else "")
