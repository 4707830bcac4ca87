"""A layout saved before the charts became tabs of one dock: the Charts dock goes where the price chart was."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from app.engine.engine import Engine
from app.ui.main_window import MainWindow
from tests.support.engine_kit import TRADER

OLD_DOCKS = {
    Qt.DockWidgetArea.LeftDockWidgetArea: ["Ticket"],
    Qt.DockWidgetArea.BottomDockWidgetArea: [
        "Executions", "Positions", "Kill switch", "Limits", "Breaks", "Anomalies", "Allocations", "Parents"
    ],
    Qt.DockWidgetArea.RightDockWidgetArea: ["Watchlist", "Price chart", "P&&L", "Ack latency"],
}  # fmt: skip
"""The docks of the window before session 7, by the area each started in (their object names are dock_<title>)."""


def old_layout(qtbot: QtBot, price_chart_to: Qt.DockWidgetArea) -> QMainWindow:
    """The old window's docks as the old code laid them out (the charts tabbed), then the price chart moved to
    ``price_chart_to`` by the trader."""
    old = QMainWindow()
    qtbot.addWidget(old)
    old.setCentralWidget(QLabel("blotter"))
    docks = {}
    for area, titles in OLD_DOCKS.items():
        for title in titles:
            dock = docks[title] = QDockWidget(title, old)
            dock.setObjectName(f"dock_{title.lower()}")
            dock.setWidget(QLabel(title))
            old.addDockWidget(area, dock)
        for before, after in pairwise(titles):
            if area is not Qt.DockWidgetArea.RightDockWidgetArea or before != "Watchlist":
                old.tabifyDockWidget(docks[before], docks[after])
    old.addDockWidget(price_chart_to, docks["Price chart"])
    old.resize(1280, 800)
    old.show()
    return old


def test_the_charts_dock_goes_where_an_old_layout_had_the_price_chart(
    qtbot: QtBot, engine: Engine, settings: QSettings
) -> None:
    old = old_layout(qtbot, Qt.DockWidgetArea.LeftDockWidgetArea)
    settings.setValue("geometry", old.saveGeometry())
    settings.setValue("state", old.saveState())
    window = MainWindow(engine, ["SIM1", "SIM2"], user=TRADER, settings=settings)
    qtbot.addWidget(window)
    window.show()
    [charts] = [dock for dock in window.findChildren(QDockWidget) if dock.objectName() == "dock_charts"]
    assert window.dockWidgetArea(charts) is Qt.DockWidgetArea.LeftDockWidgetArea
    assert charts.isVisible()
    assert window.dockWidgetArea(window.ticket_dock) is Qt.DockWidgetArea.LeftDockWidgetArea


def test_a_layout_saved_with_the_charts_dock_is_restored_as_saved(
    qtbot: QtBot, engine: Engine, settings: QSettings
) -> None:
    window = MainWindow(engine, ["SIM1", "SIM2"], user=TRADER, settings=settings)
    qtbot.addWidget(window)
    window.show()
    [charts] = [dock for dock in window.findChildren(QDockWidget) if dock.objectName() == "dock_charts"]
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, charts)
    window.close()
    again = MainWindow(engine, ["SIM1", "SIM2"], user=TRADER, settings=settings)
    qtbot.addWidget(again)
    again.show()
    [moved] = [dock for dock in again.findChildren(QDockWidget) if dock.objectName() == "dock_charts"]
    assert again.dockWidgetArea(moved) is Qt.DockWidgetArea.BottomDockWidgetArea
