"""A trader's orders on the real window, against the embedded simulator over loopback: the ticket typed with the
keyboard, a cancel the venue is slow to confirm, a fill that beats the cancel, the kill switch on two venues.

The venues' own timing is made deterministic by fault scripts (held acks, a fill before the cancel); the blotter's
states are read from its model as it changes. test_order_flow.py and test_kill_switch.py keep the races only
hand-fed reports can time."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import qasync
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.enums import OrderStatus
from app.engine.ids import OrderId
from app.engine.kill_terms import KillGrade, ScopeKind
from app.engine.order_timeline import Source
from app.runtime import Runtime
from app.ui.blotter_columns import STATUS_COLUMN
from app.ui.blotter_model import BlotterModel
from app.ui.main_window import MainWindow
from app.ui.order_timeline_view import QtOrderTimeline
from tests.gui.desk_on_loopback import loop, simulator_desk, until
from tests.support.engine_kit import SUPERVISOR, TRADER, spec

__all__ = ["loop"]  # fixture

Index = QModelIndex | QPersistentModelIndex


class StatusTrail:
    """Every status the blotter's model has shown for each order, in order (a status is written down again only
    after a different one), read whenever the model says rows changed."""

    def __init__(self, model: BlotterModel) -> None:
        self.model = model
        self.seen: dict[OrderId, list[str]] = {}
        self.history: list[str] = []
        """Each status change seen, with when: shown when a trail is not what a test expected."""
        model.dataChanged.connect(self._changed)
        model.rowsInserted.connect(self._inserted)
        model.layoutChanged.connect(self._look)
        model.modelReset.connect(self._look)

    def _changed(self, first: Index, last: Index, roles: object = None) -> None:
        self._look()

    def _inserted(self, parent: Index, first: int, last: int) -> None:
        self._look()

    def _look(self) -> None:
        for row in range(self.model.rowCount()):
            order_id = self.model.order_at(row).order_id
            text = str(self.model.index(row, STATUS_COLUMN).data())
            trail = self.seen.setdefault(order_id, [])
            if not trail or trail[-1] != text:
                trail.append(text)
                self.history.append(f"{time.monotonic():.3f} {order_id}: {text}")


def settled(runtime: Runtime, window: MainWindow, order_id: OrderId, status: OrderStatus) -> bool:
    """The engine has ``order_id`` in ``status`` and the window has been told everything."""
    return window.bridge.idle and runtime.engine.ledger.orders[order_id].status is status


def passive_buy(runtime: Runtime, venue: str, below: Decimal = Decimal(2)) -> OrderId:
    """trader1 buys 100 ACME on ``venue`` ``below`` under the bid (inside the 5 % band): it rests."""
    quote = runtime.prices.quote("ACME")
    assert quote is not None
    assert quote.bid is not None
    limit = (quote.bid - below).quantize(Decimal("0.1"))  # on every venue's tick
    terms = spec(symbol="ACME", qty=Decimal(100), limit_px=limit, destination=venue)
    order_id = runtime.engine.submit(SubmitOrder(terms, TRADER)).order_id
    assert order_id is not None
    return order_id


def cancel_from_the_blotter(window: MainWindow, order_id: OrderId) -> None:
    """Select the order's row and press Delete, as a trader does."""
    window.blotter.select(order_id)
    window.blotter.table.setFocus()
    QTest.keyClick(window.blotter.table, Qt.Key.Key_Delete)


def test_an_order_typed_into_the_ticket_goes_pending_new_then_working_then_filled(
    qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop
) -> None:
    held = "1st ack: delay 1s\n1st fill: delay 2s"  # each state stays on screen long enough to be seen

    async def scenario() -> None:
        async with simulator_desk(qtbot, tmp_path, faults=held) as (runtime, window):
            trail = StatusTrail(window.blotter.model)
            quote = runtime.prices.quote("ACME")
            assert quote is not None
            assert quote.ask is not None
            ticket = window.ticket
            ticket.symbol.setFocus()
            QTest.keyClicks(ticket.symbol, "acme")
            QTest.keyClicks(ticket.qty, "100")
            QTest.keyClicks(ticket.limit_px, str(quote.ask + 1))  # marketable against the market makers
            assert ticket.destination.currentText() == "SIMA"
            QTest.keyClick(ticket.limit_px, Qt.Key.Key_Return)
            [order_id] = runtime.engine.ledger.orders
            assert "pending new" in ticket.result.text()

            await until(lambda: settled(runtime, window, order_id, OrderStatus.FILLED))
            assert trail.seen[order_id] == ["New pending (not yet at venue)", "Working", "Filled"]
            assert window.executions.rowCount() == 1
            assert window.positions.rowCount() == 1
            assert window.positions.index(0, 2).data() == "100"

    loop.run_until_complete(scenario())


def test_a_cancel_the_venue_is_slow_to_confirm_shows_cancel_pending_until_it_does(
    qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop
) -> None:
    async def scenario() -> None:
        async with simulator_desk(qtbot, tmp_path, faults="1st cancel ack: delay 1s") as (runtime, window):
            trail = StatusTrail(window.blotter.model)
            order_id = passive_buy(runtime, "SIMA")
            await until(lambda: settled(runtime, window, order_id, OrderStatus.NEW))
            cancel_from_the_blotter(window, order_id)
            await until(lambda: settled(runtime, window, order_id, OrderStatus.CANCELED))
            assert trail.seen[order_id][-3:] == ["Working", "Cancel pending (still working)", "Canceled"]

    loop.run_until_complete(scenario())


def test_a_fill_that_beats_the_cancel_leaves_the_order_filled_and_the_cancel_refused(
    qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop
) -> None:
    race = "1st cancel request: fill first\n1st fill: delay 1s\n1st cancel reject: delay 1500ms"  # in that order

    async def scenario() -> None:
        async with simulator_desk(qtbot, tmp_path, faults=race) as (runtime, window):
            trail = StatusTrail(window.blotter.model)
            order_id = passive_buy(runtime, "SIMA")
            await until(lambda: settled(runtime, window, order_id, OrderStatus.NEW))
            cancel_from_the_blotter(window, order_id)
            await until(lambda: settled(runtime, window, order_id, OrderStatus.FILLED))
            await until(lambda: runtime.engine.ledger.orders[order_id].pending is None)
            assert trail.seen[order_id][-3:] == ["Working", "Cancel pending (still working)", "Filled"]
            assert not any(status.startswith("Canceled") for status in trail.seen[order_id])
            assert window.executions.rowCount() == 1

            window.blotter.select(order_id)
            timeline = window.blotter.open_timeline()
            assert isinstance(timeline, QtOrderTimeline)
            await until(lambda: timeline.loaded)
            said = [e.what for e in timeline.model.entries() if e.source is Source.EVENT]
            [refused] = [n for n, what in enumerate(said) if what.startswith("Venue rejected the cancel")]
            assert any("-> filled" in what for what in said[:refused]), said  # the fill came first
            timeline.close()

    loop.run_until_complete(scenario())


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def test_the_kill_switch_cancels_working_orders_on_two_venues_counting_down(
    qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop
) -> None:
    slow_b = "venue SIMB: every cancel ack: delay 2s"  # SIMA confirms at once, SIMB 2 s later (the panel shows it)

    async def scenario() -> None:
        async with simulator_desk(qtbot, tmp_path, user=SUPERVISOR, faults=slow_b) as (runtime, window):
            trail = StatusTrail(window.blotter.model)
            venues = ("SIMA", "SIMA", "SIMB", "SIMB")
            orders = [passive_buy(runtime, venue, Decimal(n)) for n, venue in enumerate(venues, 1)]  # no duplicates
            await until(lambda: all(settled(runtime, window, o, OrderStatus.NEW) for o in orders))

            window.activateWindow()
            await until(window.isActiveWindow)
            keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            QTest.keyClick(window, Qt.Key.Key_K, keys)
            dialog = window.kill_dialog
            assert dialog is not None
            dialog.kind.setCurrentIndex(dialog.kind.findData(ScopeKind.ALL))
            dialog.grade.setCurrentIndex(dialog.grade.findData(KillGrade.CANCEL_WORKING))
            QTest.keyClicks(dialog.reason, "runaway quotes")
            QTest.keyClicks(dialog.confirmation, "ALL")
            QTest.mouseClick(dialog.engage_button, Qt.MouseButton.LeftButton)

            panel = window.kill_panel
            assert cell(panel.table, 0, 4) == "Cancel all: 0 of 4 confirmed, 4 unconfirmed"
            await until(lambda: cell(panel.table, 0, 4) == "Cancel all: 2 of 4 confirmed, 2 unconfirmed")
            await until(lambda: cell(panel.table, 0, 4) == "Cancel all: 4 of 4 confirmed, 0 unconfirmed")
            await until(lambda: all(settled(runtime, window, o, OrderStatus.CANCELED) for o in orders))
            for order_id in orders:
                said = trail.seen[order_id][-3:]
                shown = "\n".join([f"{order_id}: {said}", *trail.history])
                assert said == ["Working", "Cancel pending (still working)", "Canceled"], shown
            assert panel.headline.text() == "Kill switches on: 1 · unconfirmed cancels: 0"

    loop.run_until_complete(scenario())
