"""The first start's layout: at 1280x800 and 1920x1080 every watchlist column shows whole beside a usable chart,
the executions' ClOrdIDs are not cut off, and a layout the trader saved still wins."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QTabBar, QTableView
from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.prices import PriceBook, Quote
from app.ui.main_window import MainWindow
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

SYMBOLS = ("ACME", "BOLT", "DYNA", "FLUX")


def first_start_window(qtbot: QtBot, engine: Engine, settings: QSettings, width: int, height: int) -> MainWindow:
    """The desktop as a first start at ``width`` x ``height`` lays it out, with a watchlist as a trader has one."""
    prices = PriceBook()
    now = engine.clock.now()
    prices.update([Quote(s, Decimal("199.95"), Decimal("199.97"), Decimal("199.96"), now) for s in SYMBOLS])
    window = MainWindow(engine, ["SIMA", "SIMB"], user=TRADER, settings=settings, prices=prices)
    qtbot.addWidget(window)
    for symbol in SYMBOLS:
        window.watchlist.add(symbol)
    window.resize(width, height)
    window.show()
    window.lay_out_docks()  # the offscreen screen is smaller than the one a first start would be sized for
    qtbot.waitUntil(lambda: window.width() == width)
    return window


def _cut_off(table: QTableView) -> list[str]:
    """The titles of the columns whose title or cells do not show whole."""
    header, model = table.horizontalHeader(), table.model()
    room = table.viewport().width()
    cut = []
    for column in range(model.columnCount()):
        texts = [str(model.headerData(column, header.orientation()))]
        texts += [str(model.index(row, column).data() or "") for row in range(model.rowCount())]
        needed = max(table.fontMetrics().horizontalAdvance(text) for text in texts)
        if (
            header.sectionViewportPosition(column) + header.sectionSize(column) > room
            or header.sectionSize(column) < needed
        ):
            cut.append(texts[0])
    return cut


def _dock(window: MainWindow, title: str) -> QDockWidget:
    [dock] = [d for d in window.findChildren(QDockWidget) if d.windowTitle() == title]
    return dock


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)])
def test_every_watchlist_column_shows_beside_a_usable_chart(
    qtbot: QtBot, engine: Engine, settings: QSettings, width: int, height: int
) -> None:
    window = first_start_window(qtbot, engine, settings, width, height)
    assert _cut_off(window.watchlist.table) == []
    chart = window.price_chart
    assert chart.width() >= 400
    assert chart.height() >= 250
    assert window.blotter.width() >= 400


def test_the_executions_show_whole_clordids(qtbot: QtBot, engine: Engine, settings: QSettings) -> None:
    window = first_start_window(qtbot, engine, settings, 1280, 800)
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(500), limit_px=Decimal("100.00")), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 500)
    engine.apply_venue_messages([venue.ack(), venue.fill(100, Decimal("100.00"))])
    table = window.tables["executions"]
    qtbot.waitUntil(lambda: table.model().rowCount() == 1)
    cut = [title for title in _cut_off(table) if title != "ExecID"]  # the last column stretches to the edge
    assert cut == []


def test_a_saved_layout_wins_over_the_first_one(qtbot: QtBot, engine: Engine, settings: QSettings) -> None:
    window = first_start_window(qtbot, engine, settings, 1280, 800)
    window.resizeDocks([_dock(window, "Watchlist")], [320], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: _dock(window, "Watchlist").width() < 340)
    narrow = _dock(window, "Watchlist").width()
    window.close()
    again = MainWindow(engine, ["SIMA", "SIMB"], user=TRADER, settings=settings)
    qtbot.addWidget(again)
    again.resize(1280, 800)  # the saved geometry is bounded by the small offscreen screen
    again.show()
    qtbot.waitUntil(lambda: again.width() == 1280)
    assert _dock(again, "Watchlist").width() == narrow


def _tab_bars_in_sight(window: MainWindow) -> list[list[str]]:
    """The tabs of each dock group's tab bar drawn inside the window."""
    bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
    shown = [bar for bar in bars if bar.isVisible() and window.rect().intersects(bar.geometry())]
    return [[bar.tabText(i) for i in range(bar.count())] for bar in shown]


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)])
def test_no_stray_tab_bar_shows_first_or_after_a_restart(
    qtbot: QtBot, engine: Engine, settings: QSettings, width: int, height: int
) -> None:
    window = first_start_window(qtbot, engine, settings, width, height)
    bottom = ["Executions", "Positions", "Kill switch", "Limits", "Breaks", "Anomalies", "Allocations", "Parents"]
    assert _tab_bars_in_sight(window) == [bottom]
    assert [window.charts.tabText(i) for i in range(window.charts.count())] == ["Price", "P&&L", "Ack latency"]
    window.close()
    again = MainWindow(engine, ["SIMA", "SIMB"], user=TRADER, settings=settings)
    qtbot.addWidget(again)
    again.resize(width, height)
    again.show()
    qtbot.waitUntil(lambda: again.width() == width)
    assert _tab_bars_in_sight(again) == [bottom]
