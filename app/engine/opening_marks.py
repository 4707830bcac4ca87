"""Each trading day's opening mark per symbol: the price positions carried into the day are measured from.

``OpeningMarks`` follows the price book. At the first mark of a trading day for a symbol some account has
a position in, it records a ``DayOpeningMark``: the last mark it saw before the roll (the prior close, as
the desk saw it) or, when it saw none (the desk started after the roll), that first mark of the day. The
mark is an event, so the day's P&L (app/engine/risk/daily_pnl.py) measures from the same price after any
restart; a symbol already given its mark for the day (in the log) is not given another.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from app.engine.events import DayOpeningMark
from app.engine.prices import PriceBook, Quote

if TYPE_CHECKING:
    from app.engine.engine import Engine


class OpeningMarks:
    """Records each held symbol's opening mark at its first mark of each trading day."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._last: dict[str, tuple[date, Decimal, datetime]] = {}
        """symbol -> the trading day, price and time of the last mark seen."""
        self._settled: dict[str, date] = {}
        """symbol -> the trading day it was last looked at (marked, or held by no one)."""

    def follow(self, prices: PriceBook) -> None:
        """From now on, take each quote's mark from ``prices``; subscribe before the kill triggers watch marks."""
        prices.subscribe(self._on_quotes)

    def _on_quotes(self, quotes: list[Quote]) -> None:
        book = self.engine.book  # looked up each time: a reload replaces the projections
        now = self.engine.clock.now()
        today = book.daily.day_of(now, book.limits.day_roll())
        marks: list[DayOpeningMark] = []
        held: set[str] | None = None
        for quote in quotes:
            px = quote.mark
            if px is None:
                continue
            symbol = quote.symbol
            before = self._last.get(symbol)
            self._last[symbol] = (today, px, now)
            if self._settled.get(symbol) == today:
                continue
            self._settled[symbol] = today
            if book.daily.opened(symbol, today):
                continue
            if held is None:
                held = {s for (_, s), position in book.positions.by_key.items() if position.traded}
            if symbol not in held:
                continue  # never traded: whatever is opened today starts flat
            if before is not None and before[0] < today:
                marks.append(
                    DayOpeningMark(
                        symbol,
                        today.isoformat(),
                        before[1],
                        f"prior close: the last mark before the roll, at {before[2]:%Y-%m-%d %H:%M:%S %Z}",
                    )
                )
            else:
                marks.append(DayOpeningMark(symbol, today.isoformat(), px, "first mark of the day"))
        if marks:
            self.engine.record_opening_marks(marks)
