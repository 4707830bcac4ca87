"""After a reconnect the desk asks where every live order stands: one OrderMassStatusRequest (35=AF) where the
venue takes it, one OrderStatusRequest (35=H) per order otherwise, and 35=H for any order the mass answer
left out. Scripted on the wire: the real engine and gateway, a venue played by hand."""

from __future__ import annotations

from pathlib import Path

from app.engine.commands import CancelOrder
from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyKind
from app.engine.fix import tags
from app.engine.fix.alerts import AlertKind
from app.engine.fix.message import FixMessage
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from app.engine.order import Order
from tests.support.engine_kit import TRADER
from tests.support.fix_reports import report_fields
from tests.support.gateway_desk import Desk
from tests.support.reports import VenueOrder


def _live_order(desk: Desk) -> tuple[Order, VenueOrder]:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    return order, venue


def _mass_answer(desk: Desk, request: FixMessage, venue: VenueOrder, total: int, last: bool) -> None:
    """The venue's 150=I report about ``venue`` in answer to ``request``."""
    ids: list[tuple[int, FixValue]] = [(tags.MASS_STATUS_REQ_ID, request[tags.MASS_STATUS_REQ_ID])]
    ids.append((tags.TOT_NUM_REPORTS, total))
    if last:
        ids.append((tags.LAST_RPT_REQUESTED, True))
    desk.hear(MsgType.EXECUTION_REPORT, [*report_fields(venue.report(ExecType.ORDER_STATUS, OrderStatus.NEW)), *ids])


def test_without_mass_status_each_live_order_gets_its_own_status_request(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    first, _ = _live_order(desk)
    second, _ = _live_order(desk)
    desk.line.reconnect()
    assert desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST) == []
    asked = [m[tags.CL_ORD_ID] for m in desk.sent(MsgType.ORDER_STATUS_REQUEST)]
    assert asked == [first.cl_ord_id, second.cl_ord_id]


def test_a_mass_status_venue_gets_one_request_and_the_answer_resolves_unknown_orders(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db", mass_status=True)
    first, first_venue = desk.submit(100)  # no ack yet: the line drops with the order's fate unknown
    second, second_venue = _live_order(desk)
    desk.line.reconnect()
    assert desk.order(first.order_id).status is OrderStatus.UNKNOWN
    (request,) = desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST)
    assert request[tags.MASS_STATUS_REQ_TYPE] == "7"
    epoch = desk.session.record.epoch
    assert request[tags.MASS_STATUS_REQ_ID] == f"MASS-{epoch}-{request.seq_num}"  # unique across connections and runs
    assert desk.sent(MsgType.ORDER_STATUS_REQUEST) == []
    _mass_answer(desk, request, first_venue, total=2, last=False)
    _mass_answer(desk, request, second_venue, total=2, last=True)
    assert desk.order(first.order_id).status is OrderStatus.NEW
    assert desk.order(second.order_id).status is OrderStatus.NEW
    assert desk.sent(MsgType.ORDER_STATUS_REQUEST) == []  # the venue named every order
    assert desk.sent(MsgType.REJECT) == desk.sent(MsgType.DONT_KNOW_TRADE) == []


def test_an_order_the_mass_answer_leaves_out_gets_its_own_status_request(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db", mass_status=True)
    named, named_venue = _live_order(desk)
    missing, _ = _live_order(desk)
    desk.line.reconnect()
    (request,) = desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST)
    _mass_answer(desk, request, named_venue, total=1, last=True)
    (status,) = desk.sent(MsgType.ORDER_STATUS_REQUEST)
    assert status[tags.CL_ORD_ID] == missing.cl_ord_id
    assert desk.order(named.order_id).status is OrderStatus.NEW


def test_a_mass_answer_with_no_live_orders_applies_nothing_and_asks_about_each(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db", mass_status=True)
    order, _ = _live_order(desk)
    desk.line.reconnect()
    (request,) = desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST)
    nothing: list[tuple[int, FixValue]] = [(37, "NONE"), (17, "S1"), (150, "I"), (39, "8"), (55, "[N/A]")]
    nothing += [(54, "1"), (151, 0), (14, 0), (6, 0), (584, request[tags.MASS_STATUS_REQ_ID]), (911, 0), (912, "Y")]
    desk.hear(MsgType.EXECUTION_REPORT, [*nothing, (58, "no live orders for this session")])
    assert desk.sent(MsgType.REJECT) == []  # a report naming no order is the answer, not an unreadable message
    (status,) = desk.sent(MsgType.ORDER_STATUS_REQUEST)
    assert status[tags.CL_ORD_ID] == order.cl_ord_id
    assert desk.order(order.order_id).status is OrderStatus.NEW


def test_a_mass_answer_naming_an_order_not_ours_is_an_anomaly_not_a_dk(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db", mass_status=True)
    _live_order(desk)
    desk.line.reconnect()
    (request,) = desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST)
    _mass_answer(desk, request, VenueOrder("SOMEONE-ELSES", 5), total=1, last=True)
    assert desk.sent(MsgType.DONT_KNOW_TRADE) == desk.sent(MsgType.REJECT) == []
    (foreign,) = [a for a in desk.anomalies_recorded() if a.kind is AnomalyKind.FOREIGN_ORDER]
    assert "SOMEONE-ELSES" in foreign.detail
    assert foreign.order_id is None


def test_an_answer_to_a_mass_request_of_an_earlier_connection_does_not_count(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db", mass_status=True)
    order, venue = _live_order(desk)
    desk.line.reconnect()
    (old,) = desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST)
    desk.line.reconnect()
    new = desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST)[1]
    assert new[tags.MASS_STATUS_REQ_ID] != old[tags.MASS_STATUS_REQ_ID]
    _mass_answer(desk, old, VenueOrder("SOMEONE-ELSES", 5), total=1, last=True)  # late: the round is not over
    assert desk.sent(MsgType.ORDER_STATUS_REQUEST) == []
    _mass_answer(desk, new, venue, total=1, last=True)
    assert desk.sent(MsgType.ORDER_STATUS_REQUEST) == []
    assert desk.order(order.order_id).status is OrderStatus.NEW


def test_no_live_orders_no_status_requests(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db", mass_status=True)
    desk.line.reconnect()
    assert desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST) == desk.sent(MsgType.ORDER_STATUS_REQUEST) == []


def _status_answer(venue: VenueOrder, *ids: tuple[int, FixValue]) -> list[tuple[int, FixValue]]:
    """The venue's 150=I report that ``venue`` is working (39=0), naming the request it answers by ``ids``."""
    return [*report_fields(venue.report(ExecType.ORDER_STATUS, OrderStatus.NEW)), *ids]


def test_a_resent_answer_to_an_earlier_mass_request_cannot_free_a_cancel_in_doubt(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db", mass_status=True)
    order, venue = _live_order(desk)
    desk.line.reconnect()
    (earlier,) = desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST)
    asked_at = desk.clock.now()
    desk._carry(desk.session.connection_lost())
    assert desk.engine.cancel(CancelOrder(order.order_id, TRADER)).accepted  # goes by resend, or is gap-filled
    desk._carry(desk.session.connected())
    desk.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 30)])
    assert order.status is OrderStatus.UNKNOWN  # the cancel is in doubt until the venue says
    current = desk.sent(MsgType.ORDER_MASS_STATUS_REQUEST)[1]
    # The venue resends its answer to the earlier round: the order was working then, before our cancel.
    old_answer = _status_answer(venue, (tags.MASS_STATUS_REQ_ID, earlier[tags.MASS_STATUS_REQ_ID]))
    desk.hear(MsgType.EXECUTION_REPORT, [*old_answer, (tags.TOT_NUM_REPORTS, 1), (tags.LAST_RPT_REQUESTED, True)],
              poss_dup=True, orig_sending_time=asked_at)  # fmt: skip
    assert order.status is OrderStatus.UNKNOWN
    assert order.pending is not None
    (ignored,) = [a for a in desk.alerts() if a.kind is AlertKind.IGNORED]
    assert earlier[tags.MASS_STATUS_REQ_ID] in ignored.text
    assert "43=Y" in ignored.text
    assert desk.sent(MsgType.REJECT) == []
    _mass_answer(desk, current, venue, total=1, last=True)  # this round's answer: the venue never had the cancel
    assert (order.status, order.pending) == (OrderStatus.NEW, None)


def test_status_request_ids_are_not_reused_after_a_restart_and_a_late_answer_to_the_old_one_is_ignored(
    tmp_path: Path,
) -> None:
    desk = Desk(tmp_path / "desk.db")
    order, venue = desk.submit(100)  # no ack yet: its fate is unknown until a status answer
    desk.line.reconnect()
    (before,) = desk.sent(MsgType.ORDER_STATUS_REQUEST)
    desk.engine.store.close()
    again = Desk(tmp_path / "desk.db", venue_seq=desk.venue.next_seq)
    (after,) = again.sent(MsgType.ORDER_STATUS_REQUEST)
    assert after[tags.CL_ORD_ID] == before[tags.CL_ORD_ID] == order.cl_ord_id
    assert after[tags.ORD_STATUS_REQ_ID] != before[tags.ORD_STATUS_REQ_ID]
    late = _status_answer(venue, (tags.ORD_STATUS_REQ_ID, before[tags.ORD_STATUS_REQ_ID]))
    again.hear(MsgType.EXECUTION_REPORT, late)
    (ignored,) = [a for a in again.alerts() if a.kind is AlertKind.IGNORED]
    assert before[tags.ORD_STATUS_REQ_ID] in ignored.text
    assert again.order(order.order_id).status is OrderStatus.UNKNOWN
    again.hear(MsgType.EXECUTION_REPORT, _status_answer(venue, (tags.ORD_STATUS_REQ_ID, after[tags.ORD_STATUS_REQ_ID])))
    assert again.order(order.order_id).status is OrderStatus.NEW
