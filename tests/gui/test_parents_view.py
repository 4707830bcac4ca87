"""A parent worked on the embedded simulator from the desktop: staged from the ticket, sliced from the Parents
dock (the ticket opens on it, symbol and side locked), the child shows in the blotter under its
parent's id and the parent's filled quantity moves when the child fills."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import qasync
from pytestqt.qtbot import QtBot

from app.engine.enums import OrderStatus
from app.engine.parents import ParentState
from app.engine.smart_routing import SMART
from tests.gui.desk_on_loopback import loop, simulator_desk, until

__all__ = ["loop"]  # fixture


def test_stage_slice_and_fill_a_parent_from_the_desktop(qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop) -> None:
    async def scenario() -> None:
        async with simulator_desk(qtbot, tmp_path) as (runtime, window):
            ticket, parents = window.ticket, window.parents
            ticket.symbol.setText("ACME")
            ticket.qty.setText("30")
            ticket.ord_type.setCurrentText("Market")
            ticket.stage_parent.setChecked(True)
            staged = ticket.submit()
            assert staged is not None
            assert staged.accepted, staged.message
            parent_id = staged.order_id
            assert parent_id is not None
            assert runtime.engine.ledger.orders == {}  # nothing went to a venue
            await until(lambda: window.bridge.idle and parents.model.rowCount() == 1)
            assert parents.model.row(0).figures.state is ParentState.STAGED

            parents.select(parent_id)
            parents.slice_button.click()
            assert ticket.qty.text() == "30"
            assert not ticket.symbol.isEnabled()
            assert not ticket.side.isEnabled()
            assert parent_id in ticket.slicing.text()
            ticket.qty.setText("10")
            assert ticket.destination.findText(SMART) >= 0  # offered (the demo routes it by each venue's own feed)
            ticket.destination.setCurrentText("SIMB")
            sliced = ticket.submit()
            assert sliced is not None
            assert sliced.accepted, sliced.message
            assert sliced.order_id is not None
            child = runtime.engine.ledger.orders[sliced.order_id]
            assert child.spec.parent_id == parent_id
            assert child.spec.destination == "SIMB"
            await until(lambda: runtime.engine.ledger.orders[child.order_id].status is OrderStatus.FILLED)
            await until(lambda: window.bridge.idle and parents.model.row(0).figures.filled == Decimal(10))
            assert parents.model.row(0).figures.unsliced == Decimal(20)
            window.blotter.search.setText(str(parent_id))
            assert window.blotter.model.rowCount() == 1  # the child, found by its parent's id

            parents.select(parent_id)
            parents.close_selected(cancel_children=False)
            await until(lambda: window.bridge.idle and parents.model.row(0).figures.state is ParentState.DONE)

    loop.run_until_complete(scenario())
