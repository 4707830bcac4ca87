"""Own or desk orders: a trader acts on their own and their desk's, a PM on their own, a supervisor on any."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.events import ActionRefused
from app.engine.ids import OrderId, UserId
from app.engine.order import Amendment
from app.engine.roles import Action
from app.engine.serialization import from_json
from tests.support.engine_kit import DESKMATE, OTHER_TRADER, PM, SUPERVISOR, TRADER, open_engine, spec
from tests.support.reports import VenueOrder


def _order_of(tmp_path: Path, owner: UserId) -> tuple[Engine, OrderId]:
    """A working order entered by ``owner`` in their own name, acknowledged by the venue."""
    engine, _ = open_engine(tmp_path / "s.db")
    order_id = engine.submit(SubmitOrder(spec(trader=owner), owner)).order_id
    assert order_id is not None
    engine.apply_venue_messages([VenueOrder(order_id, 100).ack()])
    return engine, order_id


@pytest.mark.parametrize(
    ("owner", "user", "allowed"),
    [
        (TRADER, TRADER, True),
        (TRADER, DESKMATE, True),
        (TRADER, OTHER_TRADER, False),
        (TRADER, PM, False),
        (PM, PM, True),
        (PM, TRADER, True),  # a PM's block is on desk EQ1, the trader's desk
        (OTHER_TRADER, SUPERVISOR, True),
    ],
)
def test_who_may_cancel_and_amend_whose_orders(tmp_path: Path, owner: UserId, user: UserId, allowed: bool) -> None:
    engine, order_id = _order_of(tmp_path, owner)
    assert engine.cancel(CancelOrder(order_id, user)).accepted is allowed
    if allowed:
        return
    assert not engine.replace(ReplaceOrder(order_id, Amendment(Decimal(50), Decimal(10)), user)).accepted
    kinds = [e.kind for e in engine.store.read_order(order_id)]
    assert kinds == ["OrderSubmitted", "ExecutionApplied", "ActionRefused", "ActionRefused"]


def test_a_refusal_names_both_desks_and_is_on_the_orders_timeline(tmp_path: Path) -> None:
    engine, order_id = _order_of(tmp_path, TRADER)
    result = engine.cancel(CancelOrder(order_id, OTHER_TRADER))
    assert result.message == f"trader2 is on desk EQ2; order {order_id} belongs to desk EQ1."
    refused = from_json(ActionRefused, engine.store.read_order(order_id)[-1].data)
    assert refused == ActionRefused(Action.CANCEL_ORDER, result.message, order_id)
    assert engine.ledger.orders[order_id].status.is_live


def test_a_pm_acts_only_on_their_own_orders(tmp_path: Path) -> None:
    engine, order_id = _order_of(tmp_path, TRADER)
    result = engine.cancel(CancelOrder(order_id, PM))
    assert result.message == (
        f"pm1 is a portfolio manager and may act only on their own orders; order {order_id} belongs to trader1."
    )


def test_an_order_may_be_entered_in_another_name_only_by_the_desk_or_a_supervisor(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "s.db")
    refused = engine.submit(SubmitOrder(spec(trader=TRADER), OTHER_TRADER))
    assert refused.message == "trader2 is on desk EQ2; an order in trader1's name belongs to desk EQ1."
    assert list(engine.ledger.orders) == []
    assert engine.submit(SubmitOrder(spec(trader=TRADER), DESKMATE)).accepted
    assert engine.submit(SubmitOrder(spec(trader=OTHER_TRADER), SUPERVISOR)).accepted
