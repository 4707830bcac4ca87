"""Every reason a new order is refused: a machine-readable reason, plain words, FIX codes, no change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.engine.enums import OrdType, Side, TimeInForce
from app.engine.ids import ClOrdId
from app.venue.orders import NewOrder
from app.venue.results import Rejected, RejectReason, RequestKind, Result
from tests.unit.venue.kit import ALICE, Desk, kinds, of

D = Decimal
NOW = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
STOP, STOP_LIMIT = OrdType.STOP, OrdType.STOP_LIMIT
GTD = TimeInForce.GTD
NO_PRICE, NO_STOP = RejectReason.MISSING_PRICE, RejectReason.MISSING_STOP_PRICE
PAST = RejectReason.EXPIRY_PASSED


def _halted(desk: Desk) -> list[Result]:
    desk.book.halt()
    return desk.buy("10", "10.00")


def _duplicate(desk: Desk) -> list[Result]:
    desk.buy("10", "9.00", cl="dup")
    return desk.buy("10", "10.00", cl="dup")


def _case(name: str, send: Callable[[Desk], list[Result]], reason: RejectReason, code: str) -> object:
    return pytest.param(send, reason, code, id=name)


CASES = [
    _case("halted", _halted, RejectReason.HALTED, "2"),
    _case("price off tick", lambda k: k.buy("10", "10.001"), RejectReason.OFF_TICK, "99"),
    _case("stop off tick", lambda k: k.buy("10", ord_type=STOP, stop="10.001"), RejectReason.OFF_TICK, "99"),
    _case("not a lot", lambda k: k.buy("15", "10.00"), RejectReason.BAD_LOT, "13"),
    _case("zero quantity", lambda k: k.buy("0", "10.00"), RejectReason.BAD_QUANTITY, "13"),
    _case("negative quantity", lambda k: k.buy("-10", "10.00"), RejectReason.BAD_QUANTITY, "13"),
    _case("zero price", lambda k: k.buy("10", "0"), RejectReason.BAD_PRICE, "99"),
    _case("limit, no price", lambda k: k.buy("10", ord_type=OrdType.LIMIT), RejectReason.MISSING_PRICE, "11"),
    _case("stop-limit, no price", lambda k: k.buy("10", ord_type=STOP_LIMIT, stop="10.00"), NO_PRICE, "11"),
    _case("stop, no stop price", lambda k: k.buy("10", ord_type=STOP), NO_STOP, "11"),
    _case("stop-limit, no stop price", lambda k: k.buy("10", "10.00", ord_type=STOP_LIMIT), NO_STOP, "11"),
    _case("GTD, no expiry", lambda k: k.buy("10", "10.00", tif=GTD), RejectReason.MISSING_EXPIRY, "11"),
    _case("GTD, past", lambda k: k.buy("10", "1.00", tif=GTD, expire_at=NOW, now=NOW), PAST, "4"),
    _case("duplicate ClOrdID", _duplicate, RejectReason.DUPLICATE_CL_ORD_ID, "6"),
]


@pytest.mark.parametrize(("send", "reason", "ord_rej_reason"), CASES)
def test_a_bad_new_order_is_refused_with_a_reason_and_words(
    send: Callable[[Desk], list[Result]], reason: RejectReason, ord_rej_reason: str
) -> None:
    desk = Desk()
    out = send(desk)
    assert kinds(out) == ["Rejected"]
    rejected = of(out, Rejected)[0]
    assert (rejected.kind, rejected.reason, rejected.reason.ord_rej_reason) == (
        RequestKind.NEW,
        reason,
        ord_rej_reason,
    )
    assert rejected.text
    assert rejected.owner == ALICE
    assert desk.book.depth() == ([], []) or reason is RejectReason.DUPLICATE_CL_ORD_ID


def test_the_words_name_the_offending_value_and_the_rule() -> None:
    rejected = of(Desk().buy("10", "10.001"), Rejected)[0]
    assert rejected.text == "price 10.001 is not a multiple of the tick size 0.01"
    rejected = of(Desk().buy("15", "10.00"), Rejected)[0]
    assert rejected.text == "quantity 15 is not a multiple of the lot size 10"


def test_trading_resumes_after_a_halt() -> None:
    desk = Desk()
    desk.book.halt()
    desk.book.resume()
    assert kinds(desk.buy("10", "10.00")) == ["Accepted"]


def test_a_market_order_needs_no_price_and_ignores_one_given() -> None:
    desk = Desk()
    out = desk.buy("10", "10.001", ord_type=OrdType.MARKET)
    assert kinds(out) == ["Accepted", "Canceled"]


def test_an_order_for_another_symbol_is_refused_by_the_book() -> None:
    desk = Desk()
    order = NewOrder(ALICE, ClOrdId("c"), "OTHER", Side.BUY, D(10), price=D("10.00"))
    assert of(desk.book.submit(order), Rejected)[0].reason is RejectReason.UNKNOWN_SYMBOL


def test_a_float_is_a_programming_error_not_a_business_reject() -> None:
    order = NewOrder(ALICE, ClOrdId("c"), "ACME", Side.BUY, 10.0, price=D("10.00"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Decimal"):
        Desk().book.submit(order)
