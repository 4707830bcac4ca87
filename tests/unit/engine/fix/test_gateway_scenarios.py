"""FIX.md's application scenarios, scripted on the wire: the real engine and gateway, a session core fed
bytes by a scripted venue, no socket. Each test reads as what the venue sends and what the desk shows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.engine.commands import CancelOrder, ReplaceOrder
from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyKind, SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import AlertKind, AlertLevel
from app.engine.fix.tags import MsgType
from app.engine.kill_terms import KillGrade, Scope, ScopeKind
from app.engine.order import Amendment
from app.engine.serialization import from_json
from app.engine.store import EventStore
from tests.support.engine_kit import SUPERVISOR, TRADER
from tests.support.fix_reports import report_fields
from tests.support.gateway_desk import Desk
from tests.support.reports import VenueOrder


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path / "desk.db")


def test_baseline_order_ack_and_fills_on_the_wire(desk: Desk) -> None:
    order, venue = desk.submit(100)
    (new,) = desk.sent(MsgType.NEW_ORDER_SINGLE)
    assert (new[tags.CL_ORD_ID], new[tags.ORDER_QTY], new[tags.PRICE]) == (order.cl_ord_id, "100", "10")
    desk.report(venue.ack())
    desk.report(venue.fill(40, 10))
    desk.report(venue.fill(60, 11))
    assert desk.order(order.order_id).status is OrderStatus.FILLED
    assert desk.order(order.order_id).avg_px == Decimal("10.6")


def test_cancel_crossed_by_a_fill_then_rejected_as_too_late(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    desk.engine.cancel(CancelOrder(order.order_id, TRADER))
    (cancel,) = desk.sent(MsgType.ORDER_CANCEL_REQUEST)
    desk.report(venue.fill(100))
    desk.hear(
        MsgType.ORDER_CANCEL_REJECT,
        [(37, "V"), (11, cancel[tags.CL_ORD_ID]), (41, order.cl_ord_id), (39, "2"), (434, "1"), (102, "0")],
    )
    final = desk.order(order.order_id)
    assert (final.status, final.cum_qty, final.pending) == (OrderStatus.FILLED, 100, None)


def test_fills_during_pending_cancel_count_and_the_cancel_ends_the_rest(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    desk.engine.cancel(CancelOrder(order.order_id, TRADER))
    (cancel,) = desk.sent(MsgType.ORDER_CANCEL_REQUEST)
    desk.report(venue.fill(30))
    assert desk.order(order.order_id).status is OrderStatus.PENDING_CANCEL
    desk.report(venue.canceled(cancel[tags.CL_ORD_ID]))
    final = desk.order(order.order_id)
    assert (final.status, final.cum_qty, final.leaves_qty) == (OrderStatus.CANCELED, 30, 0)


def test_replace_below_cumqty_crossed_by_a_fill_ends_the_order_filled(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    desk.report(venue.fill(40))
    desk.engine.replace(ReplaceOrder(order.order_id, Amendment(qty=Decimal(60), limit_px=Decimal(10)), TRADER))
    (replace,) = desk.sent(MsgType.ORDER_CANCEL_REPLACE_REQUEST)
    desk.report(venue.fill(25))  # crosses the replace, under the old ClOrdID: 65 done, more than the new 60
    pending = desk.order(order.order_id)
    assert (pending.status, pending.cum_qty, pending.cl_ord_id) == (OrderStatus.PENDING_REPLACE, 65, order.cl_ord_id)
    # FIX 4.4 Appendix D: the venue amends the order quantity to CumQty and reports it filled (39=2, 151=0).
    desk.report(venue.replaced(replace[tags.CL_ORD_ID], 65))
    final = desk.order(order.order_id)
    assert (final.status, final.qty, final.cum_qty, final.leaves_qty) == (OrderStatus.FILLED, 65, 65, 0)
    assert final.pending is None
    assert final.cl_ord_id == replace[tags.CL_ORD_ID]
    assert desk.anomalies() == []


def test_replace_rejected_then_retried_with_the_right_orig_clordid(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    desk.engine.replace(ReplaceOrder(order.order_id, Amendment(qty=Decimal(150), limit_px=Decimal(10)), TRADER))
    (first,) = desk.sent(MsgType.ORDER_CANCEL_REPLACE_REQUEST)
    desk.hear(
        MsgType.ORDER_CANCEL_REJECT,
        [(37, "V"), (11, first[tags.CL_ORD_ID]), (41, order.cl_ord_id), (39, "0"), (434, "2"), (102, "3")],
    )
    assert desk.order(order.order_id).cl_ord_id == order.cl_ord_id
    desk.engine.replace(ReplaceOrder(order.order_id, Amendment(qty=Decimal(120), limit_px=Decimal(10)), TRADER))
    second = desk.sent(MsgType.ORDER_CANCEL_REPLACE_REQUEST)[1]
    assert second[tags.ORIG_CL_ORD_ID] == order.cl_ord_id  # not the rejected one
    assert second[tags.ORDER_QTY] == "120"


def test_duplicate_fills_by_possresend_and_by_possdup_resend_count_once(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    fill = venue.fill(40)
    desk.report(fill)
    desk.report(fill, poss_dup=False)  # 97=Y would be the same message under a new number
    resent_seq = desk.venue.next_seq - 1
    desk.report(fill, seq=resent_seq, poss_dup=True, orig_sending_time=desk.clock.now())
    assert desk.order(order.order_id).cum_qty == 40


def test_out_of_order_fills_and_a_bust(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    first, second = venue.fill(30), venue.fill(20)
    desk.report(second)
    desk.report(first)
    assert desk.order(order.order_id).cum_qty == 50
    desk.report(venue.bust(first))
    final = desk.order(order.order_id)
    assert (final.status, final.cum_qty) == (OrderStatus.PARTIALLY_FILLED, 20)


def test_a_session_reject_of_our_order_is_mapped_back_through_refseqnum(desk: Desk) -> None:
    order, _venue = desk.submit(100)
    (new,) = desk.sent(MsgType.NEW_ORDER_SINGLE)
    desk.hear(MsgType.REJECT, [(45, new.seq_num), (372, "D"), (373, 5), (58, "bad price")])
    final = desk.order(order.order_id)
    assert final.status is OrderStatus.REJECTED


def test_an_execution_for_an_unknown_order_is_answered_with_dk(desk: Desk) -> None:
    fill = VenueOrder("NOT-OURS", 10).fill(10)
    desk.report(fill)
    (dk,) = desk.sent(MsgType.DONT_KNOW_TRADE)
    assert (dk[tags.EXEC_ID], dk[tags.DK_REASON]) == (fill.exec_id, "D")
    assert AnomalyKind.UNKNOWN_ORDER in desk.anomalies()


def test_an_unreadable_report_gets_a_session_reject_and_changes_nothing(desk: Desk) -> None:
    order, venue = desk.submit(100)
    body = [(t, v) for t, v in report_fields(venue.ack()) if t != tags.EXEC_ID]
    desk.hear(MsgType.EXECUTION_REPORT, body)
    (reject,) = desk.sent(MsgType.REJECT)
    assert (reject[tags.SESSION_REJECT_REASON], reject[tags.REF_TAG_ID]) == ("1", "17")
    assert desk.order(order.order_id).status is OrderStatus.PENDING_NEW


def test_a_quiet_timer_tick_commits_nothing_and_a_heartbeat_is_stored_before_it_goes(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []
    real = desk.engine.store.transaction

    def counted() -> Any:
        opened.append(1)
        return real()

    monkeypatch.setattr(desk.engine.store, "transaction", counted)
    desk._carry(desk.session.on_timer())
    assert opened == []
    desk.clock.advance(30)
    desk._carry(desk.session.on_timer())
    assert opened == [1]
    assert desk.sent(MsgType.HEARTBEAT)


def test_session_alerts_are_recorded_as_events_with_the_reports_they_came_with(desk: Desk) -> None:
    order, venue = desk.submit(100)
    assert [a.kind for a in desk.alerts()] == [AlertKind.LOGGED_ON]
    before = desk.engine.store.last_seq
    desk.report(venue.ack(), seq=desk.venue.next_seq + 1)  # one report missing: a gap, and a ResendRequest
    (gap,) = desk.alerts()[1:]
    assert (gap.session, gap.kind, gap.level) == ("SIMA", AlertKind.GAP, AlertLevel.WARNING)
    assert "missing" in gap.text
    assert desk.engine.store.last_seq == before + 1  # the alert alone: the ack waits for the gap to close
    desk.clock.advance(30)
    desk._carry(desk.session.on_timer())  # a heartbeat out
    desk.hear(MsgType.HEARTBEAT, [])  # fills the gap: the queued ack applies
    assert len(desk.alerts()) == 2  # heartbeats are not news
    assert desk.order(order.order_id).status is OrderStatus.NEW


def test_alerts_about_lost_lines_and_rejects_survive_a_restart(desk: Desk, tmp_path: Path) -> None:
    order, _venue = desk.submit(100)
    (new,) = desk.sent(MsgType.NEW_ORDER_SINGLE)
    desk.hear(MsgType.REJECT, [(45, new.seq_num + 5), (58, "no such message")])
    desk._carry(desk.session.connection_lost())
    desk.engine.close()
    reopened = EventStore.open(tmp_path / "desk.db")
    kinds = [
        from_json(SessionAlertRaised, r.data).kind for r in reopened.read() if r.kind == SessionAlertRaised.__name__
    ]
    reopened.close()
    assert kinds == [AlertKind.LOGGED_ON, AlertKind.REJECT_RECEIVED, AlertKind.CONNECTION_LOST]
    assert order.status is OrderStatus.UNKNOWN


def test_a_cancel_entered_while_the_line_was_down_is_in_doubt_at_logon_and_freed_if_the_venue_never_had_it(
    desk: Desk,
) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    desk._carry(desk.session.connection_lost())
    assert order.status is OrderStatus.NEW  # nothing of ours was awaiting an answer
    assert desk.engine.cancel(CancelOrder(order.order_id, TRADER)).accepted  # stored; goes by resend, or gap-filled
    desk._carry(desk.session.connected())
    desk.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 30)])
    assert order.status is OrderStatus.UNKNOWN
    (status_request,) = desk.sent(MsgType.ORDER_STATUS_REQUEST)
    assert status_request[tags.CL_ORD_ID] == order.cl_ord_id
    desk.report(venue.report(ExecType.ORDER_STATUS, OrderStatus.NEW))  # the venue never had the cancel
    assert (order.status, order.pending) == (OrderStatus.NEW, None)
    assert desk.engine.cancel(CancelOrder(order.order_id, TRADER)).accepted


def test_a_cancel_released_while_reading_goes_out_after_the_answers_in_msgseqnum_order(desk: Desk) -> None:
    """A kill switch defers its cancel behind a pending replace; the venue's replace ack arrives with a TestRequest,
    so one read both answers a Heartbeat and releases the cancel: the venue must see them in number order."""
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    assert desk.engine.replace(ReplaceOrder(order.order_id, Amendment(Decimal(120), Decimal(10)), TRADER)).accepted
    (replace,) = desk.sent(MsgType.ORDER_CANCEL_REPLACE_REQUEST)
    sima = Scope(ScopeKind.VENUE, "SIMA")
    assert desk.engine.engage_kill_switch(sima, KillGrade.CANCEL_WORKING, SUPERVISOR, "SIMA", "test").accepted
    assert not desk.sent(MsgType.ORDER_CANCEL_REQUEST)  # deferred behind the replace
    before = len(desk.wire.written)
    test_request = desk.venue.message(MsgType.TEST_REQUEST, [(tags.TEST_REQ_ID, "T1")])
    replaced = desk.venue.message(MsgType.EXECUTION_REPORT, report_fields(venue.replaced(replace[tags.CL_ORD_ID], 120)))
    desk.line.carry(desk.session.data_received(test_request + replaced))
    written = desk.wire.written[before:]
    assert [m.msg_type for m in written] == [MsgType.HEARTBEAT, MsgType.ORDER_CANCEL_REQUEST]
    numbers = [int(m[tags.MSG_SEQ_NUM]) for m in written]
    assert numbers == sorted(numbers)


def test_a_users_status_request_goes_out_as_35_h_under_the_orders_clordid(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    assert desk.engine.request_status(order.order_id, TRADER).accepted
    (asked,) = desk.sent(MsgType.ORDER_STATUS_REQUEST)
    assert (asked[tags.CL_ORD_ID], asked[tags.SYMBOL]) == (order.cl_ord_id, "AAPL")
    assert asked[tags.ORD_STATUS_REQ_ID].startswith("ASK-")
