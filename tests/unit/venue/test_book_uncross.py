"""A book restored crossed trades until it is not: the later order of each crossing pair takes at the earlier one's
price, through as many orders and levels as it takes; a book that is not crossed, or is halted, does nothing."""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import OrdType, Side, TimeInForce
from app.engine.ids import ClOrdId, VenueOrderId
from app.venue.book import OrderBook
from app.venue.orders import OwnerId, RestingOrder
from app.venue.results import Trade


def _kept(seq: int, side: Side, qty: str, price: str) -> RestingOrder:
    return RestingOrder(
        VenueOrderId(f"O{seq}"), OwnerId(f"C{seq}"), ClOrdId(f"c{seq}"), "ACME", side, OrdType.LIMIT,
        TimeInForce.DAY, Decimal(qty), Decimal(price), None, None, seq, is_buy=side is Side.BUY,
    )  # fmt: skip


def _book(*orders: RestingOrder) -> OrderBook:
    book = OrderBook("ACME", Decimal("0.01"), Decimal("1"))
    for o in orders:
        book.restore(o, [])
    return book


def test_the_later_order_takes_at_the_earlier_ones_price_across_levels() -> None:
    book = _book(
        _kept(1, Side.BUY, "100", "10.10"), _kept(2, Side.SELL, "50", "10.00"), _kept(3, Side.SELL, "80", "10.05")
    )
    trades = [r for r in book.uncross() if isinstance(r, Trade)]
    assert [(t.qty, t.price, t.aggressor) for t in trades] == [
        (Decimal(50), Decimal("10.10"), Side.SELL),
        (Decimal(50), Decimal("10.10"), Side.SELL),
    ]
    assert (book.best_bid(), book.best_ask()) == (None, Decimal("10.05"))
    assert [(o.cl_ord_id, o.leaves_qty) for o in book.open_orders()] == [("c3", Decimal(30))]


def test_a_later_buy_takes_the_offers_in_price_order() -> None:
    book = _book(
        _kept(1, Side.SELL, "30", "10.02"), _kept(2, Side.SELL, "30", "10.00"), _kept(3, Side.BUY, "100", "10.05")
    )
    trades = [r for r in book.uncross() if isinstance(r, Trade)]
    assert [(t.qty, t.price) for t in trades] == [(Decimal(30), Decimal("10.00")), (Decimal(30), Decimal("10.02"))]
    assert (book.best_bid(), book.best_ask()) == (Decimal("10.05"), None)


def test_a_book_not_crossed_or_halted_does_nothing() -> None:
    apart = _book(_kept(1, Side.BUY, "100", "10.00"), _kept(2, Side.SELL, "100", "10.01"))
    assert apart.uncross() == []
    halted = _book(_kept(1, Side.BUY, "100", "10.10"), _kept(2, Side.SELL, "100", "10.00"))
    halted.halt()
    assert halted.uncross() == []
    assert (halted.best_bid(), halted.best_ask()) == (Decimal("10.10"), Decimal("10.00"))
