"""A user's status request: the one click that settles an order whose fate is unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.commands import CancelOrder
from app.engine.enums import ExecType, OrderStatus
from app.engine.events import EVENT_TYPES, ActionRefused, StatusRequested
from app.engine.ids import OrderId
from app.engine.order import LinkOutcome
from app.engine.serialization import from_json
from app.engine.venue_messages import StatusRequest
from tests.support.engine_kit import TRADER, VIEWER, open_engine
from tests.unit.engine.order_desk import Desk


def _logged(desk: Desk) -> list[object]:
    return [from_json(EVENT_TYPES[r.kind], r.data) for r in desk.engine.store.read()]


def test_an_unknown_order_is_settled_by_asking_its_status(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40", "cancel", "line_lost")
    assert desk.order.status is OrderStatus.UNKNOWN
    assert not desk.engine.cancel(CancelOrder(desk.order_id, TRADER)).accepted  # "request its status first"
    assert desk.engine.request_status(desk.order_id, TRADER).accepted
    (asked,) = desk.outbound.status_requests
    assert (asked.order_id, asked.cl_ord_id, asked.destination) == (desk.order_id, desk.order.cl_ord_id, "SIM1")
    recorded = [e for e in _logged(desk) if isinstance(e, StatusRequested)]
    assert recorded == [StatusRequested(desk.order_id, asked.cl_ord_id, asked.status_req_id)]
    desk.send(desk.venue.report(ExecType.ORDER_STATUS, OrderStatus.PARTIALLY_FILLED))
    assert desk.order.status is OrderStatus.PARTIALLY_FILLED
    assert desk.engine.cancel(CancelOrder(desk.order_id, TRADER)).accepted


def test_a_status_request_is_refused_to_whoever_may_not_cancel_the_order(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    result = desk.engine.request_status(desk.order_id, VIEWER)
    assert not result.accepted
    assert desk.outbound.status_requests == []
    assert any(isinstance(e, ActionRefused) for e in _logged(desk))
    assert not any(isinstance(e, StatusRequested) for e in _logged(desk))


def test_a_status_request_for_an_order_nobody_has_is_refused_in_words(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    result = desk.engine.request_status(OrderId("NOPE-1"), TRADER)
    assert not result.accepted
    assert "NOPE-1" in result.message
    assert desk.outbound.status_requests == []


def test_the_request_restates_the_order_for_the_venue(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    desk.steps("ack")
    assert desk.engine.request_status(desk.order_id, TRADER).accepted
    (asked,) = desk.outbound.status_requests
    order = desk.order
    assert asked == StatusRequest(
        "SIM1", order.order_id, order.cl_ord_id, order.spec.symbol, order.spec.side, asked.status_req_id,
        order.venue_order_id,
    )  # fmt: skip
    assert asked.venue_order_id is not None


@pytest.mark.parametrize("snapshot", [False, True])
def test_a_new_order_the_venue_does_not_know_was_lost_not_refused(tmp_path: Path, snapshot: bool) -> None:
    """Sent, no ack, the line dropped (the venue restarted): a status answer with OrdStatus 8 says the venue has no
    such order, so the new order's link is lost, which the desktop reads as "venue has no record of it"; a replay or
    a snapshot gives the same."""
    desk = Desk(tmp_path)
    desk.steps("line_lost")
    desk.send(desk.venue.report(ExecType.ORDER_STATUS, OrderStatus.REJECTED))
    assert desk.order.status is OrderStatus.REJECTED
    assert [link.outcome for link in desk.order.chain] == [LinkOutcome.LOST]
    if snapshot:
        desk.engine.snapshot()
    desk.engine.close()
    again, _ = open_engine(tmp_path / "desk.sqlite3")
    assert [link.outcome for link in again.ledger.orders[desk.order_id].chain] == [LinkOutcome.LOST]
    again.close()


def test_a_new_order_the_venue_rejects_is_refused(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    desk.steps("rejected")
    assert desk.order.status is OrderStatus.REJECTED
    assert [link.outcome for link in desk.order.chain] == [LinkOutcome.REJECTED]
