"""The desktop opened mid-day: the day's fills come back from the log into the executions view and onto the
price chart, the orders already working are drawn on it, then new fills arrive live."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.ui.main_window import MainWindow
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder


def test_todays_fills_and_working_orders_are_shown_after_a_restart_then_new_fills_live(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    clock = FakeClock()
    engine, _ = open_engine(tmp_path / "s.db", clock=clock)
    yesterday = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert yesterday is not None
    engine.apply_venue_messages([VenueOrder(yesterday, 100).fill(100)])
    clock.advance(24 * 3600)
    order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100)), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack(), venue.fill(30, 10), venue.fill(20, 11)])
    engine.close()

    engine, _ = open_engine(tmp_path / "s.db", clock=clock)
    window = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings)
    qtbot.addWidget(window)
    window.show()  # the price chart draws on its timer while it is on screen
    executions, chart = window.executions, window.price_chart
    qtbot.waitUntil(lambda: executions.rowCount() == 2)
    assert [executions.index(r, 5).data() for r in range(2)] == ["30", "20"]
    chart.show_symbol(spec().symbol)
    chart.redraw()
    today = clock.now().timestamp()
    assert chart.fill_points() == [(today, 10.0), (today, 11.0)]  # yesterday's fill is not today's
    assert chart.order_lines() == {order_id: float(spec().limit_px or 0)}  # half filled: still working
    engine.apply_venue_messages([venue.fill(50, 12)])
    qtbot.waitUntil(lambda: executions.rowCount() == 3)
    assert executions.index(2, 5).data() == "50"
    qtbot.waitUntil(lambda: len(chart.fill_points()) == 3)
    assert chart.fill_points()[-1] == (today, 12.0)
    assert chart.order_lines() == {}
    engine.close()
