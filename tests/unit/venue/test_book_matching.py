"""Matching in one book: price-time priority, fills across levels, market orders, IOC and FOK."""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import OrderStatus, Side, TimeInForce
from app.venue.results import Accepted, Canceled, CancelReason, Result, Trade
from tests.unit.venue.kit import ALICE, BOB, Desk, kinds, of, trades

D = Decimal


def test_a_limit_order_that_does_not_cross_rests_and_is_accepted() -> None:
    desk = Desk()
    out = desk.buy("100", "10.00")
    assert kinds(out) == ["Accepted"]
    accepted = of(out, Accepted)[0]
    assert accepted.order.status is OrderStatus.NEW
    assert accepted.order.leaves_qty == D(100)
    assert desk.book.depth() == ([(D("10.00"), D(100))], [])


def test_better_price_fills_first_then_earlier_arrival_at_the_same_price() -> None:
    desk = Desk()
    desk.sell("10", "10.02", cl="far")
    desk.sell("10", "10.01", cl="first", owner=ALICE)
    desk.sell("10", "10.01", cl="second", owner=BOB)
    desk.sell("10", "10.00", cl="best")
    fills = [t.sell.order.cl_ord_id for t in trades(desk.buy("40", "10.02", owner=BOB))]
    assert fills == ["best", "first", "second", "far"]


def test_a_large_order_fills_in_pieces_across_levels_at_each_resting_price() -> None:
    desk = Desk()
    desk.sell("30", "10.00")
    desk.sell("50", "10.01")
    out = desk.buy("60", "10.05", owner=BOB)
    assert [(t.qty, t.price) for t in trades(out)] == [(D(30), D("10.00")), (D(30), D("10.01"))]
    last = trades(out)[-1]
    assert last.buy.order.cum_qty == D(60)
    assert last.buy.order.leaves_qty == D(0)
    assert last.buy.order.avg_px == D("10.005")
    assert last.buy.order.status is OrderStatus.FILLED
    assert last.sell.order.cum_qty == D(30)
    assert last.sell.order.leaves_qty == D(20)
    assert last.sell.order.status is OrderStatus.PARTIALLY_FILLED
    assert desk.book.depth() == ([], [(D("10.01"), D(20))])


def test_a_trade_reports_both_sides_with_owners_ids_and_the_aggressor() -> None:
    desk = Desk()
    desk.sell("20", "10.00", cl="s1", owner=ALICE)
    out = desk.buy("20", "10.00", cl="b1", owner=BOB)
    assert kinds(out) == ["Accepted", "Trade"]
    trade = trades(out)[0]
    assert (trade.buy.order.owner, trade.buy.order.cl_ord_id) == (BOB, "b1")
    assert (trade.sell.order.owner, trade.sell.order.cl_ord_id) == (ALICE, "s1")
    assert trade.aggressor is Side.BUY
    assert trade.aggressor_fill is trade.buy
    assert trade.resting_fill is trade.sell
    assert trade.buy.exec_id != trade.sell.exec_id
    assert desk.book.last_price == D("10.00")


def test_the_remainder_of_a_crossing_limit_rests_at_its_limit() -> None:
    desk = Desk()
    desk.sell("10", "10.00")
    desk.buy("30", "10.01", owner=BOB)
    assert desk.book.depth() == ([(D("10.01"), D(20))], [])
    assert desk.book.best_bid() == D("10.01")
    assert desk.book.best_ask() is None


def test_a_market_order_with_no_liquidity_is_canceled_and_says_why() -> None:
    desk = Desk()
    out = desk.buy("10")
    assert kinds(out) == ["Accepted", "Canceled"]
    canceled = of(out, Canceled)[0]
    assert canceled.reason is CancelReason.NO_LIQUIDITY
    assert canceled.order.status is OrderStatus.CANCELED
    assert canceled.order.leaves_qty == D(0)
    assert desk.book.depth() == ([], [])


def test_a_market_order_never_rests_its_remainder() -> None:
    desk = Desk()
    desk.buy("20", "9.99")
    out = desk.sell("50", owner=BOB)
    assert kinds(out) == ["Accepted", "Trade", "Canceled"]
    canceled = of(out, Canceled)[0]
    assert (canceled.reason, canceled.order.cum_qty) == (CancelReason.NO_LIQUIDITY, D(20))
    assert desk.book.depth() == ([], [])


def test_ioc_fills_what_it_can_and_cancels_the_rest() -> None:
    desk = Desk()
    desk.sell("20", "10.00")
    desk.sell("20", "10.05")
    out = desk.buy("50", "10.02", tif=TimeInForce.IOC, owner=BOB)
    assert kinds(out) == ["Accepted", "Trade", "Canceled"]
    assert of(out, Canceled)[0].reason is CancelReason.IOC_REMAINDER
    assert of(out, Canceled)[0].order.cum_qty == D(20)
    assert desk.book.depth() == ([], [(D("10.05"), D(20))])


def test_ioc_with_nothing_to_fill_is_canceled_whole() -> None:
    desk = Desk()
    out = desk.buy("50", "10.02", tif=TimeInForce.IOC)
    assert kinds(out) == ["Accepted", "Canceled"]
    assert desk.book.depth() == ([], [])


def test_fok_fills_wholly_across_levels_when_enough_is_offered() -> None:
    desk = Desk()
    desk.sell("20", "10.00")
    desk.sell("30", "10.01")
    out = desk.buy("50", "10.01", tif=TimeInForce.FOK, owner=BOB)
    assert kinds(out) == ["Accepted", "Trade", "Trade"]
    assert trades(out)[-1].buy.order.status is OrderStatus.FILLED


def test_fok_that_cannot_fill_wholly_leaves_the_book_untouched() -> None:
    desk = Desk()
    desk.sell("20", "10.00")
    desk.sell("30", "10.02")
    before = list(desk.book.resting_orders())
    out = desk.buy("50", "10.01", tif=TimeInForce.FOK, owner=BOB)
    assert kinds(out) == ["Accepted", "Canceled"]
    assert of(out, Canceled)[0].reason is CancelReason.FOK_UNFILLED
    assert list(desk.book.resting_orders()) == before
    assert desk.book.last_price is None


def test_fok_market_order_needs_the_whole_quantity_on_the_other_side() -> None:
    desk = Desk()
    desk.buy("20", "9.99")
    assert kinds(desk.sell("30", tif=TimeInForce.FOK)) == ["Accepted", "Canceled"]
    assert kinds(desk.sell("20", tif=TimeInForce.FOK)) == ["Accepted", "Trade"]


def test_sell_short_trades_on_the_sell_side() -> None:
    desk = Desk()
    desk.buy("10", "10.00")
    out = desk.order(Side.SELL_SHORT, "10", "10.00", owner=BOB)
    trade = of(out, Trade)[0]
    assert trade.sell.order.side is Side.SELL_SHORT
    assert trade.aggressor is Side.SELL_SHORT


def test_depth_lists_best_levels_first_with_total_quantity() -> None:
    desk = Desk()
    for price in ("9.97", "9.99", "9.98"):
        desk.buy("10", price)
        desk.buy("20", price)
    desk.sell("10", "10.03")
    desk.sell("10", "10.01")
    bids, asks = desk.book.depth(2)
    assert bids == [(D("9.99"), D(30)), (D("9.98"), D(30))]
    assert asks == [(D("10.01"), D(10)), (D("10.03"), D(10))]
    assert desk.book.depth(0) == ([], [])


def test_ids_come_from_counters_so_the_same_inputs_give_the_same_results() -> None:
    def run() -> list[Result]:
        desk = Desk()
        out: list[Result] = []
        out += desk.sell("20", "10.00")
        out += desk.sell("20", "10.01")
        out += desk.buy("30", "10.01", owner=BOB)
        return out

    first, second = run(), run()
    assert first == second
    trade = of(first, Trade)[0]
    assert (trade.trade_id, trade.buy.exec_id, trade.sell.exec_id) == ("T1", "E4", "E5")
