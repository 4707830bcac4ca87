"""The main window as a whole: layout and theme survive a restart; the side hotkeys; a screenshot for the README."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.commands import CancelOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import Side
from app.ui.blotter_columns import COLUMNS
from app.ui.main_window import MainWindow
from app.ui.theme import COLOURS, Theme
from tests.gui.conftest import wait_for_status
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "main_window.png"
REFRESH_SCREENSHOT = os.environ.get("OEMS_REFRESH_SCREENSHOT") == "1"
"""Only when asked does the test overwrite the README's picture; otherwise it saves into the test's tmp dir."""
QTY, TRADER_COLUMN = [c.title for c in COLUMNS].index("Qty"), [c.title for c in COLUMNS].index("Trader")


def test_column_choices_sort_and_theme_survive_a_restart(
    qtbot: QtBot, window: MainWindow, engine: Engine, settings: QSettings
) -> None:
    for qty in (100, 300, 200):
        engine.submit(SubmitOrder(spec(qty=Decimal(qty)), TRADER))
    header = window.blotter.table.horizontalHeader()
    window.blotter.table.setColumnWidth(3, 177)
    header.moveSection(header.visualIndex(QTY), 0)  # Qty dragged to the front
    menu = window.blotter.column_menu()
    [trader] = [a for a in menu.actions() if a.text() == "Trader"]
    trader.setChecked(False)  # hidden from the header's menu
    header.setSortIndicator(QTY, Qt.SortOrder.DescendingOrder)
    window.tables["positions"].setColumnWidth(0, 155)
    window.set_theme(Theme.DARK)
    window.close()
    again = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings)
    qtbot.addWidget(again)
    header = again.blotter.table.horizontalHeader()
    assert again.blotter.table.columnWidth(3) == 177
    assert header.logicalIndex(0) == QTY
    assert header.isSectionHidden(TRADER_COLUMN)
    assert [again.blotter.model.index(r, QTY).data() for r in range(3)] == ["300", "200", "100"]
    assert again.tables["positions"].columnWidth(0) == 155
    assert again.theme() is Theme.DARK
    assert again.palette().color(QPalette.ColorRole.Window).name() == COLOURS[Theme.DARK].window


def test_the_theme_is_a_palette_and_the_charts_follow_it_live(window: MainWindow) -> None:
    for theme in (Theme.LIGHT, Theme.DARK, Theme.LIGHT):
        window.set_theme(theme)
        colours = COLOURS[theme]
        assert window.styleSheet() == ""  # a window-wide style sheet makes every repaint dearer
        assert window.blotter.table.palette().color(QPalette.ColorRole.Base).name() == colours.base
        for chart in (window.price_chart, window.pnl_chart, window.latency_chart):
            plot = chart.plot
            assert plot.backgroundBrush().color().name() == colours.window
            for axis in ("left", "bottom"):
                assert plot.getAxis(axis).textPen().color().name() == colours.text
                assert plot.getAxis(axis).pen().color().name() == colours.text
            assert colours.text in plot.getPlotItem().titleLabel.item.toHtml()
        [legend_label] = [label for _sample, label in window.pnl_chart.plot.getPlotItem().legend.items[:1]]
        assert colours.text in legend_label.item.toHtml()


def test_the_status_bar_counts_unknown_orders_in_red(qtbot: QtBot, window: MainWindow, engine: Engine) -> None:
    for _ in range(3):
        engine.submit(SubmitOrder(spec(), TRADER))
    qtbot.waitUntil(lambda: window.bridge.idle)
    engine.line_lost("SIM1")
    qtbot.waitUntil(lambda: window.bridge.idle)
    window.update_summary()
    assert window.summary.text().startswith("Orders 3 · working 3 · pending 0 · unknown 3")
    assert "#dc2626" in window.summary.styleSheet()


def test_screenshot_of_the_main_window(qtbot: QtBot, window: MainWindow, engine: Engine, tmp_path: Path) -> None:
    """Fill a realistic book and save the real window's picture for the README."""
    window.resize(1500, 720)
    window.lay_out_docks()  # as a first start at this size would
    book = [
        ("AAPL", Side.BUY, 500, "189.40", 500),
        ("MSFT", Side.SELL, 1200, "412.10", 300),
        ("NVDA", Side.SELL_SHORT, 800, "131.75", 0),
        ("TSLA", Side.BUY, 300, "248.00", 0),
        ("AMZN", Side.BUY, 1000, "186.20", 0),
    ]
    ids = []
    for symbol, side, qty, px, filled in book:
        order_id = engine.submit(
            SubmitOrder(spec(symbol=symbol, side=side, qty=Decimal(qty), limit_px=Decimal(px)), TRADER)
        ).order_id
        assert order_id is not None
        ids.append(order_id)
        venue = VenueOrder(order_id, qty)
        reports = [venue.ack()] + ([venue.fill(filled, Decimal(px))] if filled else [])
        engine.apply_venue_messages(reports)
    engine.cancel(CancelOrder(ids[2], TRADER))
    engine.submit(SubmitOrder(spec(symbol="GOOG", qty=Decimal(200), limit_px=Decimal("171.30")), TRADER))
    wait_for_status(qtbot, window, ids[2], "Cancel pending")
    window.ticket.prepare(Side.BUY)
    window.update_summary()
    picture = SCREENSHOT if REFRESH_SCREENSHOT else tmp_path / SCREENSHOT.name
    picture.parent.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(picture))
    assert picture.stat().st_size > 10_000


def test_the_buy_sell_and_sell_short_hotkeys_set_the_tickets_side_ready_to_type(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ticket = window.ticket
    QTest.keyClicks(ticket.symbol, "AAPL")
    for key, side in ((Qt.Key.Key_S, Side.SELL), (Qt.Key.Key_H, Side.SELL_SHORT), (Qt.Key.Key_B, Side.BUY)):
        window.blotter.table.setFocus()  # from anywhere in the window, not only the ticket
        QTest.keyClick(window.blotter.table, key, Qt.KeyboardModifier.ControlModifier)
        assert ticket.side.currentText() == side.label
        assert ticket.submit_button.text().startswith(side.label)
        assert ticket.symbol.hasFocus()
        QTest.keyClicks(ticket.symbol, "MSFT")  # what was there is selected: typing replaces it
        assert ticket.symbol.text() == "MSFT"
