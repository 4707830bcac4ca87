"""A chart on a tab behind another keeps its data but does not draw it until it is shown; then it draws
everything that came while it was out of sight."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow


def drawn(window: MainWindow) -> int:
    xs, _ = window.pnl_chart.total.getData()
    return 0 if xs is None else len(xs)


def test_the_pnl_chart_samples_out_of_sight_and_draws_every_sample_when_shown(qtbot: QtBot, window: MainWindow) -> None:
    chart = window.pnl_chart
    qtbot.waitUntil(window.price_chart.on_screen)
    assert not chart.on_screen()  # its tab is behind the price chart's
    before = drawn(window)
    chart.sample()
    chart.sample()
    assert len(chart.history.total) == 2
    assert drawn(window) == before

    window.charts.setCurrentWidget(chart)
    qtbot.waitUntil(chart.on_screen)
    assert drawn(window) == 2
    chart.sample()
    assert drawn(window) == 3


def test_the_latency_charts_timer_leaves_it_undrawn_while_out_of_sight(qtbot: QtBot, window: MainWindow) -> None:
    chart = window.latency_chart
    qtbot.waitUntil(window.price_chart.on_screen)
    drawn_at = chart._drawn
    window.latencies.changes += 1  # something new to draw
    chart.redraw_if_shown()
    assert chart._drawn == drawn_at
    window.charts.setCurrentWidget(chart)
    qtbot.waitUntil(lambda: chart._drawn == window.latencies.changes)


def test_a_chart_catches_up_when_its_dock_comes_back(qtbot: QtBot, window: MainWindow) -> None:
    chart = window.latency_chart
    window.charts.setCurrentWidget(chart)
    qtbot.waitUntil(chart.on_screen)
    dock = window.findChild(QDockWidget, "dock_charts")
    assert dock is not None
    dock.hide()
    qtbot.waitUntil(lambda: not chart.on_screen())
    drawn_at = chart._drawn
    window.latencies.changes += 1  # something new to draw while the dock is closed
    chart.redraw_if_shown()
    assert chart._drawn == drawn_at
    dock.show()
    qtbot.waitUntil(lambda: chart._drawn == window.latencies.changes)
