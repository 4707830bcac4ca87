"""A trader's day in the real window: type an order, watch it go pending new, new, filled; cancel; amend; open
an order's history."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.commands import CancelOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus
from app.engine.ids import OrderId
from app.engine.order import RequestKind
from app.ui.blotter_columns import STATUS_COLUMN
from app.ui.main_window import MainWindow
from app.ui.order_text import px_text, status_icon
from app.ui.order_timeline_view import QtOrderTimeline
from tests.gui.conftest import status_shown, wait_for_status
from tests.support.engine_kit import TRADER, RecordingOutbound, spec
from tests.support.reports import VenueOrder


def type_order(qtbot: QtBot, window: MainWindow, symbol: str, qty: str, limit: str) -> None:
    ticket = window.ticket
    QTest.keyClicks(ticket.symbol, symbol)
    QTest.keyClicks(ticket.qty, qty)
    QTest.keyClicks(ticket.limit_px, limit)
    QTest.keyClick(ticket.limit_px, Qt.Key.Key_Return)


def only_order(engine: Engine) -> OrderId:
    [order_id] = engine.ledger.orders
    return order_id


def test_a_typed_order_goes_pending_new_then_working_then_filled(
    qtbot: QtBot, window: MainWindow, engine: Engine, outbound: RecordingOutbound
) -> None:
    type_order(qtbot, window, "msft", "1,000", "412.5")
    order_id = only_order(engine)
    [request] = outbound.sent
    assert (request.symbol, request.qty, request.limit_px) == ("MSFT", Decimal(1000), Decimal("412.5"))
    wait_for_status(qtbot, window, order_id, "New pending")
    assert italic(window, 0)
    hourglass = status_icon(OrderStatus.PENDING_NEW)
    assert hourglass is not None
    assert icon_key(window, 0) == hourglass.cacheKey()  # not colour alone: words, italics and an icon
    assert "Sent" in window.ticket.result.text()

    venue = VenueOrder(order_id, 1000)
    engine.apply_venue_messages([venue.ack()])
    wait_for_status(qtbot, window, order_id, "Working")
    assert icon_key(window, 0) is None
    engine.apply_venue_messages([venue.fill(400, 412), venue.fill(600, 413)])
    wait_for_status(qtbot, window, order_id, "Filled")
    assert window.blotter.model.is_flashing(order_id)
    assert window.blotter.model.index(0, STATUS_COLUMN).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert window.executions.rowCount() == 2
    assert window.positions.rowCount() == 1
    assert window.positions.index(0, 2).data() == "1,000"


def test_cancel_from_the_blotter_shows_cancel_pending_until_the_venue_confirms(
    qtbot: QtBot, window: MainWindow, engine: Engine, outbound: RecordingOutbound
) -> None:
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack()])
    wait_for_status(qtbot, window, order_id, "Working")
    window.blotter.select(order_id)
    window.blotter.table.setFocus()
    QTest.keyClick(window.blotter.table, Qt.Key.Key_Delete)
    cancel = outbound.sent[-1]
    assert cancel.kind is RequestKind.CANCEL
    wait_for_status(qtbot, window, order_id, "Cancel pending")
    assert "Cancel pending" in window.statusBar().currentMessage()

    engine.apply_venue_messages([venue.fill(30)])  # a fill beats the cancel: counted, still pending
    qtbot.waitUntil(lambda: window.executions.rowCount() == 1)
    assert status_shown(window, order_id).startswith("Cancel pending")
    assert window.blotter.model.index(0, 5).data() == "30"

    engine.apply_venue_messages([venue.canceled(cancel.cl_ord_id)])
    wait_for_status(qtbot, window, order_id, "Canceled")
    assert not italic(window, 0)


def test_cancel_all_shown_cancels_only_working_orders(
    qtbot: QtBot, window: MainWindow, engine: Engine, outbound: RecordingOutbound
) -> None:
    ids = [engine.submit(SubmitOrder(spec(), TRADER)).order_id for _ in range(3)]
    venues = [VenueOrder(str(i), 100) for i in ids]
    engine.apply_venue_messages([v.ack() for v in venues] + [venues[2].fill(100)])
    qtbot.waitUntil(lambda: window.blotter.model.rowCount() == 3)
    window.blotter.cancel_all_action.trigger()
    confirm = window.blotter.confirm
    assert confirm is not None
    assert confirm.isVisible()
    assert confirm.text() == "Cancel 2 working orders shown?"
    assert not [r for r in outbound.sent if r.kind is RequestKind.CANCEL]  # nothing before the trader confirms
    confirm.buttons()[0].click()
    cancels = [r for r in outbound.sent if r.kind is RequestKind.CANCEL]
    assert sorted(r.orig_cl_ord_id or "" for r in cancels) == sorted(str(i) for i in ids[:2])


def test_cancel_all_sends_nothing_when_the_trader_keeps_the_orders(
    qtbot: QtBot, window: MainWindow, engine: Engine, outbound: RecordingOutbound
) -> None:
    ids = [engine.submit(SubmitOrder(spec(symbol=s), TRADER)).order_id for s in ("AAPL", "AAPL", "MSFT")]
    qtbot.waitUntil(lambda: window.blotter.model.rowCount() == 3)
    QTest.keyClick(window, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    confirm = window.blotter.confirm
    assert confirm is not None
    assert confirm.text() == "Cancel 3 working orders shown?"
    QTest.keyClick(confirm, Qt.Key.Key_Return)  # the default button keeps them
    assert not [r for r in outbound.sent if r.kind is RequestKind.CANCEL]
    box = window.blotter.cancel_symbol("AAPL")
    assert box is not None
    assert box.text() == "Cancel 2 working orders in AAPL?"
    box.buttons()[0].click()
    cancels = [r for r in outbound.sent if r.kind is RequestKind.CANCEL]
    assert sorted(r.orig_cl_ord_id or "" for r in cancels) == sorted(str(i) for i in ids[:2])


def test_a_cancel_the_engine_refuses_is_said_in_the_status_bar(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    engine.apply_venue_messages([VenueOrder(order_id, 100).ack()])
    assert engine.cancel(CancelOrder(order_id, TRADER)).accepted
    wait_for_status(qtbot, window, order_id, "Cancel pending")
    window.blotter.select(order_id)
    window.blotter.cancel_action.trigger()
    assert "already pending" in window.statusBar().currentMessage()


def test_amend_from_the_blotter_shows_amend_pending_and_warns_of_lost_priority(
    qtbot: QtBot, window: MainWindow, engine: Engine, outbound: RecordingOutbound
) -> None:
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    engine.apply_venue_messages([VenueOrder(order_id, 100).ack()])
    wait_for_status(qtbot, window, order_id, "Working")
    window.blotter.select(order_id)
    dialog = window.blotter.amend_current()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert "keeps its place" in dialog.priority.text()
    dialog.qty.clear()
    QTest.keyClicks(dialog.qty, "60")
    assert "keeps its place" in dialog.priority.text()  # less quantity keeps the order's place
    dialog.limit_px.clear()
    QTest.keyClicks(dialog.limit_px, "101")
    assert "loses" in dialog.priority.text()  # a new price goes to the back of the queue
    dialog.limit_px.clear()
    QTest.keyClicks(dialog.limit_px, px_text(engine.ledger.orders[order_id].limit_px))
    assert "keeps its place" in dialog.priority.text()
    dialog.qty.clear()
    QTest.keyClicks(dialog.qty, "150")
    assert "loses" in dialog.priority.text()  # and so does more quantity
    dialog.send()
    assert outbound.sent[-1].kind is RequestKind.REPLACE
    wait_for_status(qtbot, window, order_id, "Amend pending")
    assert engine.ledger.orders[order_id].status is OrderStatus.PENDING_REPLACE


def test_an_amend_with_nothing_changed_cannot_be_sent(qtbot: QtBot, window: MainWindow, engine: Engine) -> None:
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    engine.apply_venue_messages([VenueOrder(order_id, 100).ack()])
    qtbot.waitUntil(lambda: window.blotter.model.row_of(order_id) is not None)
    window.blotter.select(order_id)
    dialog = window.blotter.amend_current()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert "Nothing to amend" in dialog.problems.text()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()


def icon_key(window: MainWindow, row: int) -> int | None:
    shown = window.blotter.model.index(row, STATUS_COLUMN).data(Qt.ItemDataRole.DecorationRole)
    return shown.cacheKey() if isinstance(shown, QIcon) else None


def test_every_state_awaiting_the_venue_has_an_icon_and_unknown_its_own(qtbot: QtBot) -> None:
    pending = {s: status_icon(s) for s in OrderStatus if s.is_pending}
    assert all(i is not None and not i.isNull() for i in pending.values())
    assert all(status_icon(s) is None for s in OrderStatus if not s.is_pending)
    unknown = pending.pop(OrderStatus.UNKNOWN)
    assert unknown is not None
    assert all(i is not None and i.cacheKey() != unknown.cacheKey() for i in pending.values())


def italic(window: MainWindow, row: int) -> bool:
    font = window.blotter.model.index(row, STATUS_COLUMN).data(Qt.ItemDataRole.FontRole)
    return isinstance(font, QFont) and font.italic()


def test_an_order_whose_fate_is_unknown_is_settled_by_request_status_from_the_blotter(
    qtbot: QtBot, window: MainWindow, engine: Engine, outbound: RecordingOutbound
) -> None:
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack()])
    assert engine.cancel(CancelOrder(order_id, TRADER)).accepted
    engine.line_lost("SIM1")
    wait_for_status(qtbot, window, order_id, "UNKNOWN: line lost, ask venue")
    window.blotter.select(order_id)
    assert window.blotter.status_action.isEnabled()
    window.blotter.status_action.trigger()
    assert [r.order_id for r in outbound.status_requests] == [order_id]
    assert "Status asked for 1 order" in window.statusBar().currentMessage()
    engine.apply_venue_messages([venue.report(ExecType.ORDER_STATUS, OrderStatus.NEW)])
    wait_for_status(qtbot, window, order_id, "Working")


def test_cancel_everything_reaches_working_orders_the_filter_hides(
    qtbot: QtBot, window: MainWindow, engine: Engine, outbound: RecordingOutbound
) -> None:
    ids = [engine.submit(SubmitOrder(spec(symbol=s), TRADER)).order_id for s in ("AAPL", "MSFT", "IBM")]
    qtbot.waitUntil(lambda: window.blotter.model.rowCount() == 3)
    window.blotter.search.setText("aapl")
    qtbot.waitUntil(lambda: window.blotter.model.rowCount() == 1)
    box = window.blotter.cancel_everything()
    assert box is not None
    assert box.text() == "Cancel 3 working orders shown or not?"
    box.buttons()[0].click()
    cancels = [r for r in outbound.sent if r.kind is RequestKind.CANCEL]
    assert sorted(r.orig_cl_ord_id or "" for r in cancels) == sorted(str(i) for i in ids)


def test_double_clicking_an_order_opens_its_history(qtbot: QtBot, window: MainWindow, engine: Engine) -> None:
    first, second = (engine.submit(SubmitOrder(spec(symbol=s), TRADER)).order_id for s in ("AAPL", "MSFT"))
    qtbot.waitUntil(lambda: window.blotter.model.rowCount() == 2)
    assert first is not None
    assert second is not None
    row = window.blotter.model.row_of(second)
    assert row is not None
    table = window.blotter.table
    cell = table.visualRect(window.blotter.model.index(row, 0)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    timeline = window.blotter.findChild(QtOrderTimeline)
    assert timeline is not None
    assert timeline.isVisible()
    assert str(second) in timeline.windowTitle()
    assert str(first) not in timeline.windowTitle()


def test_cancel_all_in_the_orders_symbol_and_cancel_everything_have_hotkeys(
    qtbot: QtBot, window: MainWindow, engine: Engine, outbound: RecordingOutbound
) -> None:
    ids = [engine.submit(SubmitOrder(spec(symbol=s), TRADER)).order_id for s in ("AAPL", "MSFT", "AAPL")]
    qtbot.waitUntil(lambda: window.blotter.model.rowCount() == 3)
    assert ids[2] is not None
    window.blotter.select(ids[2])
    QTest.keyClick(window, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    confirm = window.blotter.confirm
    assert confirm is not None
    assert confirm.text() == "Cancel 2 working orders in AAPL?"
    QTest.keyClick(confirm, Qt.Key.Key_Return)  # the default button keeps them
    window.blotter.search.setText("msft")
    qtbot.waitUntil(lambda: window.blotter.model.rowCount() == 1)
    QTest.keyClick(window, Qt.Key.Key_F12, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    everything = window.blotter.confirm
    assert everything is not None
    assert everything is not confirm
    assert everything.text() == "Cancel 3 working orders shown or not?"
    everything.buttons()[0].click()
    cancels = [r for r in outbound.sent if r.kind is RequestKind.CANCEL]
    assert sorted(r.orig_cl_ord_id or "" for r in cancels) == sorted(str(i) for i in ids)
