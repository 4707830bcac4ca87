"""What the charts plot, gathered without Qt: bounded series of (time, value) points, appended as things happen.

Charts draw floats; these are display points only (seconds since the epoch, prices and P&L as floats), never
amounts anyone computes with. Every series is bounded, so a day of ticks costs a fixed amount of memory, and
appending is all the work done per tick: the charts redraw on their own timers.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from app.engine.events import ExecutionApplied, OrderSubmitted, RequestRejected
from app.engine.ids import OrderId
from app.engine.positions import Positions
from app.engine.prices import PriceBook, Quote

if TYPE_CHECKING:
    from datetime import datetime

    from app.engine.engine import ChangeSet

PRICE_POINTS = 20_000
"""Price points kept per symbol."""
PNL_POINTS = 28_800
"""P&L samples kept (eight hours at one a second)."""
LATENCY_POINTS = 5_000
"""Ack latencies kept per venue."""


class Series:
    """The latest ``size`` points of one line."""

    __slots__ = ("xs", "ys")

    def __init__(self, size: int) -> None:
        self.xs: deque[float] = deque(maxlen=size)
        self.ys: deque[float] = deque(maxlen=size)

    def append(self, x: float, y: float) -> None:
        """Add one point at the end (the oldest drops off when full)."""
        self.xs.append(x)
        self.ys.append(y)

    def __len__(self) -> int:
        return len(self.xs)


class PriceHistory:
    """Each symbol's mark through the session, from every quote the price book takes."""

    def __init__(self, prices: PriceBook, size: int = PRICE_POINTS) -> None:
        self.size = size
        self.by_symbol: dict[str, Series] = {}
        self.changes = 0
        """Counts appends, so a chart can tell whether anything is new since it last drew."""
        prices.subscribe(self._on_quotes)

    def _on_quotes(self, quotes: list[Quote]) -> None:
        for quote in quotes:
            mark = quote.mark
            if mark is not None:
                series = self.by_symbol.get(quote.symbol)
                if series is None:
                    series = self.by_symbol[quote.symbol] = Series(self.size)
                series.append(quote.ts.timestamp(), float(mark))
        self.changes += 1


class PnlHistory:
    """Realised and total (realised + unrealised at the marks) P&L across every position, sampled."""

    def __init__(self, size: int = PNL_POINTS) -> None:
        self.realised = Series(size)
        self.total = Series(size)

    def sample(self, positions: Positions, at: datetime) -> None:
        """Take one sample of ``positions`` as they stand ``at``; a position with no mark adds no unrealised."""
        realised = positions.total_realized()
        unrealised = positions.total_unrealized()
        x = at.timestamp()
        self.realised.append(x, float(realised))
        self.total.append(x, float(realised + unrealised))


class AckLatencies:
    """Per venue: milliseconds from each order's OrderSubmitted to the venue's first answer to it."""

    def __init__(self, size: int = LATENCY_POINTS) -> None:
        self.size = size
        self.by_venue: dict[str, Series] = {}
        self.changes = 0
        self._waiting: dict[OrderId, tuple[datetime, str]] = {}

    def take(self, changes: ChangeSet) -> None:
        """Follow one committed change set: note orders sent, time the first answer to each."""
        waiting = self._waiting
        for recorded in changes.recorded:
            event = recorded.event
            if isinstance(event, OrderSubmitted):
                waiting[event.order_id] = (recorded.ts, event.spec.destination)
            elif isinstance(event, ExecutionApplied | RequestRejected) and event.order_id in waiting:
                sent, venue = waiting.pop(event.order_id)
                series = self.by_venue.get(venue)
                if series is None:
                    series = self.by_venue[venue] = Series(self.size)
                millis = (recorded.ts - sent).total_seconds() * 1000
                series.append(recorded.ts.timestamp(), millis)
                self.changes += 1
