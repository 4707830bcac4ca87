"""The venue level: requests go to their symbol's book, unknown symbols are refused, ids never repeat."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.engine.enums import Side, TimeInForce
from app.engine.ids import ClOrdId
from app.venue.matching import MatchingEngine
from app.venue.orders import CancelRequest, NewOrder, ReplaceRequest
from app.venue.results import Accepted, Expired, Rejected, RejectReason, RequestKind, Trade
from tests.unit.venue.kit import ALICE, BOB, kinds, of

D = Decimal
NOW = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def _venue() -> MatchingEngine:
    venue = MatchingEngine("V1-")
    venue.list_symbol("ACME", D("0.01"), D("100"))
    venue.list_symbol("BOLT", D("0.05"), D("1"))
    return venue


def test_orders_go_to_their_own_symbols_book_with_its_tick_and_lot() -> None:
    venue = _venue()
    assert venue.symbols == ["ACME", "BOLT"]
    assert kinds(venue.submit(NewOrder(ALICE, ClOrdId("a"), "BOLT", Side.BUY, D(3), price=D("5.05")))) == ["Accepted"]
    out = venue.submit(NewOrder(ALICE, ClOrdId("b"), "ACME", Side.BUY, D(3), price=D("5.05")))
    assert of(out, Rejected)[0].reason is RejectReason.BAD_LOT
    bolt = venue.book("BOLT")
    assert bolt is not None
    assert bolt.best_bid() == D("5.05")
    assert venue.book("NOPE") is None


def test_an_unknown_symbol_is_refused_for_every_request() -> None:
    venue = _venue()
    new = venue.submit(NewOrder(ALICE, ClOrdId("a"), "NOPE", Side.BUY, D(100), price=D("1.00")))
    cancel = venue.cancel(CancelRequest(ALICE, ClOrdId("x"), ClOrdId("a"), "NOPE"))
    replace = venue.replace(ReplaceRequest(ALICE, ClOrdId("r"), ClOrdId("a"), "NOPE", D(100)))
    rejects = [of(out, Rejected)[0] for out in (new, cancel, replace)]
    assert [(r.kind, r.reason) for r in rejects] == [
        (RequestKind.NEW, RejectReason.UNKNOWN_SYMBOL),
        (RequestKind.CANCEL, RejectReason.UNKNOWN_SYMBOL),
        (RequestKind.REPLACE, RejectReason.UNKNOWN_SYMBOL),
    ]
    assert rejects[0].reason.ord_rej_reason == "1"
    assert "NOPE" in rejects[0].text


def test_ids_never_repeat_across_the_venues_books() -> None:
    venue = _venue()
    ids: list[str] = []
    for symbol, price in (("ACME", "1.00"), ("BOLT", "1.00")):
        venue.submit(NewOrder(ALICE, ClOrdId(f"s-{symbol}"), symbol, Side.SELL, D(100), price=D(price)))
        out = venue.submit(NewOrder(BOB, ClOrdId(f"b-{symbol}"), symbol, Side.BUY, D(100), price=D(price)))
        ids += [a.order.order_id for a in of(out, Accepted)]
        ids += [t.trade_id for t in of(out, Trade)] + [t.buy.exec_id for t in of(out, Trade)]
    assert len(ids) == len(set(ids)) == 6
    assert all(i.startswith("V1-") for i in ids)


def test_close_and_expiry_reach_every_book() -> None:
    venue = _venue()
    venue.submit(NewOrder(ALICE, ClOrdId("a"), "ACME", Side.BUY, D(100), price=D("1.00")))
    venue.submit(NewOrder(ALICE, ClOrdId("b"), "BOLT", Side.BUY, D(1), price=D("1.00")))
    venue.submit(
        NewOrder(ALICE, ClOrdId("g"), "BOLT", Side.BUY, D(1), price=D("1.00"), tif=TimeInForce.GTD, expire_at=NOW)
    )
    assert [e.order.cl_ord_id for e in of(venue.expire(NOW), Expired)] == ["g"]
    assert [e.order.symbol for e in of(venue.close_session(), Expired)] == ["ACME", "BOLT"]


def test_mass_cancel_across_books() -> None:
    venue = _venue()
    venue.submit(NewOrder(ALICE, ClOrdId("a"), "ACME", Side.BUY, D(100), price=D("1.00")))
    venue.submit(NewOrder(ALICE, ClOrdId("b"), "BOLT", Side.BUY, D(1), price=D("1.00")))
    assert kinds(venue.cancel_all(ALICE)) == ["Canceled", "Canceled"]


def test_a_symbol_is_listed_once() -> None:
    venue = _venue()
    with pytest.raises(ValueError, match="already listed"):
        venue.list_symbol("ACME", D("0.01"), D("1"))
