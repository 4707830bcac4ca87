"""Where a book finds its orders: by venue order id, by owner and ClOrdID, and which are still live.

Finished orders stay findable for a while, so a late cancel is told "too late" rather than "unknown";
only the most recent ``keep_finished`` of them are kept, so a venue that runs all day (market makers
requote constantly) holds a bounded number of orders.
"""

from __future__ import annotations

from collections import deque

from app.engine.ids import ClOrdId, VenueOrderId
from app.venue.orders import OwnerId, RestingOrder

KEEP_FINISHED = 100_000
"""How many finished orders a book remembers by default."""


class OrderRegistry:
    """The orders of one book."""

    __slots__ = ("_aliases", "_by_client", "_finished", "_orders", "keep_finished", "live")

    def __init__(self, keep_finished: int = KEEP_FINISHED) -> None:
        self.keep_finished = keep_finished
        self.live: dict[VenueOrderId, RestingOrder] = {}
        """Live orders in arrival order (untriggered stops included)."""
        self._orders: dict[VenueOrderId, RestingOrder] = {}
        self._by_client: dict[tuple[OwnerId, ClOrdId], RestingOrder] = {}
        self._aliases: dict[VenueOrderId, list[ClOrdId]] = {}
        self._finished: deque[RestingOrder] = deque()

    def add(self, order: RestingOrder) -> None:
        """Register a newly accepted order."""
        self._orders[order.order_id] = self.live[order.order_id] = order
        self._by_client[(order.owner, order.cl_ord_id)] = order

    def get(self, order_id: VenueOrderId) -> RestingOrder | None:
        """An order by its venue id."""
        return self._orders.get(order_id)

    def by_client(self, owner: OwnerId, cl_ord_id: ClOrdId) -> RestingOrder | None:
        """An owner's order by any ClOrdID it has had."""
        return self._by_client.get((owner, cl_ord_id))

    def rename(self, order: RestingOrder, cl_ord_id: ClOrdId) -> None:
        """Give ``order`` a new ClOrdID (a cancel or replace); the old ones still find it."""
        if cl_ord_id == order.cl_ord_id:
            return
        self._aliases.setdefault(order.order_id, []).append(order.cl_ord_id)
        order.cl_ord_id = cl_ord_id
        self._by_client[(order.owner, cl_ord_id)] = order

    def known(self) -> list[RestingOrder]:
        """Every order still remembered, live or finished, in the order they were added."""
        return list(self._orders.values())

    def earlier_cl_ord_ids(self, order: RestingOrder) -> list[ClOrdId]:
        """The ClOrdIDs ``order`` had before its current one, oldest first."""
        return list(self._aliases.get(order.order_id, ()))

    def finish(self, order: RestingOrder) -> None:
        """``order`` is no longer live; forget the oldest finished order beyond ``keep_finished``."""
        if self.live.pop(order.order_id, None) is None:
            return
        self._finished.append(order)
        if len(self._finished) > self.keep_finished:
            self._forget(self._finished.popleft())

    def _forget(self, order: RestingOrder) -> None:
        del self._orders[order.order_id]
        for cl_ord_id in [order.cl_ord_id, *self._aliases.pop(order.order_id, [])]:
            self._by_client.pop((order.owner, cl_ord_id), None)
