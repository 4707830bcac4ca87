"""Positions marked to market: every quote with a mark moves its symbol's mark in the engine's positions.

The mark is the quote's mid (or its last trade); unrealised P&L is read against it. Marks are not events:
they follow the price book as it moves and are never written to the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.engine.prices import PriceBook, Quote

if TYPE_CHECKING:
    from app.engine.engine import Engine


def follow_marks(prices: PriceBook, engine: Engine) -> None:
    """From now on, mark ``engine``'s positions at each new quote's mark."""

    def mark(quotes: list[Quote]) -> None:
        positions = engine.positions  # looked up each time: a reload replaces the projections
        for quote in quotes:
            px = quote.mark
            if px is not None:
                positions.set_mark(quote.symbol, px)

    prices.subscribe(mark)
