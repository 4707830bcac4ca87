"""After the engine rebuilds its projections (a reload, as after a failed batch), every view follows the new
ones: the blotter, positions, the P&L chart and the price chart's working orders, not the objects they
were first given."""

from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import Side
from app.engine.ids import OrderId
from app.ui.main_window import MainWindow
from tests.gui.conftest import wait_for_status
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

REALISED = 5


def trade(engine: Engine, side: Side, px: int) -> OrderId:
    order_id = engine.submit(SubmitOrder(spec(symbol="ACME", side=side, qty=Decimal(100)), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack(), venue.fill(100, px)])
    return order_id


def test_every_view_follows_the_engines_new_projections_after_a_reload(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    trade(engine, Side.BUY, 10)
    qtbot.waitUntil(lambda: window.bridge.idle and window.positions.rowCount() == 1)
    resets: list[bool] = []
    window.blotter.model.modelReset.connect(lambda: resets.append(True))
    engine.reload()
    qtbot.waitUntil(lambda: window.bridge.idle and resets == [True])

    sold = trade(engine, Side.SELL, 12)
    working = engine.submit(SubmitOrder(spec(symbol="ACME", limit_px=Decimal("11.5")), TRADER)).order_id
    assert working is not None
    wait_for_status(qtbot, window, sold, "Filled")
    qtbot.waitUntil(lambda: window.positions.index(0, REALISED).data() == "200.00")
    assert window.positions.index(0, 2).data() == "0"
    window.pnl_chart.sample()
    assert list(window.pnl_chart.history.realised.ys)[-1] == 200.0
    window.price_chart.show_symbol("ACME")
    assert window.price_chart.order_lines() == {working: 11.5}
    window.update_summary()
    assert "realised 200.00" in window.summary.text()
