"""In a burst of fills the executions view adds rows at most every ``HOLD_MS``: the first fill after a quiet spell
shows at once, those right after it wait and then show together, in order, none lost."""

from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.ui.executions_model import EXECUTION_COLUMNS
from app.ui.main_window import MainWindow
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

QTY_COLUMN = [title for title, _, _ in EXECUTION_COLUMNS].index("Qty")


def test_fills_in_a_burst_wait_for_the_hold_and_all_show_in_order(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100)), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack()])
    window.bridge.flush()
    executions = window.executions

    engine.apply_venue_messages([venue.fill(10)])
    window.bridge.flush()
    assert executions.rowCount() == 1  # after a quiet spell: at once
    for qty in (20, 30, 40):
        engine.apply_venue_messages([venue.fill(qty)])
        window.bridge.flush()
    assert (executions.rowCount(), executions.waiting) == (1, 3)

    qtbot.waitUntil(lambda: executions.rowCount() == 4)
    assert executions.waiting == 0
    assert [executions.index(row, QTY_COLUMN).data() for row in range(4)] == ["10", "20", "30", "40"]
