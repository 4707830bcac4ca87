"""Reference prices: the latest quote per symbol, with the time it arrived, for risk checks and marks.

The market-data sessions write quotes in; the risk gate reads them for price bands (and fails closed when
a quote is older than it allows); positions are marked at ``mark``. Nothing here knows about FIX.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Quote:
    """Best bid, best offer and last trade for one symbol, as of ``ts`` (when the desk received it)."""

    symbol: str
    bid: Decimal | None
    ask: Decimal | None
    last: Decimal | None
    ts: datetime
    venue: str = ""

    @property
    def mark(self) -> Decimal | None:
        """The price to value a position at: the mid when both sides are quoted, else the last trade."""
        if self.bid is not None and self.ask is not None:
            return (self.bid + self.ask) / 2
        return self.last

    def age(self, now: datetime) -> timedelta:
        """How old this quote is at ``now``."""
        return now - self.ts


class ReferencePrices(Protocol):
    """Where the desk reads the latest price of a symbol."""

    def quote(self, symbol: str) -> Quote | None:
        """The latest quote for ``symbol``, or None if none has arrived."""
        ...


class PriceBook:
    """The latest quote per symbol, and who to tell when quotes change."""

    def __init__(self) -> None:
        self._quotes: dict[str, Quote] = {}
        self._by_venue: dict[str, dict[str, Quote]] = {}
        self._listeners: list[Callable[[list[Quote]], None]] = []

    def quote(self, symbol: str) -> Quote | None:
        """The latest quote for ``symbol``."""
        return self._quotes.get(symbol)

    def venue_quotes(self, symbol: str) -> dict[str, Quote]:
        """The latest quote for ``symbol`` from each venue that has quoted it (for smart routing)."""
        return self._by_venue.get(symbol, {})

    def symbols(self) -> list[str]:
        """Every symbol with a quote, sorted."""
        return sorted(self._quotes)

    def update(self, quotes: Iterable[Quote], *, reference: bool = True) -> None:
        """Take a batch of new quotes and tell each listener once.

        Quotes that are not the ``reference`` (a venue's own feed while a consolidated feed gives the desk's
        prices) are kept per venue for smart routing only: they neither change ``quote`` nor reach the listeners,
        so marks, risk and the watchlist do not flip between venues.
        """
        batch = list(quotes)
        for quote in batch:
            if reference:
                self._quotes[quote.symbol] = quote
            self._by_venue.setdefault(quote.symbol, {})[quote.venue] = quote
        if batch and reference:
            for listener in self._listeners:
                listener(batch)

    def subscribe(self, listener: Callable[[list[Quote]], None]) -> None:
        """Call ``listener`` with each batch of new quotes."""
        self._listeners.append(listener)
