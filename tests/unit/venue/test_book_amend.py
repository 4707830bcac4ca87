"""Cancel and cancel/replace: who keeps time priority, replacing below the filled quantity, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.engine.enums import OrderStatus, OrdType
from app.engine.ids import ClOrdId, VenueOrderId
from app.venue.book import OrderBook
from app.venue.orders import CancelRequest
from app.venue.results import Accepted, Canceled, CancelReason, Rejected, RejectReason, Replaced, RequestKind
from tests.unit.venue.kit import ALICE, BOB, LOT, SYMBOL, TICK, Desk, kinds, of, trades

D = Decimal


def _queue(desk: Desk) -> list[str]:
    """ClOrdIDs of the resting orders in the order they would fill."""
    return [o.cl_ord_id for o in desk.book.resting_orders()]


def _two_bids(desk: Desk) -> None:
    desk.buy("30", "10.00", cl="a")
    desk.buy("30", "10.00", cl="b", owner=BOB)


def test_cancel_takes_the_order_out_and_echoes_both_client_ids() -> None:
    desk = Desk()
    _two_bids(desk)
    out = desk.cancel("a", new_cl="a-cxl")
    canceled = of(out, Canceled)[0]
    assert (canceled.order.cl_ord_id, canceled.orig_cl_ord_id) == ("a-cxl", "a")
    assert (canceled.reason, canceled.order.status) == (CancelReason.REQUESTED, OrderStatus.CANCELED)
    assert desk.book.depth() == ([(D("10.00"), D(30))], [])
    assert _queue(desk) == ["b"]


def test_cancel_by_venue_order_id() -> None:
    desk = Desk()
    order_id = of(desk.buy("30", "10.00", cl="a"), Accepted)[0].order.order_id
    request = CancelRequest(ALICE, ClOrdId("x"), ClOrdId("ignored"), SYMBOL, order_id)
    assert kinds(desk.book.cancel(request)) == ["Canceled"]


def test_cancelling_a_filled_order_is_too_late() -> None:
    desk = Desk()
    desk.buy("10", "10.00", cl="a")
    desk.sell("10", "10.00", owner=BOB)
    rejected = of(desk.cancel("a"), Rejected)[0]
    assert (rejected.kind, rejected.reason) == (RequestKind.CANCEL, RejectReason.TOO_LATE)
    assert rejected.reason.cxl_rej_reason == "0"
    assert rejected.order is not None
    assert rejected.order.status is OrderStatus.FILLED
    assert "filled" in rejected.text


def test_cancelling_an_unknown_order_or_another_owners_order_is_refused() -> None:
    desk = Desk()
    desk.buy("10", "10.00", cl="a")
    for out in (desk.cancel("nope"), desk.cancel("a", owner=BOB)):
        rejected = of(out, Rejected)[0]
        assert (rejected.reason, rejected.order) == (RejectReason.UNKNOWN_ORDER, None)
        assert rejected.reason.cxl_rej_reason == "1"
    unknown_id = CancelRequest(ALICE, ClOrdId("x"), ClOrdId("a"), SYMBOL, VenueOrderId("O999"))
    assert of(desk.book.cancel(unknown_id), Rejected)[0].reason is RejectReason.UNKNOWN_ORDER


def test_cancel_works_while_the_book_is_halted() -> None:
    desk = Desk()
    desk.buy("10", "10.00", cl="a")
    desk.book.halt()
    assert kinds(desk.cancel("a")) == ["Canceled"]


def test_a_pure_quantity_decrease_keeps_time_priority() -> None:
    desk = Desk()
    _two_bids(desk)
    replaced = of(desk.replace("a", "20", "10.00", new_cl="a2"), Replaced)[0]
    assert replaced.kept_priority
    assert (replaced.order.cl_ord_id, replaced.orig_cl_ord_id, replaced.order.qty) == ("a2", "a", D(20))
    assert _queue(desk) == ["a2", "b"]
    assert desk.book.depth() == ([(D("10.00"), D(50))], [])


def test_a_quantity_increase_loses_time_priority() -> None:
    desk = Desk()
    _two_bids(desk)
    assert not of(desk.replace("a", "40", new_cl="a2"), Replaced)[0].kept_priority
    assert _queue(desk) == ["b", "a2"]
    assert desk.book.depth() == ([(D("10.00"), D(70))], [])


def test_a_price_change_loses_time_priority_even_when_it_comes_back() -> None:
    desk = Desk()
    _two_bids(desk)
    desk.replace("a", "30", "9.99", new_cl="a2")
    desk.replace("a2", "30", "10.00", new_cl="a3")
    assert _queue(desk) == ["b", "a3"]


def test_a_replace_that_crosses_trades_at_once() -> None:
    desk = Desk()
    desk.buy("30", "10.00", cl="a")
    desk.sell("10", "10.02", owner=BOB)
    out = desk.replace("a", "30", "10.02", new_cl="a2")
    assert kinds(out) == ["Replaced", "Trade"]
    assert trades(out)[0].aggressor_fill.order.cl_ord_id == "a2"
    assert desk.book.depth() == ([(D("10.02"), D(20))], [])


def test_a_replace_keeps_fills_and_counts_leaves_from_the_new_quantity() -> None:
    desk = Desk()
    desk.buy("50", "10.00", cl="a")
    desk.sell("20", "10.00", owner=BOB)
    state = of(desk.replace("a", "40", new_cl="a2"), Replaced)[0].order
    assert (state.qty, state.cum_qty, state.leaves_qty) == (D(40), D(20), D(20))
    assert state.status is OrderStatus.PARTIALLY_FILLED
    assert desk.book.depth() == ([(D("10.00"), D(20))], [])


def test_a_replace_to_at_most_the_filled_quantity_ends_the_order_as_filled() -> None:
    for new_qty in ("20", "10"):
        desk = Desk()
        desk.buy("50", "10.00", cl="a")
        desk.sell("20", "10.00", owner=BOB)
        out = desk.replace("a", new_qty, new_cl="a2")
        state = of(out, Replaced)[0].order
        assert (state.status, state.leaves_qty, state.cum_qty) == (OrderStatus.FILLED, D(0), D(20))
        assert desk.book.depth() == ([], [])
        assert of(desk.cancel("a2"), Rejected)[0].reason is RejectReason.TOO_LATE


def test_replacing_a_finished_or_unknown_order_is_refused_with_a_reason() -> None:
    desk = Desk()
    desk.buy("10", "10.00", cl="a")
    desk.cancel("a")
    too_late = of(desk.replace("a", "20"), Rejected)[0]
    assert (too_late.kind, too_late.reason) == (RequestKind.REPLACE, RejectReason.TOO_LATE)
    assert "canceled" in too_late.text
    assert of(desk.replace("nope", "20"), Rejected)[0].reason is RejectReason.UNKNOWN_ORDER


def test_a_refused_replace_changes_nothing() -> None:
    desk = Desk()
    _two_bids(desk)
    before = list(desk.book.resting_orders())
    assert of(desk.replace("a", "20", "10.005"), Rejected)[0].reason is RejectReason.OFF_TICK
    assert of(desk.replace("a", "25"), Rejected)[0].reason is RejectReason.BAD_LOT
    assert of(desk.replace("b", "20", owner=ALICE), Rejected)[0].reason is RejectReason.UNKNOWN_ORDER
    desk.book.halt()
    assert of(desk.replace("a", "20"), Rejected)[0].reason is RejectReason.HALTED
    assert list(desk.book.resting_orders()) == before


def test_a_replace_may_not_reuse_another_orders_client_id() -> None:
    desk = Desk()
    desk.buy("10", "10.00", cl="a")
    desk.buy("10", "10.00", cl="b")
    rejected = of(desk.replace("a", "20", new_cl="b"), Rejected)[0]
    assert rejected.reason is RejectReason.DUPLICATE_CL_ORD_ID
    assert rejected.reason.cxl_rej_reason == "6"


def test_a_waiting_stop_limit_can_change_its_limit_and_stop_prices() -> None:
    desk = Desk()
    desk.buy("10", "10.50", ord_type=OrdType.STOP_LIMIT, stop="10.40", cl="s")
    state = of(desk.replace("s", "10", "10.60", stop="10.55", new_cl="s2"), Replaced)[0].order
    assert (state.price, state.stop_px, state.triggered) == (D("10.60"), D("10.55"), False)
    assert desk.book.depth() == ([], [])


def test_mass_cancel_cancels_one_owners_live_orders_in_arrival_order() -> None:
    desk = Desk()
    desk.buy("10", "10.00", cl="a1")
    desk.sell("10", "10.05", cl="b1", owner=BOB)
    desk.sell("10", "10.06", cl="a2")
    out = desk.book.cancel_all(ALICE)
    assert [(c.order.cl_ord_id, c.reason) for c in of(out, Canceled)] == [
        ("a1", CancelReason.MASS_CANCEL),
        ("a2", CancelReason.MASS_CANCEL),
    ]
    assert _queue(desk) == ["b1"]


def test_only_the_most_recent_finished_orders_are_remembered() -> None:
    desk = Desk(OrderBook(SYMBOL, TICK, LOT, keep_finished=2))
    ids = [of(desk.buy("10", "9.00", cl=cl), Accepted)[0].order.order_id for cl in ("a", "b", "c")]
    for cl in ("a", "b", "c"):
        desk.cancel(cl, new_cl=f"{cl}-x")
    assert of(desk.cancel("a"), Rejected)[0].reason is RejectReason.UNKNOWN_ORDER
    assert of(desk.cancel("a-x"), Rejected)[0].reason is RejectReason.UNKNOWN_ORDER
    assert desk.book.order(ids[0]) is None
    assert of(desk.cancel("b"), Rejected)[0].reason is RejectReason.TOO_LATE
    assert kinds(desk.buy("10", "9.00", cl="a")) == ["Accepted"], "a forgotten ClOrdID may be used again"


def test_a_client_id_chain_that_comes_back_to_an_old_id_is_forgotten_cleanly() -> None:
    desk = Desk(OrderBook(SYMBOL, TICK, LOT, keep_finished=1))
    desk.buy("10", "9.00", cl="a")
    desk.replace("a", "20", new_cl="b")
    desk.replace("b", "10", new_cl="a")
    desk.cancel("a", new_cl="a")
    desk.buy("10", "9.00", cl="z")
    desk.cancel("z")
    assert of(desk.cancel("b"), Rejected)[0].reason is RejectReason.UNKNOWN_ORDER


def test_many_cancels_inside_one_level_keep_the_queue_and_its_total_right() -> None:
    desk = Desk()
    for n in range(300):
        desk.buy("10", "10.00", cl=f"q{n}")
    for n in range(0, 300, 3):
        desk.cancel(f"q{n}")
    survivors = [f"q{n}" for n in range(300) if n % 3]
    assert _queue(desk) == survivors
    assert desk.book.depth() == ([(D("10.00"), D(10 * len(survivors)))], [])
    out = desk.sell(str(10 * 50), "10.00", owner=BOB)
    assert [t.buy.order.cl_ord_id for t in trades(out)] == survivors[:50]
    assert _queue(desk) == survivors[50:]


def test_a_book_needs_a_positive_tick_and_lot() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        OrderBook(SYMBOL, D(0), LOT)
