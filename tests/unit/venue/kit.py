"""Shorthand for the venue tests: a desk that sends orders to one book with readable arguments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from app.engine.enums import OrdType, Side, TimeInForce
from app.engine.ids import ClOrdId
from app.venue.book import OrderBook
from app.venue.orders import CancelRequest, NewOrder, OwnerId, ReplaceRequest
from app.venue.results import Result, Trade

SYMBOL = "ACME"
TICK = Decimal("0.01")
LOT = Decimal("10")
ALICE = OwnerId("alice")
BOB = OwnerId("bob")

R = TypeVar("R")
Num = str | Decimal | None


def d(value: Num) -> Decimal | None:
    """A Decimal from a string, keeping ``None``."""
    return None if value is None else Decimal(value)


def of(results: list[Result], kind: type[R]) -> list[R]:
    """The results of one kind, in order."""
    return [r for r in results if isinstance(r, kind)]


def trades(results: list[Result]) -> list[Trade]:
    """The trades among ``results``."""
    return of(results, Trade)


def kinds(results: list[Result]) -> list[str]:
    """The result types by name, in order: a compact way to assert a sequence of reports."""
    return [type(r).__name__ for r in results]


class Desk:
    """Sends orders to one book; each order's ClOrdID defaults to a counter."""

    def __init__(self, book: OrderBook | None = None) -> None:
        self.book = book or OrderBook(SYMBOL, TICK, LOT)
        self._n = 0

    def order(
        self,
        side: Side,
        qty: str,
        price: Num = None,
        *,
        owner: OwnerId = ALICE,
        cl: str | None = None,
        ord_type: OrdType | None = None,
        tif: TimeInForce = TimeInForce.DAY,
        stop: Num = None,
        expire_at: datetime | None = None,
        now: datetime | None = None,
    ) -> list[Result]:
        """Submit an order; the type defaults to limit with a price and market without."""
        self._n += 1
        kind = ord_type or (OrdType.MARKET if price is None else OrdType.LIMIT)
        order = NewOrder(
            owner,
            ClOrdId(cl or f"c{self._n}"),
            SYMBOL,
            side,
            Decimal(qty),
            kind,
            d(price),
            d(stop),
            tif,
            expire_at,
        )
        return self.book.submit(order, now)

    def buy(self, qty: str, price: Num = None, **kw: Any) -> list[Result]:
        """Submit a buy."""
        return self.order(Side.BUY, qty, price, **kw)

    def sell(self, qty: str, price: Num = None, **kw: Any) -> list[Result]:
        """Submit a sell."""
        return self.order(Side.SELL, qty, price, **kw)

    def cancel(self, cl: str, *, owner: OwnerId = ALICE, new_cl: str | None = None) -> list[Result]:
        """Cancel the owner's order ``cl``."""
        self._n += 1
        new = ClOrdId(new_cl or f"x{self._n}")
        return self.book.cancel(CancelRequest(owner, new, ClOrdId(cl), SYMBOL))

    def replace(
        self,
        cl: str,
        qty: str,
        price: Num = None,
        *,
        stop: Num = None,
        owner: OwnerId = ALICE,
        new_cl: str | None = None,
    ) -> list[Result]:
        """Amend the owner's order ``cl`` to ``qty`` (and ``price``, ``stop`` when given)."""
        self._n += 1
        new = ClOrdId(new_cl or f"r{self._n}")
        request = ReplaceRequest(owner, new, ClOrdId(cl), SYMBOL, Decimal(qty), d(price), d(stop))
        return self.book.replace(request)
