"""The ClOrdIDs a venue has received on each session, with the first request that carried each.

A real venue refuses a request whose ClOrdID (11) its session has already used (a new order with 35=8 150=8 103=6, a
cancel or replace with OrderCancelReject 102=6), in any symbol, unless the request is a possible resend (PossResend 97=Y
or PossDupFlag 43=Y) of the very same request: then it answers without acting twice. This log tells which is which; it
keeps the newest ``KEEP_CL_ORD_IDS`` of each
session, so a venue that runs all day holds a bounded number.
"""

from __future__ import annotations

import dataclasses
from typing import Final

from app.engine.ids import ClOrdId
from app.venue.orders import CancelRequest, NewOrder, ReplaceRequest

KEEP_CL_ORD_IDS: Final = 100_000
"""How many ClOrdIDs the venue remembers per session, newest kept."""

OrderRequest = NewOrder | CancelRequest | ReplaceRequest
"""A request that names itself with a ClOrdID."""


class ClOrdIdLog:
    """Per session, each ClOrdID received and the first request that carried it."""

    def __init__(self, keep: int = KEEP_CL_ORD_IDS) -> None:
        self.keep = keep
        self._first: dict[str, dict[ClOrdId, OrderRequest]] = {}

    def first(self, session: str, cl_ord_id: ClOrdId) -> OrderRequest | None:
        """The first request ``session`` sent with ``cl_ord_id``; None if it has not used that ClOrdID."""
        return self._first.get(session, {}).get(cl_ord_id)

    def remember(self, session: str, request: OrderRequest) -> None:
        """``session`` used ``request.cl_ord_id`` (the first use is the one kept); forget its oldest beyond ``keep``."""
        seen = self._first.setdefault(session, {})
        seen.setdefault(request.cl_ord_id, request)
        if len(seen) > self.keep:
            del seen[next(iter(seen))]


def same_request(first: object, again: OrderRequest) -> bool:
    """Whether ``again`` restates the request ``first`` exactly, the OrderID (37) of a cancel or replace aside: a
    resend may name the order the venue has acknowledged since the first went."""
    if type(first) is not type(again):
        return False
    if isinstance(again, NewOrder) or not isinstance(first, CancelRequest | ReplaceRequest):
        return first == again
    return dataclasses.replace(first, order_id=None) == dataclasses.replace(again, order_id=None)
