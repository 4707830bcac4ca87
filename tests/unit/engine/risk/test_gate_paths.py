"""No way round the gate: a parent's slice, a TWAP's child and a SMART order are each judged on the terms they go
out with (a SMART order at the venue it is routed to) and a breach sends nothing; a kill switch's cancels, which
take risk away, go out even when the trader's message rate is spent."""

from __future__ import annotations

from decimal import Decimal

from app.engine.commands import SubmitOrder
from app.engine.enums import Side
from app.engine.events import OrderDenied
from app.engine.ids import AccountId, OrderId
from app.engine.kill_terms import KillGrade, Scope
from app.engine.order import RequestKind
from app.engine.parent_terms import ParentSpec
from app.engine.prices import Quote
from app.engine.risk.verdict import Severity
from app.engine.smart_routing import SMART, SmartRouter
from tests.support.engine_kit import SUPERVISOR, TRADER, spec
from tests.support.risk_kit import Desk

D = Decimal


def _parent(desk: Desk) -> OrderId:
    parent = ParentSpec("AAPL", Side.BUY, D(1000), AccountId("ACC1"), TRADER, limit_px=D(10))
    staged = desk.engine.stage_parent(parent, TRADER)
    assert staged.accepted, staged.message
    assert staged.order_id is not None
    return staged.order_id


def _new_orders_sent(desk: Desk) -> list[Decimal]:
    return [r.qty for r in desk.outbound.sent if r.kind is RequestKind.NEW]


def test_a_parents_slice_over_a_limit_is_denied_by_the_gate_and_nothing_goes(desk: Desk) -> None:
    parent_id = _parent(desk)
    desk.limit("max_order_qty", 300)
    refused = desk.engine.submit(SubmitOrder(spec(qty=D(400), parent_id=parent_id), TRADER))
    assert not refused.accepted
    assert refused.message == "Order quantity 400 is over the limit of 300 for the desk."
    assert desk.engine.submit(SubmitOrder(spec(qty=D(300), parent_id=parent_id), TRADER)).accepted
    assert _new_orders_sent(desk) == [D(300)]


def test_a_twaps_children_pass_the_gate_like_any_order(desk: Desk) -> None:
    parent_id = _parent(desk)
    desk.limit("max_order_qty", 300)
    assert desk.engine.start_twap(parent_id, TRADER, minutes=10, slices=3, destination="SIM1").accepted
    desk.clock.advance(600)
    desk.engine.run_twaps()
    assert _new_orders_sent(desk) == []  # every slice is 333 or more: each denied
    denied = desk.events(OrderDenied)
    assert denied
    assert {(d.rule, d.spec.parent_id) for d in denied} == {("max_order_qty", parent_id)}


def test_a_smart_order_is_judged_by_the_limits_of_the_venue_it_is_routed_to(desk: Desk) -> None:
    desk.engine.router = SmartRouter(["SIM1"], desk.prices)
    desk.prices.update([Quote("AAPL", D("9.99"), D("10.01"), None, desk.clock.now(), "SIM1")])
    desk.limit("max_order_qty", 50, venue="SIM1")
    refused = desk.submit(destination=SMART)
    assert not refused.accepted
    assert refused.message == "Order quantity 100 is over the limit of 50 for venue SIM1."
    assert desk.submit(destination=SMART, qty=D(50)).accepted
    assert [(r.qty, r.destination) for r in desk.outbound.sent if r.kind is RequestKind.NEW] == [(D(50), "SIM1")]


def test_a_kill_switchs_cancels_go_even_when_the_message_rate_is_spent(desk: Desk) -> None:
    desk.limit("message_rate", 2)
    desk.limit("rate_window_s", 60)
    working = [desk.working(), desk.working(qty=D(200))]
    assert desk.rules() == {"message_rate": Severity.BLOCK}  # the trader may send nothing more
    desk.outbound.sent.clear()
    result = desk.engine.engage_kill_switch(Scope.everything(), KillGrade.CANCEL_WORKING, SUPERVISOR, "ALL", "test")
    assert result.accepted, result.message
    cancels = [r.order_id for r in desk.outbound.sent if r.kind is RequestKind.CANCEL]
    assert sorted(cancels) == sorted(working)
