"""An order traded on the embedded simulator, opened from the blotter: its timeline shows the events, the
risk decision and the raw FIX messages in and out, in time order, and copies as text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.enums import OrderStatus, OrdType
from app.engine.order_timeline import Source
from app.ui.order_timeline_view import QtOrderTimeline
from tests.gui.desk_on_loopback import loop, simulator_desk, until
from tests.support.engine_kit import TRADER, spec

__all__ = ["loop"]  # fixture


def test_the_timeline_of_an_order_filled_on_the_simulator(
    qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop
) -> None:
    async def scenario() -> None:
        async with simulator_desk(qtbot, tmp_path) as (runtime, window):
            taker = spec(symbol="ACME", qty=Decimal(10), ord_type=OrdType.MARKET, limit_px=None, destination="SIMA")
            order_id = runtime.engine.submit(SubmitOrder(taker, TRADER)).order_id
            assert order_id is not None
            await until(lambda: runtime.engine.ledger.orders[order_id].status is OrderStatus.FILLED)
            await until(lambda: window.bridge.idle and window.blotter.model.row_of(order_id) is not None)
            window.blotter.select(order_id)
            window.blotter.table.setFocus()
            QTest.keyClick(window.blotter.table, Qt.Key.Key_Return)
            timeline = window.blotter.findChild(QtOrderTimeline)
            assert timeline is not None
            await until(lambda: timeline.loaded)

            entries = timeline.model.entries()
            sources = [e.source for e in entries]
            assert sources[:2] == [Source.EVENT, Source.SENT]  # decided and recorded, then sent
            assert "Risk gate passed" in entries[0].what
            assert entries[1].what == "Sent New Order Single"
            assert entries[1].who == "SIMA"
            assert "MsgType (35)=D | " in entries[1].fix
            received = [e for e in entries if e.source is Source.RECEIVED]
            assert received
            assert all("MsgType (35)=8" in e.fix for e in received)
            assert any("-> filled" in e.what for e in entries if e.source is Source.EVENT)
            timeline.copy_all()
            copied = QGuiApplication.clipboard().text().splitlines()
            assert len(copied) == len(entries)
            assert order_id in copied[1]
            timeline.close()

    loop.run_until_complete(scenario())
