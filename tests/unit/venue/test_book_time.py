"""Time in force against time passed in by the caller: DAY ends at the close, GTC survives, GTD expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.engine.enums import OrderStatus, OrdType, TimeInForce
from app.venue.results import Expired, ExpireReason, Rejected, RejectReason
from tests.unit.venue.kit import Desk, kinds, of

D = Decimal
NOW = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
GTD = TimeInForce.GTD


def test_close_expires_day_orders_and_keeps_gtc_and_gtd() -> None:
    desk = Desk()
    desk.buy("10", "9.99", cl="day")
    desk.buy("10", "9.98", cl="gtc", tif=TimeInForce.GTC)
    desk.sell("10", "10.05", cl="gtd", tif=GTD, expire_at=NOW + timedelta(days=2))
    desk.buy("10", ord_type=OrdType.STOP, stop="10.50", cl="day-stop")
    out = desk.book.close_session()
    assert [(e.order.cl_ord_id, e.reason) for e in of(out, Expired)] == [
        ("day", ExpireReason.DAY_CLOSE),
        ("day-stop", ExpireReason.DAY_CLOSE),
    ]
    assert all(e.order.status is OrderStatus.EXPIRED and e.order.leaves_qty == 0 for e in of(out, Expired))
    assert [o.cl_ord_id for o in desk.book.open_orders()] == ["gtc", "gtd"]
    assert desk.book.depth() == ([(D("9.98"), D(10))], [(D("10.05"), D(10))])


def test_a_partly_filled_day_order_expires_with_its_fills_kept() -> None:
    desk = Desk()
    desk.buy("30", "10.00", cl="day")
    desk.sell("10", "10.00")
    expired = of(desk.book.close_session(), Expired)[0]
    assert (expired.order.cum_qty, expired.order.leaves_qty) == (D(10), D(0))


def test_gtd_orders_expire_once_their_time_has_come_earliest_first() -> None:
    desk = Desk()
    desk.buy("10", "9.99", cl="later", tif=GTD, expire_at=NOW + timedelta(minutes=10))
    desk.buy("10", "9.98", cl="sooner", tif=GTD, expire_at=NOW + timedelta(minutes=5))
    desk.buy("10", "9.97", cl="gtc", tif=TimeInForce.GTC)
    assert desk.book.expire(NOW + timedelta(minutes=4)) == []
    out = desk.book.expire(NOW + timedelta(minutes=10))
    assert [(e.order.cl_ord_id, e.reason) for e in of(out, Expired)] == [
        ("sooner", ExpireReason.GTD_TIME),
        ("later", ExpireReason.GTD_TIME),
    ]
    assert desk.book.depth() == ([(D("9.97"), D(10))], [])
    assert desk.book.expire(NOW + timedelta(days=1)) == []


def test_a_gtd_order_that_filled_or_was_canceled_does_not_expire_again() -> None:
    desk = Desk()
    desk.buy("10", "10.00", cl="filled", tif=GTD, expire_at=NOW)
    desk.buy("10", "9.99", cl="canceled", tif=GTD, expire_at=NOW)
    desk.sell("10", "10.00")
    desk.cancel("canceled")
    assert desk.book.expire(NOW) == []


def test_a_gtd_order_keeps_its_expiry_through_a_replace() -> None:
    desk = Desk()
    desk.buy("10", "9.99", cl="g", tif=GTD, expire_at=NOW)
    desk.replace("g", "20", "9.98", new_cl="g2")
    assert [e.order.cl_ord_id for e in of(desk.book.expire(NOW), Expired)] == ["g2"]


def test_a_waiting_gtd_stop_expires_too() -> None:
    desk = Desk()
    desk.buy("10", ord_type=OrdType.STOP, stop="10.50", tif=GTD, expire_at=NOW)
    assert kinds(desk.book.expire(NOW)) == ["Expired"]
    assert desk.book.open_orders() == []


def test_a_gtd_order_whose_time_already_passed_is_refused_when_now_is_given() -> None:
    desk = Desk()
    out = desk.buy("10", "9.99", tif=GTD, expire_at=NOW, now=NOW)
    assert of(out, Rejected)[0].reason is RejectReason.EXPIRY_PASSED
    assert kinds(desk.buy("10", "9.99", tif=GTD, expire_at=NOW, now=NOW - timedelta(seconds=1))) == ["Accepted"]
