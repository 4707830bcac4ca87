"""The kill switch on screen: a supervisor engages it from the toolbar, watches the cancels confirm, resumes."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import OrderStatus
from app.engine.ids import OrderId
from app.engine.kill_terms import KillGrade, Scope, ScopeKind
from app.ui.main_window import MainWindow
from tests.gui.conftest import status_shown, wait_for_status
from tests.support.engine_kit import SUPERVISOR, TRADER, spec
from tests.support.reports import VenueOrder


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def _working(engine: Engine, n: int) -> dict[OrderId, VenueOrder]:
    venues = {}
    for _ in range(n):
        order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
        assert order_id is not None
        venues[order_id] = VenueOrder(order_id, 100)
        engine.apply_venue_messages([venues[order_id].ack()])
    return venues


def test_a_supervisor_engages_cancel_working_watches_it_confirm_and_resumes(
    qtbot: QtBot, engine: Engine, settings: QSettings
) -> None:
    window = MainWindow(engine, ["SIM1", "SIM2"], user=SUPERVISOR, settings=settings)
    qtbot.addWidget(window)
    window.show()
    venues = _working(engine, 2)
    assert window.kill_action.isEnabled()
    assert window.kill_action.shortcut() == QKeySequence("Ctrl+Shift+K")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.kill_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)

    dialog.kind.setCurrentIndex(dialog.kind.findData(ScopeKind.VENUE))
    assert [dialog.target.itemText(i) for i in range(dialog.target.count())] == ["SIM1", "SIM2"]
    dialog.grade.setCurrentIndex(dialog.grade.findData(KillGrade.CANCEL_WORKING))
    QTest.keyClicks(dialog.reason, "fat finger on SIM1")
    assert dialog.prompt.text() == "Type SIM1 to confirm"
    QTest.keyClicks(dialog.confirmation, "ALL")
    assert not dialog.engage_button.isEnabled()
    dialog.confirmation.clear()
    QTest.keyClicks(dialog.confirmation, "SIM1")
    assert dialog.engage_button.isEnabled()
    QTest.mouseClick(dialog.engage_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert all(engine.ledger.orders[o].status is OrderStatus.PENDING_CANCEL for o in venues)
    panel = window.kill_panel
    assert panel.table.rowCount() == 1
    assert cell(panel.table, 0, 4) == "Cancel all: 0 of 2 confirmed, 2 unconfirmed"
    assert cell(panel.table, 0, 3) == "fat finger on SIM1"
    assert panel.headline.text() == "Kill switches on: 1 · unconfirmed cancels: 2"
    assert window.statusBar().currentMessage().startswith("Kill switch KS1 is on")

    first, second = venues
    for order_id in venues:
        wait_for_status(qtbot, window, order_id, "Cancel pending")
    for order_id in venues:  # order by order: the blotter shows which cancels the venue has confirmed
        pending = engine.ledger.orders[order_id].pending
        assert pending is not None
        engine.apply_venue_messages([venues[order_id].canceled(pending.cl_ord_id)])
        if order_id == first:
            wait_for_status(qtbot, window, first, "Canceled")
            assert status_shown(window, second).startswith("Cancel pending")
            qtbot.waitUntil(lambda: cell(panel.table, 0, 4) == "Cancel all: 1 of 2 confirmed, 1 unconfirmed")
    wait_for_status(qtbot, window, second, "Canceled")
    qtbot.waitUntil(lambda: cell(panel.table, 0, 4) == "Cancel all: 2 of 2 confirmed, 0 unconfirmed")

    assert not panel.resume_button.isEnabled()  # nothing selected yet
    panel.table.selectRow(0)
    assert panel.resume_button.isEnabled()
    QTest.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    assert panel.table.rowCount() == 0
    assert panel.headline.text() == "No kill switch is on."
    assert window.statusBar().currentMessage() == "Trading resumed on venue SIM1."


def test_a_trader_sees_the_kill_switch_disabled_and_why(window: MainWindow, engine: Engine) -> None:
    assert not window.kill_action.isEnabled()
    assert window.kill_action.toolTip() == "trader1 is a trader; a trader cannot use the kill switch."
    sim1 = Scope(ScopeKind.VENUE, "SIM1")
    assert engine.engage_kill_switch(sim1, KillGrade.HALT, SUPERVISOR, "SIM1").accepted
    panel = window.kill_panel
    panel.refresh()
    panel.table.selectRow(0)
    assert not panel.resume_button.isEnabled()
    assert "a trader cannot resume trading" in panel.resume_button.toolTip()
    assert cell(panel.table, 0, 4) == "Halt: no new orders on venue SIM1"


def test_the_ticket_says_before_submit_that_a_kill_switch_stops_the_order(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    ticket = window.ticket
    QTest.keyClicks(ticket.symbol, "ACME")
    QTest.keyClicks(ticket.qty, "100")
    QTest.keyClicks(ticket.limit_px, "10")
    assert "passes" in ticket.risk.text()
    assert engine.engage_kill_switch(Scope(ScopeKind.VENUE, "SIM1"), KillGrade.HALT, SUPERVISOR, "SIM1").accepted
    QTest.keyClicks(ticket.qty, "0")
    assert "passes" not in ticket.risk.text()
    assert "Blocked" in ticket.risk.text()
    assert "SIM1" in ticket.risk.text()
