"""The blotter keeps a selected order selected when a change moves its row, and groups children under
their parent with the parent's fills counted across them."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.ids import OrderId
from app.ui.blotter_columns import CL_ORD_ID_COLUMN, COLUMNS, FILLED_COLUMN, LEAVES_COLUMN
from app.ui.main_window import MainWindow
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder


def submit(engine: Engine, qty: int = 100, parent: OrderId | None = None) -> OrderId:
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(qty), parent_id=parent), TRADER)).order_id
    assert order_id is not None
    engine.apply_venue_messages([VenueOrder(order_id, qty).ack()])
    return order_id


def shown(window: MainWindow, column: int) -> list[str]:
    model = window.blotter.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_a_selected_order_stays_selected_and_current_when_a_fill_moves_its_row(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    ids = [submit(engine) for _ in range(4)]
    qtbot.waitUntil(lambda: window.bridge.idle and window.blotter.model.rowCount() == 4)
    window.blotter.table.horizontalHeader().setSortIndicator(FILLED_COLUMN, Qt.SortOrder.AscendingOrder)
    window.blotter.select(ids[1])
    engine.apply_venue_messages([VenueOrder(ids[1], 100).fill(60)])  # now the most filled: last row
    qtbot.waitUntil(lambda: window.bridge.idle and window.blotter.model.row_of(ids[1]) == 3)
    assert window.blotter.selected_ids() == [ids[1]]
    assert window.blotter.table.currentIndex().row() == 3


def test_group_by_parent_shows_children_under_their_parent_with_the_parents_fills_summed(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    parent = submit(engine, 1000)
    other = submit(engine)
    children = [submit(engine, 300, parent), submit(engine, 200, parent)]
    qtbot.waitUntil(lambda: window.bridge.idle and window.blotter.model.rowCount() == 4)
    window.blotter.group_by_parent.setChecked(True)
    assert shown(window, CL_ORD_ID_COLUMN) == [parent, f"    ↳ {children[0]}", f"    ↳ {children[1]}", other]

    engine.apply_venue_messages([VenueOrder(children[0], 300).fill(300), VenueOrder(children[1], 200).fill(50)])
    qtbot.waitUntil(lambda: window.bridge.idle and shown(window, FILLED_COLUMN)[0] == "350")
    assert shown(window, LEAVES_COLUMN)[0] == "650"

    late = submit(engine, 100, parent)  # a child sent later still goes under its parent
    qtbot.waitUntil(lambda: window.bridge.idle and window.blotter.model.rowCount() == 5)
    assert shown(window, CL_ORD_ID_COLUMN)[3] == f"    ↳ {late}"

    window.blotter.group_by_parent.setChecked(False)
    assert shown(window, CL_ORD_ID_COLUMN)[0] == parent
    assert shown(window, FILLED_COLUMN)[0] == "0"
    assert COLUMNS[FILLED_COLUMN].title == "Filled"
