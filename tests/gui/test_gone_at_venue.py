"""An order the venue forgot (the embedded simulator restarted) reads as such, not as "Rejected by venue"."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus
from app.engine.ids import OrderId
from app.engine.order import LinkOutcome
from app.ui.blotter_columns import STATUS_COLUMN
from app.ui.main_window import MainWindow
from tests.gui.conftest import status_shown, wait_for_status
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

FORGOTTEN = "no order with ClOrdID {} in AAPL for this session"
"""What the simulator answers a status request about an order it does not hold."""


def _sent(engine: Engine) -> tuple[OrderId, VenueOrder]:
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100)), TRADER)).order_id
    assert order_id is not None
    return order_id, VenueOrder(order_id, 100)


def _tooltip(window: MainWindow, order_id: OrderId) -> str:
    model = window.blotter.model
    row = model.row_of(order_id)
    assert row is not None
    return str(model.index(row, STATUS_COLUMN).data(Qt.ItemDataRole.ToolTipRole))


def test_a_working_order_the_venue_no_longer_knows_says_so(qtbot: QtBot, window: MainWindow, engine: Engine) -> None:
    order_id, venue = _sent(engine)
    engine.apply_venue_messages([venue.ack()])
    wait_for_status(qtbot, window, order_id, "Working")
    answer = venue.report(ExecType.ORDER_STATUS, OrderStatus.REJECTED)
    engine.apply_venue_messages([dataclasses.replace(answer, text=FORGOTTEN.format(order_id))])
    wait_for_status(qtbot, window, order_id, "Not working: venue no longer knows it")
    assert engine.ledger.orders[order_id].status is OrderStatus.REJECTED  # the engine's state rules stand
    tip = _tooltip(window, order_id)
    assert "no longer knows this order" in tip
    assert "it is not working" in tip
    assert f"The venue said: {FORGOTTEN.format(order_id)}" in tip


def test_a_new_order_the_venue_refuses_is_still_rejected_by_venue(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    order_id, venue = _sent(engine)
    engine.apply_venue_messages([venue.report(ExecType.REJECTED, OrderStatus.REJECTED)])
    wait_for_status(qtbot, window, order_id, "Rejected by venue")
    assert status_shown(window, order_id) == "Rejected by venue"


def test_an_order_sent_but_never_acknowledged_that_the_venue_does_not_know_says_so(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    """Sent, no ack, the simulator restarted (the line dropped): its status answer says it has no such order."""
    order_id, venue = _sent(engine)
    wait_for_status(qtbot, window, order_id, "New pending (not yet at venue)")
    engine.line_lost("SIM1")
    answer = venue.report(ExecType.ORDER_STATUS, OrderStatus.REJECTED)
    engine.apply_venue_messages([dataclasses.replace(answer, text=FORGOTTEN.format(order_id))])
    wait_for_status(qtbot, window, order_id, "Not working: venue has no record of it")
    order = engine.ledger.orders[order_id]
    assert order.status is OrderStatus.REJECTED
    assert order.chain[0].outcome is LinkOutcome.LOST  # lost on the way, not refused
    tip = _tooltip(window, order_id)
    assert "no record of this order" in tip
    assert f"The venue said: {FORGOTTEN.format(order_id)}" in tip


def test_an_order_the_venue_does_not_know_is_found_by_what_its_row_says(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    order_id, venue = _sent(engine)
    refused, _ = _sent(engine)
    engine.apply_venue_messages([VenueOrder(refused, 100).report(ExecType.REJECTED, OrderStatus.REJECTED)])
    engine.apply_venue_messages([venue.report(ExecType.ORDER_STATUS, OrderStatus.REJECTED)])
    wait_for_status(qtbot, window, order_id, "Not working: venue has no record of it")
    window.blotter.search.setText("no record")
    assert window.blotter.model.shown_ids() == [order_id]
    window.blotter.search.setText("rejected")
    assert window.blotter.model.shown_ids() == [refused]
