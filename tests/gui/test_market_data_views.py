"""Prices on the desktop: the watchlist moves and flashes, the ticket shows its symbol's quote and its age,
positions are valued at the marks, and the charts draw working orders, fills and ack latency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.clock import FakeClock
from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.fix.quote_feed import QuoteFeed
from app.engine.ids import OrderId
from app.engine.marks import follow_marks
from app.engine.order import Amendment
from app.engine.prices import PriceBook, Quote
from app.ui.main_window import MainWindow
from app.ui.positions_model import MARK_COLUMN
from app.ui.price_bridge import PriceBridge
from app.ui.watchlist_model import CHANGE_COLUMN
from tests.support.engine_kit import TRADER, RecordingOutbound, spec
from tests.support.reports import VenueOrder

D = Decimal


@pytest.fixture
def prices(engine: Engine) -> PriceBook:
    book = PriceBook()
    follow_marks(book, engine)
    return book


@pytest.fixture
def feed(engine: Engine, prices: PriceBook) -> QuoteFeed:
    return QuoteFeed([], engine.clock, prices, ["ACME"])


@pytest.fixture
def desk(qtbot: QtBot, engine: Engine, settings: QSettings, prices: PriceBook, feed: QuoteFeed) -> MainWindow:
    shown = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings, prices=prices, feed=feed)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def quote(engine: Engine, symbol: str, bid: str, ask: str, last: str | None = None) -> Quote:
    return Quote(symbol, D(bid), D(ask), None if last is None else D(last), engine.clock.now(), "SIM-MD")


def cell(window: MainWindow, symbol: str, column: int) -> str:
    model = window.watchlist.model
    return str(model.index(model.symbols().index(symbol), column).data())


def test_the_watchlist_starts_with_the_feeds_symbols_adds_typed_ones_and_moves_with_prices(
    qtbot: QtBot, desk: MainWindow, engine: Engine, prices: PriceBook, feed: QuoteFeed
) -> None:
    assert desk.watchlist.model.symbols() == ["ACME"]
    QTest.keyClicks(desk.watchlist.entry, " bolt")
    QTest.keyClick(desk.watchlist.entry, Qt.Key.Key_Return)
    assert desk.watchlist.model.symbols() == ["ACME", "BOLT"]
    assert list(feed.watched) == ["ACME", "BOLT"]  # the feed subscribes to what the trader typed
    prices.update([quote(engine, "ACME", "99.98", "100.02", "100.00"), quote(engine, "BOLT", "24.99", "25.01")])
    qtbot.waitUntil(lambda: desk.price_bridge.idle and cell(desk, "BOLT", 2) == "25.01")
    assert [cell(desk, "ACME", c) for c in range(4)] == ["ACME", "99.98", "100.02", "100.00"]
    prices.update([quote(engine, "ACME", "100.08", "100.12")])
    qtbot.waitUntil(lambda: desk.price_bridge.idle and cell(desk, "ACME", 1) == "100.08")
    assert desk.watchlist.model.flashing("ACME") == "up"
    assert desk.watchlist.model.flashing("BOLT") == ""
    assert cell(desk, "ACME", CHANGE_COLUMN) == "+0.10 (+0.10%)"
    qtbot.waitUntil(lambda: desk.watchlist.model.flashing("ACME") == "")  # the flash fades


def test_the_watchlist_is_kept_for_the_next_start(
    qtbot: QtBot, desk: MainWindow, engine: Engine, settings: QSettings, prices: PriceBook
) -> None:
    desk.watchlist.add("CORE")
    desk.close()
    again = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings, prices=prices)
    qtbot.addWidget(again)
    assert again.watchlist.model.symbols() == ["ACME", "CORE"]
    assert again.price_chart.symbol == "ACME"


def test_the_ticket_shows_its_symbols_bid_ask_and_last_and_says_when_they_are_stale(
    qtbot: QtBot, desk: MainWindow, engine: Engine, prices: PriceBook
) -> None:
    ticket = desk.ticket
    QTest.keyClicks(ticket.symbol, "ACME")
    assert ticket.quote.text() == "No price yet for ACME."
    prices.update([quote(engine, "ACME", "99.98", "100.02", "100.00")])
    qtbot.waitUntil(lambda: ticket.quote.text() == "Bid 99.98 · Ask 100.02 · Last 100.00")
    assert isinstance(engine.clock, FakeClock)
    engine.clock.advance(12)
    qtbot.waitUntil(lambda: ticket.quote.text().endswith("stale: 12 s old"), timeout=3000)
    ticket.clear()
    assert ticket.quote.text() == ""


def test_positions_are_valued_at_the_marks_as_prices_move(
    qtbot: QtBot, desk: MainWindow, engine: Engine, prices: PriceBook
) -> None:
    order_id = engine.submit(SubmitOrder(spec(symbol="ACME"), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack(), venue.fill(100, 10)])
    model = desk.positions
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.index(0, 6).data() == "—"  # no price yet
    with qtbot.waitSignal(model.dataChanged):  # the view repaints: the row stays, its P&L moves
        prices.update([quote(engine, "ACME", "10.49", "10.51")])
    assert model.index(0, 6).data() == "50.00"
    assert model.index(0, MARK_COLUMN).data() == "10.50"
    desk.update_summary()
    assert desk.summary.text().endswith("unrealised 50.00")


def test_the_price_chart_draws_working_orders_moves_them_on_amend_removes_them_on_cancel_and_marks_fills(
    qtbot: QtBot, desk: MainWindow, engine: Engine, outbound: RecordingOutbound, prices: PriceBook
) -> None:
    chart = desk.price_chart
    chart.show_symbol("ACME")
    prices.update([quote(engine, "ACME", "9.98", "10.02")])
    working = submit(engine, limit=10)
    other = submit(engine, limit=11, symbol="BOLT")
    venue = VenueOrder(working, 100)
    engine.apply_venue_messages([venue.ack(), VenueOrder(other, 100).ack()])
    qtbot.waitUntil(lambda: desk.bridge.idle and chart.order_lines() == {working: 10.0})

    engine.replace(ReplaceOrder(working, Amendment(D(100), limit_px=D("10.5")), TRADER))
    engine.apply_venue_messages([venue.replaced(outbound.sent[-1].cl_ord_id, 100)])
    qtbot.waitUntil(lambda: desk.bridge.idle and chart.order_lines() == {working: 10.5})

    engine.apply_venue_messages([venue.fill(40, D("10.5"))])
    qtbot.waitUntil(lambda: len(chart.fill_points()) == 1)
    assert chart.fill_points()[0][1] == 10.5
    engine.cancel(CancelOrder(working, TRADER))
    engine.apply_venue_messages([venue.canceled(outbound.sent[-1].cl_ord_id)])
    qtbot.waitUntil(lambda: desk.bridge.idle and chart.order_lines() == {})
    chart.redraw()
    assert len(chart.curve.getData()[0]) == 1  # the one ACME price so far


def test_the_latency_chart_times_each_order_to_the_venues_first_answer(
    qtbot: QtBot, desk: MainWindow, engine: Engine
) -> None:
    assert isinstance(engine.clock, FakeClock)
    order_id = submit(engine, limit=10)
    engine.clock.advance(0.004)
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack()])
    engine.clock.advance(1)
    engine.apply_venue_messages([venue.fill(10)])  # not a first answer: not timed
    series = desk.latencies.by_venue["SIM1"]
    assert list(series.ys) == [pytest.approx(4.0)]
    desk.latency_chart.redraw()
    assert len(desk.latency_chart.dots["SIM1"].getData()[0]) == 1


def submit(engine: Engine, limit: int | str, symbol: str = "ACME") -> OrderId:
    result = engine.submit(SubmitOrder(spec(symbol=symbol, limit_px=D(limit), destination="SIM1"), TRADER))
    assert result.order_id is not None
    return result.order_id


def test_a_window_without_prices_still_opens_with_empty_price_views(window: MainWindow) -> None:
    assert window.watchlist.model.symbols() == []
    assert window.ticket.quote.text() == ""


def test_ticks_faster_than_the_screen_are_coalesced_to_the_latest_quote_of_each_symbol(
    qtbot: QtBot, engine: Engine
) -> None:
    prices = PriceBook()
    bridge = PriceBridge(prices, max_rate=5)
    seen: dict[str, Quote] = {}
    bridge.quotesChanged.connect(lambda quotes: seen.update((q.symbol, q) for q in quotes))
    for n in range(200):
        prices.update([quote(engine, "ACME", f"{100 + n}", f"{101 + n}"), quote(engine, "BOLT", "1", "2")])
    qtbot.waitUntil(lambda: bridge.idle)
    assert seen["ACME"].bid == D(299)
    assert set(seen) == {"ACME", "BOLT"}
    assert bridge.emits <= 3
