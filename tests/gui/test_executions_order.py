"""The executions table: newest fill on top, sortable by any column (numbers by value), the sort kept across a
restart; the view follows what the held model adds."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.ui.executions_model import EXECUTION_COLUMNS
from app.ui.main_window import MainWindow
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

QTY = [title for title, _, _ in EXECUTION_COLUMNS].index("Qty")


def fill_in_turn(qtbot: QtBot, window: MainWindow, engine: Engine, quantities: list[int]) -> None:
    """Fill one order ``quantities`` at a time, each fill shown before the next is sent."""
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(sum(quantities))), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, sum(quantities))
    engine.apply_venue_messages([venue.ack()])
    for shown, qty in enumerate(quantities, start=1):
        engine.apply_venue_messages([venue.fill(qty, 100)])
        qtbot.waitUntil(partial(_rows_are, window, shown), timeout=3000)


def _rows_are(window: MainWindow, count: int) -> bool:
    return window.executions.rowCount() == count


def shown_quantities(window: MainWindow) -> list[str]:
    shown = window.tables["executions"].model()
    return [shown.index(row, QTY).data() for row in range(shown.rowCount())]


def test_the_newest_fill_shows_on_top(qtbot: QtBot, window: MainWindow, engine: Engine) -> None:
    fill_in_turn(qtbot, window, engine, [30, 1000, 200])
    assert shown_quantities(window) == ["200", "1,000", "30"]


def test_a_column_sorts_numbers_by_value_and_the_sort_survives_a_restart(
    qtbot: QtBot, window: MainWindow, engine: Engine, settings: QSettings
) -> None:
    fill_in_turn(qtbot, window, engine, [30, 1000, 200])
    table = window.tables["executions"]
    table.horizontalHeader().setSortIndicator(QTY, Qt.SortOrder.AscendingOrder)  # as a click on the title does
    assert shown_quantities(window) == ["30", "200", "1,000"]
    window.close()
    again = MainWindow(engine, ["SIM1", "SIM2"], user=TRADER, settings=settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.executions.rowCount() == 3)  # the day's fills, read back from the log
    assert shown_quantities(again) == ["30", "200", "1,000"]
    header = again.tables["executions"].horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (QTY, Qt.SortOrder.AscendingOrder)
