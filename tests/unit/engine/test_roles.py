"""Roles: the one permission table, and the engine refusing (and recording) what a role does not allow."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.commands import CancelOrder, SubmitOrder
from app.engine.events import ActionRefused
from app.engine.ids import UserId
from app.engine.roles import PERMISSIONS, Action, Role, allows, refusal
from app.engine.serialization import from_json
from tests.support.engine_kit import SUPERVISOR, TRADER, VIEWER, open_engine, spec


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.TRADER, Action.ENTER_ORDER, True),
        (Role.TRADER, Action.KILL_SWITCH, False),
        (Role.TRADER, Action.ALLOCATE, False),
        (Role.PM, Action.ALLOCATE, True),
        (Role.PM, Action.EDIT_LIMITS, False),
        (Role.SUPERVISOR, Action.RESUME_TRADING, True),
        (Role.VIEWER, Action.CANCEL_ORDER, False),
        (None, Action.ENTER_ORDER, False),
    ],
)
def test_the_permission_table(role: Role | None, action: Action, allowed: bool) -> None:
    assert allows(role, action) is allowed


def test_a_supervisor_may_do_everything_and_a_viewer_nothing() -> None:
    assert PERMISSIONS[Role.SUPERVISOR] == frozenset(Action)
    assert PERMISSIONS[Role.VIEWER] == frozenset()


def test_a_refusal_names_the_user_the_role_and_the_action() -> None:
    assert refusal(UserId("ann"), Role.VIEWER, Action.ENTER_ORDER) == "ann is a viewer; a viewer cannot enter orders."
    assert "is not a user of this desk" in refusal(UserId("eve"), None, Action.CANCEL_ORDER)


def test_a_viewer_cannot_enter_an_order_and_the_refusal_is_audited(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3")
    result = engine.submit(SubmitOrder(spec(), VIEWER))
    assert not result.accepted
    assert result.message == "viewer1 is a viewer; a viewer cannot enter orders."
    assert outbound.sent == []
    assert list(engine.ledger.orders) == []
    [stored] = engine.store.read()
    assert (stored.kind, stored.user) == ("ActionRefused", VIEWER)
    assert from_json(ActionRefused, stored.data) == ActionRefused(Action.ENTER_ORDER, result.message)


def test_a_refused_cancel_leaves_the_order_working_and_shows_on_its_timeline(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3")
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    result = engine.cancel(CancelOrder(order_id, UserId("stranger")))
    assert not result.accepted
    assert "stranger is not a user of this desk" in result.message
    assert len(outbound.sent) == 1
    assert [e.kind for e in engine.store.read_order(order_id)] == ["OrderSubmitted", "ActionRefused"]


def test_a_supervisor_may_cancel_a_traders_order(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3")
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    assert engine.cancel(CancelOrder(order_id, SUPERVISOR)).accepted
    assert len(outbound.sent) == 2
