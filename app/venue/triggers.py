"""Orders waiting on something other than a counterparty: stops waiting for a price, GTD orders for a time.

Both are heaps with lazy deletion: a canceled or replaced order's old entry stays in the heap and is
skipped when it reaches the top. The order in which stops trigger is fixed, following the path the price
took to get there: buy stops lowest stop price first, sell stops highest first, ties by arrival; when a
buy stop and a sell stop are both reached, the one that arrived first goes first.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from decimal import Decimal

from app.venue.orders import RestingOrder


class StopQueue:
    """Untriggered stops and stop-limits: buy stops by lowest stop price, sell stops by highest."""

    __slots__ = ("_buys", "_sells")

    def __init__(self) -> None:
        self._buys: list[tuple[Decimal, int, RestingOrder]] = []
        self._sells: list[tuple[Decimal, int, RestingOrder]] = []

    def push(self, order: RestingOrder) -> None:
        """Wait for ``order``'s stop price; call again after a replace changes it."""
        assert order.stop_px is not None
        if order.is_buy:
            heapq.heappush(self._buys, (order.stop_px, order.seq, order))
        else:
            heapq.heappush(self._sells, (-order.stop_px, order.seq, order))

    def pop_triggered(self, last: Decimal) -> RestingOrder | None:
        """The next stop that ``last`` triggers (buy: last >= stop, sell: last <= stop), removed."""
        buy = _top(self._buys)
        sell = _top(self._sells)
        buy_seq = buy[1] if buy is not None and last >= buy[0] else None
        sell_seq = sell[1] if sell is not None and last <= -sell[0] else None
        if buy_seq is not None and (sell_seq is None or buy_seq < sell_seq):
            return heapq.heappop(self._buys)[2]
        if sell_seq is not None:
            return heapq.heappop(self._sells)[2]
        return None


def _top(heap: list[tuple[Decimal, int, RestingOrder]]) -> tuple[Decimal, int, RestingOrder] | None:
    while heap:
        entry = heap[0]
        order = entry[2]
        if order.waits_for_trigger and order.seq == entry[1]:
            return entry
        heapq.heappop(heap)
    return None


class ExpiryQueue:
    """GTD orders by expiry time, then arrival."""

    __slots__ = ("_heap",)

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, RestingOrder]] = []

    def push(self, order: RestingOrder) -> None:
        """Expire ``order`` at its ``expire_at``."""
        assert order.expire_at is not None
        heapq.heappush(self._heap, (order.expire_at, order.seq, order))

    def pop_due(self, now: datetime) -> RestingOrder | None:
        """The next live order whose expiry time is at or before ``now``, removed."""
        heap = self._heap
        while heap and heap[0][0] <= now:
            order = heapq.heappop(heap)[2]
            if order.live:
                return order
        return None
