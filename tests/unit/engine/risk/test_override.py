"""Warnings overridden with a typed reason by a role allowed to, refused otherwise; every decision logged."""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import OrderStatus
from app.engine.events import ActionRefused, OrderDenied, RiskFlagged, WarningOverridden
from app.engine.roles import Action
from tests.support.engine_kit import SUPERVISOR, TRADER
from tests.support.risk_kit import WARN, Desk


def test_a_warning_denies_without_a_reason_and_says_how_to_proceed(desk: Desk) -> None:
    desk.limit("max_order_qty", 50, WARN)
    result = desk.submit(user=SUPERVISOR)
    assert not result.accepted
    assert result.message == (
        "Order quantity 100 is over the soft limit of 50 for the desk. To send it anyway, someone allowed to "
        "override risk warnings must give a reason."
    )
    assert desk.kinds()[-2:] == ["RiskFlagged", "OrderDenied"]
    assert desk.outbound.sent == []


def test_a_supervisor_overrides_with_a_reason_and_the_override_names_them(desk: Desk) -> None:
    desk.limit("max_order_qty", 50, WARN)
    desk.limit("duplicate_window_s", 5, WARN)
    assert desk.submit(user=SUPERVISOR, override="client order, confirmed by phone").accepted
    result = desk.submit(user=SUPERVISOR, override="client order, confirmed by phone")
    assert result.accepted
    assert result.order_id is not None
    flagged_then_overridden = ["RiskFlagged", "RiskFlagged", "WarningOverridden", "WarningOverridden", "OrderSubmitted"]
    assert desk.kinds()[-5:] == flagged_then_overridden
    overrides = [o for o in desk.events(WarningOverridden) if o.order_id == result.order_id]
    assert {o.rule for o in overrides} == {"max_order_qty", "duplicate_window_s"}
    assert {(o.user, o.reason) for o in overrides} == {(SUPERVISOR, "client order, confirmed by phone")}
    assert desk.engine.ledger.orders[result.order_id].status is OrderStatus.PENDING_NEW
    assert len(desk.outbound.sent) == 2


def test_a_trader_may_not_override_and_the_refusal_is_audited_on_the_order(desk: Desk) -> None:
    desk.limit("max_order_qty", 50, WARN)
    result = desk.submit(user=TRADER, override="I am sure")
    assert not result.accepted
    assert result.message.endswith("trader1 is a trader; a trader cannot override risk warnings.")
    [refused] = desk.events(ActionRefused)
    assert refused == ActionRefused(
        Action.OVERRIDE_WARNING, "trader1 is a trader; a trader cannot override risk warnings.", result.order_id
    )
    [denied] = desk.events(OrderDenied)
    assert denied.order_id == result.order_id
    assert desk.events(WarningOverridden) == []


def test_a_block_is_never_overridden(desk: Desk) -> None:
    desk.limit("max_order_qty", 50)
    desk.limit("max_order_qty", 20, WARN)
    result = desk.submit(user=SUPERVISOR, override="please")
    assert not result.accepted
    assert result.message == "Order quantity 100 is over the limit of 50 for the desk."
    [flag] = desk.events(RiskFlagged)
    assert (flag.finding.rule, flag.finding.limit, flag.finding.value) == ("max_order_qty", "50", "100")


def test_an_amend_warning_is_overridden_like_a_new_order(desk: Desk) -> None:
    order_id = desk.working()
    desk.limit("max_order_qty", 150, WARN)
    assert not desk.amend(order_id, 200).accepted
    assert not desk.amend(order_id, 200, override="client asked").accepted  # the trader may not
    assert desk.amend(order_id, 200, override="client asked", user=SUPERVISOR).accepted
    assert desk.engine.ledger.orders[order_id].pending is not None


def test_a_clean_pass_records_only_the_order(desk: Desk) -> None:
    desk.limit("max_order_qty", 1000)
    before = len(desk.kinds())
    assert desk.submit(qty=Decimal(10)).accepted
    assert desk.kinds()[before:] == ["OrderSubmitted"]
