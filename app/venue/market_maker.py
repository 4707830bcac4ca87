"""Simulated liquidity: seeded market makers quoting both sides of a book around a randomly walking mid.

Each `step()` moves the mid a few ticks at random, pulls the maker's quotes and posts fresh ones several
levels deep with random sizes, so prices move and a client order fills in pieces across levels. All
randomness comes from ``random.Random(seed)``: the same seed and the same book give the same quotes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from app.engine.enums import Side
from app.engine.ids import ClOrdId
from app.venue.book import OrderBook
from app.venue.orders import NewOrder, OwnerId
from app.venue.results import Result


@dataclass(frozen=True, slots=True)
class QuoteShape:
    """How a market maker quotes: depth, spacing, sizes and how far its mid may move per step."""

    levels: int = 5
    """Quotes per side."""
    half_spread_ticks: int = 1
    """Ticks from the mid to the best quote on each side."""
    level_ticks: int = 1
    """Ticks between neighbouring quotes on one side."""
    min_lots: int = 1
    """Smallest quote, in lots."""
    max_lots: int = 10
    """Largest quote, in lots."""
    walk_ticks: int = 2
    """The mid moves by a whole number of ticks in [-walk_ticks, walk_ticks] per step."""


class MarketMaker:
    """One seeded participant that keeps a ladder of quotes on both sides of one book."""

    def __init__(
        self, book: OrderBook, owner: OwnerId, seed: int, mid: Decimal, shape: QuoteShape | None = None
    ) -> None:
        self.book = book
        self.owner = owner
        self.shape = shape or QuoteShape()
        self._rng = random.Random(seed)
        self._mid = (mid / book.tick).to_integral_value() * book.tick
        self._count = 0

    @property
    def mid(self) -> Decimal:
        """The price the maker quotes around."""
        return self._mid

    def step(self) -> list[Result]:
        """Move the mid, pull the old quotes and post new ones; returns everything that happened. While the book is
        halted the maker stands still: its quotes rest as they are, as every other order does."""
        if self.book.halted:
            return []
        self._walk()
        out = self.book.cancel_all(self.owner)
        out.extend(self.quote())
        return out

    def quote(self) -> list[Result]:
        """Post one ladder of quotes around the current mid, bids and asks alternating from the inside."""
        shape, tick = self.shape, self.book.tick
        out: list[Result] = []
        for i in range(shape.levels):
            offset = tick * (shape.half_spread_ticks + i * shape.level_ticks)
            out.extend(self._post(Side.BUY, self._mid - offset))
            out.extend(self._post(Side.SELL, self._mid + offset))
        return out

    def _walk(self) -> None:
        shape, tick = self.shape, self.book.tick
        self._mid += tick * self._rng.randint(-shape.walk_ticks, shape.walk_ticks)
        floor = tick * (shape.half_spread_ticks + shape.levels * shape.level_ticks + 1)
        self._mid = max(self._mid, floor)

    def _post(self, side: Side, price: Decimal) -> list[Result]:
        shape = self.shape
        qty = self.book.lot * self._rng.randint(shape.min_lots, shape.max_lots)
        self._count += 1
        cl_ord_id = ClOrdId(f"{self.owner}-{self._count}")
        return self.book.submit(NewOrder(self.owner, cl_ord_id, self.book.symbol, side, qty, price=price))
