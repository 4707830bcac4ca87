"""A working order whose cancel or amend the venue refused says so in its row until the next request."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.ids import OrderId
from app.engine.order import Amendment, RequestKind
from app.ui.blotter_columns import STATUS_COLUMN
from app.ui.main_window import MainWindow
from tests.gui.conftest import wait_for_status
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder


def _working(engine: Engine) -> tuple[OrderId, VenueOrder]:
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100)), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack()])
    return order_id, venue


def _refuse_last_request(engine: Engine, venue: VenueOrder, order_id: OrderId, kind: RequestKind) -> None:
    request = engine.ledger.orders[order_id].chain[-1].cl_ord_id
    engine.apply_venue_messages([venue.reject_request(request, kind)])


def _tooltip(window: MainWindow, order_id: OrderId) -> str:
    model = window.blotter.model
    row = model.row_of(order_id)
    assert row is not None
    return str(model.index(row, STATUS_COLUMN).data(Qt.ItemDataRole.ToolTipRole))


def test_a_refused_cancel_shows_beside_the_working_state_until_the_next_request(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    order_id, venue = _working(engine)
    engine.cancel(CancelOrder(order_id, TRADER))
    wait_for_status(qtbot, window, order_id, "Cancel pending (still working)")
    _refuse_last_request(engine, venue, order_id, RequestKind.CANCEL)
    wait_for_status(qtbot, window, order_id, "Working: cancel refused")
    assert "The venue refused the cancel: Too late to cancel" in _tooltip(window, order_id)
    window.blotter.search.setText("accepted")
    assert window.blotter.model.row_of(order_id) is None
    window.blotter.search.setText("refused")
    assert window.blotter.model.row_of(order_id) is not None  # found by the words its row shows
    window.blotter.search.clear()
    engine.apply_venue_messages([venue.fill(40)])
    wait_for_status(qtbot, window, order_id, "Partially filled: cancel refused")  # still true after a fill
    engine.cancel(CancelOrder(order_id, TRADER))
    wait_for_status(qtbot, window, order_id, "Cancel pending (still working)")


def test_a_refused_amend_says_so_and_a_finished_order_says_only_how_it_ended(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    order_id, venue = _working(engine)
    engine.replace(ReplaceOrder(order_id, Amendment(Decimal(200), Decimal(10), None), TRADER))
    _refuse_last_request(engine, venue, order_id, RequestKind.REPLACE)
    wait_for_status(qtbot, window, order_id, "Working: amend refused")
    assert "The venue refused the amend" in _tooltip(window, order_id)
    engine.apply_venue_messages([venue.fill(100)])
    wait_for_status(qtbot, window, order_id, "Filled")
