"""The engine bridge: every change reaches the views, at most once per batch, coalesced when batches race."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.ids import OrderId
from app.ui.bridge import EngineBridge
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder


def test_one_batch_is_one_emit_with_each_changed_order_once(qtbot: QtBot, engine: Engine) -> None:
    bridge = EngineBridge(engine)
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    bridge.flush()
    got: list[list[OrderId]] = []
    bridge.ordersChanged.connect(got.append)
    venue = VenueOrder(order_id, 100)
    with qtbot.waitSignal(bridge.fillsArrived) as fills:
        engine.apply_venue_messages([venue.ack(), venue.fill(40), venue.fill(60)])
    assert got == [[order_id]]
    assert len(fills.args[0]) == 2


def test_batches_faster_than_the_screen_are_coalesced_and_none_is_lost(qtbot: QtBot, engine: Engine) -> None:
    bridge = EngineBridge(engine, max_rate=5)
    seen: set[OrderId] = set()
    bridge.ordersChanged.connect(seen.update)
    submitted = {engine.submit(SubmitOrder(spec(), TRADER)).order_id for _ in range(50)}
    qtbot.waitUntil(lambda: bridge.idle)
    assert seen == submitted
    assert bridge.emits < 50 / 2
