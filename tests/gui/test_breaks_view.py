"""The Breaks tab and its status-bar count on the real main window: a fill only the drop copy reports opens a
break, the order session's late report clears it, and a window opened later shows the open and the cleared."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import Side
from app.ui.breaks_view import BREAK_COLUMNS
from app.ui.main_window import MainWindow
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder

GRACE = timedelta(seconds=5)


def _cells(window: MainWindow) -> list[dict[str, str]]:
    model = window.breaks.model
    titles = [title for title, _text, _numeric in BREAK_COLUMNS]
    return [{t: str(model.data(model.index(r, c))) for c, t in enumerate(titles)} for r in range(model.rowCount())]


def _order_on_sim1(engine: Engine, side: Side = Side.BUY) -> VenueOrder:
    order_id = engine.submit(SubmitOrder(spec(side=side, qty=Decimal(100)), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack()])
    return venue


def _later(engine: Engine, seconds: float) -> None:
    clock = engine.clock
    assert isinstance(clock, FakeClock)
    clock.advance(seconds)
    engine.reconcile(GRACE)


def test_a_break_shows_with_its_count_until_the_order_session_agrees(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    engine.watch_drop_copies({"SIM1": "SIM1-DC"})
    venue = _order_on_sim1(engine)
    fill = venue.fill(30)
    engine.apply_drop_copies([("SIM1", fill)])
    _later(engine, 5)
    qtbot.waitUntil(lambda: window.breaks.model.open_count == 1)
    (row,) = _cells(window)
    assert (row["State"], row["Venue"], row["ExecID"], row["Order"]) == ("Open", "SIM1", fill.exec_id, venue.cl_ord_id)
    assert row["Break"] == "Missing on the order session"
    assert row["What differs"] == "order session: no report · drop copy: 30 @ 10"
    assert window.open_breaks.isVisible()
    assert window.open_breaks.text() == "Drop copy: 1 open break"
    assert window.breaks.said.text() == "1 open · 0 cleared today"

    engine.apply_venue_messages([fill])  # the order session delivers it late: the sides agree
    qtbot.waitUntil(lambda: window.breaks.model.open_count == 0)
    (row,) = _cells(window)
    assert row["State"].startswith("Cleared ")
    assert row["Break"] == "Missing on the order session"
    assert "both sessions now agree (30 @ 10)" in row["What differs"]
    assert not window.open_breaks.isVisible()


def test_a_window_opened_later_shows_open_breaks_first_then_the_cleared_ones(
    qtbot: QtBot, engine: Engine, settings: QSettings
) -> None:
    engine.watch_drop_copies({"SIM1": "SIM1-DC"})
    first, second = _order_on_sim1(engine), _order_on_sim1(engine, Side.SELL)
    cleared, still_open = first.fill(30), second.fill(40)
    engine.apply_drop_copies([("SIM1", cleared)])
    engine.apply_venue_messages([still_open])
    _later(engine, 5)
    engine.apply_venue_messages([cleared])
    bust = first.bust(cleared)
    engine.apply_venue_messages([bust])  # a bust the drop copy has not reported (yet)
    _later(engine, 5)

    window = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.breaks.model.rowCount() == 3)  # the cleared one is read from the log
    rows = _cells(window)
    assert [(r["State"].split()[0], r["ExecID"], r["Break"]) for r in rows] == [
        ("Open", still_open.exec_id, "Missing on the drop copy"),
        ("Open", bust.exec_id, "Missing on the drop copy"),
        ("Cleared", cleared.exec_id, "Missing on the order session"),
    ]
    assert rows[1]["What differs"] == f"order session: cancels fill {cleared.exec_id} · drop copy: no report"
    assert window.open_breaks.text() == "Drop copy: 2 open breaks"
    assert window.breaks.said.text() == "2 open · 1 cleared today"
