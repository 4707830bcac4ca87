"""Stops and stop-limits: triggered by the last trade in a fixed order, then worked as market or limit."""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import OrderStatus, OrdType, TimeInForce
from app.venue.results import Canceled, CancelReason, Result, Triggered
from tests.unit.venue.kit import ALICE, BOB, Desk, kinds, of, trades

D = Decimal
STOP = OrdType.STOP
STOP_LIMIT = OrdType.STOP_LIMIT


def _print(desk: Desk, price: str) -> list[Result]:
    """Make a trade of one lot at ``price`` between two other owners, so the last price becomes ``price``."""
    desk.sell("10", price, owner=BOB)
    return desk.buy("10", price, owner=BOB)


def test_a_stop_waits_without_touching_the_book() -> None:
    desk = Desk()
    out = desk.buy("10", ord_type=STOP, stop="10.05")
    assert kinds(out) == ["Accepted"]
    assert desk.book.depth() == ([], [])
    assert [o.cl_ord_id for o in desk.book.open_orders()] == ["c1"]


def test_a_buy_stop_triggers_when_the_last_trade_reaches_its_price_and_buys_at_market() -> None:
    desk = Desk()
    desk.buy("20", ord_type=STOP, stop="10.05", cl="stop")
    desk.sell("50", "10.10", owner=BOB)
    assert kinds(_print(desk, "10.04")) == ["Accepted", "Trade"]
    desk.sell("10", "10.05", owner=BOB)
    out = desk.buy("10", "10.05", owner=BOB)
    assert kinds(out) == ["Accepted", "Trade", "Triggered", "Trade"]
    fill = trades(out)[-1]
    assert (fill.buy.order.cl_ord_id, fill.price, fill.qty) == ("stop", D("10.10"), D(20))
    assert of(out, Triggered)[0].order.triggered


def test_a_sell_stop_triggers_when_the_last_trade_falls_to_its_price() -> None:
    desk = Desk()
    desk.sell("20", ord_type=STOP, stop="9.95", cl="stop")
    desk.buy("50", "9.90", owner=BOB)
    assert kinds(_print(desk, "9.96")) == ["Accepted", "Trade"]
    out = _print(desk, "9.95")
    assert kinds(out) == ["Accepted", "Trade", "Triggered", "Trade"]
    assert trades(out)[-1].sell.order.cl_ord_id == "stop"
    assert trades(out)[-1].price == D("9.90")


def test_a_triggered_stop_with_nothing_to_trade_is_canceled_like_a_market_order() -> None:
    desk = Desk()
    desk.buy("20", ord_type=STOP, stop="10.00")
    out = _print(desk, "10.00")
    assert kinds(out)[-2:] == ["Triggered", "Canceled"]
    assert of(out, Canceled)[0].reason is CancelReason.NO_LIQUIDITY


def test_a_triggered_stop_limit_rests_as_a_limit_order() -> None:
    desk = Desk()
    desk.buy("30", "10.02", ord_type=STOP_LIMIT, stop="10.00", cl="sl")
    desk.sell("10", "10.02", owner=BOB)
    desk.sell("10", "10.03", owner=BOB)
    out = _print(desk, "10.00")
    assert kinds(out) == ["Accepted", "Trade", "Triggered", "Trade"]
    assert trades(out)[-1].price == D("10.02")
    assert desk.book.depth() == ([(D("10.02"), D(20))], [(D("10.03"), D(10))])
    state = desk.book.find(ALICE, "sl")  # type: ignore[arg-type]
    assert state is not None
    assert (state.status, state.triggered, state.leaves_qty) == (OrderStatus.PARTIALLY_FILLED, True, D(20))


def test_stops_reached_by_one_trade_trigger_nearest_stop_price_first_then_by_arrival() -> None:
    desk = Desk()
    desk.sell("30", "10.01", owner=BOB)
    desk.buy("10", "10.50", ord_type=STOP_LIMIT, stop="10.01", cl="far")
    desk.buy("10", "10.50", ord_type=STOP_LIMIT, stop="10.00", cl="near-early")
    desk.buy("10", "10.50", ord_type=STOP_LIMIT, stop="10.00", cl="near-late")
    out = _print(desk, "10.01")
    assert [t.order.cl_ord_id for t in of(out, Triggered)] == ["near-early", "near-late", "far"]
    assert {t.price for t in trades(out)} == {D("10.01")}


def test_a_buy_stop_and_a_sell_stop_reached_together_trigger_in_arrival_order() -> None:
    desk = Desk()
    desk.sell("10", "10.01", ord_type=STOP_LIMIT, stop="10.02", cl="sell")
    desk.buy("10", "10.01", ord_type=STOP_LIMIT, stop="10.00", cl="buy")
    out = _print(desk, "10.01")
    assert [t.order.cl_ord_id for t in of(out, Triggered)] == ["sell", "buy"]
    assert (trades(out)[-1].buy.order.cl_ord_id, trades(out)[-1].sell.order.cl_ord_id) == ("buy", "sell")


def test_stops_cascade_when_a_triggered_stop_moves_the_last_price() -> None:
    desk = Desk()
    desk.buy("10", ord_type=STOP, stop="10.00", cl="first")
    desk.buy("10", ord_type=STOP, stop="10.02", cl="second")
    desk.sell("10", "10.02", owner=BOB)
    desk.sell("10", "10.05", owner=BOB)
    out = _print(desk, "10.00")
    assert [t.order.cl_ord_id for t in of(out, Triggered)] == ["first", "second"]
    assert [t.price for t in trades(out)] == [D("10.00"), D("10.02"), D("10.05")]


def test_a_stop_whose_price_has_already_traded_triggers_on_arrival() -> None:
    desk = Desk()
    _print(desk, "10.00")
    desk.sell("10", "10.01", owner=BOB)
    out = desk.buy("10", ord_type=STOP, stop="9.99")
    assert kinds(out) == ["Accepted", "Triggered", "Trade"]


def test_a_stop_is_not_triggered_by_resting_quotes_only_by_trades() -> None:
    desk = Desk()
    desk.buy("10", ord_type=STOP, stop="10.00")
    assert kinds(desk.sell("10", "9.00", owner=BOB)) == ["Accepted"]
    assert kinds(desk.buy("10", "10.50", owner=BOB)) == ["Accepted", "Trade"]
    assert kinds(desk.buy("10", "10.50", owner=BOB)) == ["Accepted"]  # last 9.00 < 10.00: still waiting


def test_a_canceled_stop_never_triggers() -> None:
    desk = Desk()
    desk.buy("10", ord_type=STOP, stop="10.00", cl="s")
    assert kinds(desk.cancel("s")) == ["Canceled"]
    assert "Triggered" not in kinds(_print(desk, "10.00"))


def test_a_replaced_stop_price_moves_the_trigger() -> None:
    desk = Desk()
    desk.buy("10", "10.50", ord_type=STOP_LIMIT, stop="10.00", cl="s")
    desk.replace("s", "10", stop="10.03", new_cl="s2")
    assert "Triggered" not in kinds(_print(desk, "10.01"))
    assert "Triggered" in kinds(_print(desk, "10.03"))


def test_a_triggered_ioc_stop_limit_does_not_rest() -> None:
    desk = Desk()
    desk.buy("20", "10.00", ord_type=STOP_LIMIT, stop="10.00", tif=TimeInForce.IOC)
    out = _print(desk, "10.00")
    assert kinds(out)[-2:] == ["Triggered", "Canceled"]
    assert of(out, Canceled)[0].reason is CancelReason.IOC_REMAINDER
    assert desk.book.depth() == ([], [])
