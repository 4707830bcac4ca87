"""A venue's matching engine: one order book per listed symbol, sharing the venue's id counters.

Routes each request to its symbol's book and refuses requests for symbols the venue does not list.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.engine.enums import Side
from app.engine.ids import ClOrdId, ExecId
from app.venue.book import OrderBook
from app.venue.orders import CancelRequest, NewOrder, OwnerId, ReplaceRequest, VenueIds
from app.venue.results import Rejected, RejectReason, RequestKind, Result


class MatchingEngine:
    """The books of one venue."""

    def __init__(self, id_prefix: str = "") -> None:
        self._ids = VenueIds(id_prefix)
        self._books: dict[str, OrderBook] = {}

    def list_symbol(self, symbol: str, tick: Decimal, lot: Decimal) -> OrderBook:
        """Open a book for ``symbol`` with its tick size and lot size."""
        if symbol in self._books:
            raise ValueError(f"{symbol} is already listed")
        book = self._books[symbol] = OrderBook(symbol, tick, lot, self._ids)
        return book

    @property
    def ids(self) -> VenueIds:
        """The id counters the books share."""
        return self._ids

    def book(self, symbol: str) -> OrderBook | None:
        """The book for ``symbol``, if the venue lists it."""
        return self._books.get(symbol)

    @property
    def symbols(self) -> list[str]:
        """The listed symbols, sorted."""
        return sorted(self._books)

    def submit(self, order: NewOrder, now: datetime | None = None) -> list[Result]:
        """Send a new order to its symbol's book."""
        book = self._books.get(order.symbol)
        if book is None:
            return [self._unknown(RequestKind.NEW, order.owner, order.cl_ord_id, None, order.symbol)]
        return book.submit(order, now)

    def cancel(self, request: CancelRequest) -> list[Result]:
        """Send a cancel to its symbol's book."""
        book = self._books.get(request.symbol)
        if book is None:
            r = request
            return [self._unknown(RequestKind.CANCEL, r.owner, r.cl_ord_id, r.orig_cl_ord_id, r.symbol)]
        return book.cancel(request)

    def replace(self, request: ReplaceRequest) -> list[Result]:
        """Send a cancel/replace to its symbol's book."""
        book = self._books.get(request.symbol)
        if book is None:
            r = request
            return [self._unknown(RequestKind.REPLACE, r.owner, r.cl_ord_id, r.orig_cl_ord_id, r.symbol)]
        return book.replace(request)

    def cancel_all(self, owner: OwnerId | None = None, side: Side | None = None) -> list[Result]:
        """Cancel every live order (of ``owner``, on ``side``, if given) in every book, symbols in order."""
        return [r for symbol in self.symbols for r in self._books[symbol].cancel_all(owner, side=side)]

    def expire(self, now: datetime) -> list[Result]:
        """Expire due GTD orders in every book, symbols in order."""
        return [r for symbol in self.symbols for r in self._books[symbol].expire(now)]

    def close_session(self) -> list[Result]:
        """Close the session in every book: DAY orders expire."""
        return [r for symbol in self.symbols for r in self._books[symbol].close_session()]

    def _unknown(
        self, kind: RequestKind, owner: OwnerId, cl_ord_id: ClOrdId, orig: ClOrdId | None, symbol: str
    ) -> Rejected:
        text = f"the venue does not list {symbol!r}"
        exec_id = ExecId(self._ids.exec_ids())
        return Rejected(exec_id, kind, RejectReason.UNKNOWN_SYMBOL, text, owner, cl_ord_id, orig, symbol, None)
