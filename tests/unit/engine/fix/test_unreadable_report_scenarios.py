"""Execution reports the desk cannot read, and status answers about orders it does not know: refused to the venue
as FIX.md says, and never dropped: each becomes an anomaly the user sees, with the raw message and the order it
concerns. Scripted on the wire: the real engine and gateway, a venue played by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyKind, AnomalyRecorded, SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import AlertKind
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from app.engine.order import Order
from tests.support.fix_reports import report_fields
from tests.support.gateway_desk import Desk
from tests.support.reports import VenueOrder


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path / "desk.db")


def _acked(desk: Desk) -> tuple[Order, VenueOrder]:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    return order, venue


def _with(body: list[tuple[int, FixValue]], tag: int, value: FixValue | None) -> list[tuple[int, FixValue]]:
    """``body`` with ``tag`` set to ``value`` (left out when None)."""
    kept = [(t, v) for t, v in body if t != tag]
    return kept if value is None else [(t, value if t == tag else v) for t, v in body]


def _unreadable(desk: Desk) -> AnomalyRecorded:
    (anomaly,) = [a for a in desk.anomalies_recorded() if a.kind is AnomalyKind.UNREADABLE_REPORT]
    return anomaly


def test_an_unknown_exec_type_is_rejected_373_5_and_kept_as_an_anomaly_on_its_order(desk: Desk) -> None:
    order, venue = _acked(desk)
    desk.hear(MsgType.EXECUTION_REPORT, _with(report_fields(venue.ack()), tags.EXEC_TYPE, "Z"))
    (reject,) = desk.sent(MsgType.REJECT)
    assert (reject[tags.SESSION_REJECT_REASON], reject[tags.REF_TAG_ID]) == ("5", "150")
    anomaly = _unreadable(desk)
    assert anomaly.order_id == order.order_id
    assert "|150=Z|" in anomaly.detail
    assert "373=5" in anomaly.detail
    assert desk.order(order.order_id).status is OrderStatus.NEW


def test_a_fill_with_an_unknown_ord_status_is_held_not_counted_and_its_venue_cum_qty_then_breaks(desk: Desk) -> None:
    order, venue = _acked(desk)
    desk.hear(MsgType.EXECUTION_REPORT, _with(report_fields(venue.fill(30, 11)), tags.ORD_STATUS, "Z"))
    (reject,) = desk.sent(MsgType.REJECT)
    assert (reject[tags.SESSION_REJECT_REASON], reject[tags.REF_TAG_ID]) == ("5", "39")
    anomaly = _unreadable(desk)
    assert "fill of 30 at 11, not counted" in anomaly.detail
    assert desk.order(order.order_id).cum_qty == 0
    desk.report(venue.fill(20))  # the venue's next good report: CumQty 50, our fills 20
    after = desk.order(order.order_id)
    assert (after.cum_qty, after.tally_qty) == (50, 20)
    assert AnomalyKind.QUANTITY_BREAK in desk.anomalies()


def test_a_report_without_cl_ord_id_gets_a_business_reject_and_names_the_order_by_its_order_id(desk: Desk) -> None:
    order, venue = _acked(desk)
    desk.hear(MsgType.EXECUTION_REPORT, _with(report_fields(venue.fill(10)), tags.CL_ORD_ID, None))
    assert desk.sent(MsgType.REJECT) == []  # FIX 4.4 does not require 11 on 35=8: no session-level fault
    (bmr,) = desk.sent(MsgType.BUSINESS_MESSAGE_REJECT)
    assert (bmr[tags.BUSINESS_REJECT_REASON], bmr[tags.REF_MSG_TYPE]) == ("5", "8")
    assert bmr[tags.REF_SEQ_NUM] == str(desk.venue.next_seq - 1)
    anomaly = _unreadable(desk)
    assert anomaly.order_id == order.order_id
    assert desk.order(order.order_id).cum_qty == 0


def test_an_unreadable_report_naming_nothing_of_ours_is_still_recorded(desk: Desk) -> None:
    stranger = VenueOrder("NOT-OURS", 10)
    desk.hear(MsgType.EXECUTION_REPORT, _with(report_fields(stranger.fill(10)), tags.EXEC_TYPE, "?"))
    anomaly = _unreadable(desk)
    assert anomaly.order_id is None
    assert "no order of ours" in anomaly.detail
    assert "11=NOT-OURS" in anomaly.detail
    assert desk.sent(MsgType.DONT_KNOW_TRADE) == []  # refused once, by the Reject


def test_an_unreadable_report_survives_a_restart_with_its_raw_text(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    order, venue = _acked(desk)
    desk.hear(MsgType.EXECUTION_REPORT, _with(report_fields(venue.ack()), tags.EXEC_ID, None))
    desk.engine.store.close()
    again = Desk(tmp_path / "desk.db")
    (open_one,) = again.engine.book.anomalies.open.values()
    assert (open_one.kind, open_one.order_id) == (AnomalyKind.UNREADABLE_REPORT, order.order_id)
    assert "has no ExecID" in open_one.detail
    assert "|37=" in open_one.detail


def test_a_status_answer_about_an_order_we_do_not_know_is_no_dk_but_an_anomaly(desk: Desk) -> None:
    foreign = VenueOrder("PHONED-IN", 250)
    answer = foreign.report(ExecType.ORDER_STATUS, OrderStatus.NEW)
    desk.report(answer)
    assert desk.sent(MsgType.DONT_KNOW_TRADE) == desk.sent(MsgType.REJECT) == []
    (anomaly,) = desk.anomalies_recorded()
    assert anomaly.kind is AnomalyKind.FOREIGN_ORDER
    assert "does not know" in anomaly.detail
    assert all(word in anomaly.detail for word in ("PHONED-IN", "AAPL", "buy", "250", "new", "V-PHONED-IN"))


def test_an_execution_for_an_order_we_do_not_know_is_still_dk_d(desk: Desk) -> None:
    desk.report(VenueOrder("NOT-OURS", 10).report(ExecType.NEW, OrderStatus.NEW))
    assert len(desk.sent(MsgType.DONT_KNOW_TRADE)) == 1
    assert desk.anomalies() == [AnomalyKind.UNKNOWN_ORDER]


def test_a_session_reject_we_send_is_recorded_and_told_to_the_health_view(desk: Desk) -> None:
    heard: list[SessionAlertRaised] = []
    desk.gateway.subscribe_alerts(lambda _at, alert: heard.append(alert))
    _, venue = _acked(desk)
    desk.hear(MsgType.EXECUTION_REPORT, _with(report_fields(venue.ack()), tags.EXEC_TYPE, "Z"))
    (reject,) = desk.sent(MsgType.REJECT)
    (recorded,) = [a for a in desk.alerts() if a.kind is AlertKind.REJECT_SENT]
    assert f"rejected message {reject[tags.REF_SEQ_NUM]}" in recorded.text
    assert recorded in heard
    assert desk.gateway.last_alert["SIMA"][1] == recorded


def test_a_session_reject_of_another_message_type_is_told_too(desk: Desk) -> None:
    order, _ = _acked(desk)  # a cancel reject naming no reason the desk can read
    desk.hear(MsgType.ORDER_CANCEL_REJECT, [(tags.CL_ORD_ID, "X-1"), (tags.ORIG_CL_ORD_ID, order.cl_ord_id)])
    (reject,) = desk.sent(MsgType.REJECT)
    assert [a.kind for a in desk.alerts()].count(AlertKind.REJECT_SENT) == 1
    assert reject[tags.REF_MSG_TYPE] == MsgType.ORDER_CANCEL_REJECT
