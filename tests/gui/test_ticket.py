"""The order ticket: problems said next to each field before sending, the risk verdict, Enter and Esc."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.engine import Engine
from app.engine.enums import OrderStatus, Side
from app.engine.ids import UserId
from app.ui.ticket import QtOrderTicket
from tests.support.engine_kit import DenyGate, RecordingOutbound, open_engine


def make_ticket(qtbot: QtBot, engine: Engine) -> QtOrderTicket:
    ticket = QtOrderTicket(engine, ["SIM1", "SIM2"], ["ACC1"], UserId("trader1"))
    qtbot.addWidget(ticket)
    return ticket


def test_a_bad_quantity_is_said_next_to_the_quantity_while_typing(qtbot: QtBot, engine: Engine) -> None:
    ticket = make_ticket(qtbot, engine)
    QTest.keyClicks(ticket.qty, "12x")
    assert "must be a number" in ticket.errors["qty"].text()
    assert ticket.errors["symbol"].text() == ""  # untouched fields stay quiet until Submit


def test_submit_with_errors_sends_nothing_and_marks_every_field(
    qtbot: QtBot, engine: Engine, outbound: RecordingOutbound
) -> None:
    ticket = make_ticket(qtbot, engine)
    QTest.keyClick(ticket.symbol, Qt.Key.Key_Return)
    assert outbound.sent == []
    assert ticket.errors["symbol"].text() == "Enter a symbol."
    assert ticket.errors["qty"].text() == "Quantity must be a positive number."
    assert ticket.errors["limit_px"].text() == "A limit order needs a limit price."
    assert ticket.result.text().startswith("Not sent")


def test_the_type_enables_only_the_prices_it_uses(qtbot: QtBot, engine: Engine) -> None:
    ticket = make_ticket(qtbot, engine)
    assert (ticket.limit_px.isEnabled(), ticket.stop_px.isEnabled()) == (True, False)
    ticket.ord_type.setCurrentText("Stop limit")
    assert (ticket.limit_px.isEnabled(), ticket.stop_px.isEnabled()) == (True, True)
    ticket.ord_type.setCurrentText("Market")
    assert (ticket.limit_px.isEnabled(), ticket.stop_px.isEnabled()) == (False, False)
    assert not ticket.expire_at.isEnabled()
    ticket.tif.setCurrentText("GTC")
    assert ticket.errors["tif"].text() == "A market order cannot be good till canceled."


def test_a_gtd_order_carries_its_expiry(qtbot: QtBot, engine: Engine, outbound: RecordingOutbound) -> None:
    ticket = make_ticket(qtbot, engine)
    QTest.keyClicks(ticket.symbol, "IBM")
    QTest.keyClicks(ticket.qty, "10")
    QTest.keyClicks(ticket.limit_px, "150")
    ticket.tif.setCurrentText("GTD")
    assert ticket.expire_at.isEnabled()
    result = ticket.submit()
    assert result is not None
    assert result.accepted
    assert result.order_id is not None
    order = engine.ledger.orders[result.order_id]
    assert order.spec.expire_at is not None
    assert order.spec.expire_at > engine.clock.now()


def test_the_side_sets_the_submit_buttons_words_and_colour(qtbot: QtBot, engine: Engine) -> None:
    ticket = make_ticket(qtbot, engine)
    looks = set()
    for side in Side:
        ticket.prepare(side)
        assert ticket.submit_button.text().startswith(side.label)
        looks.add(ticket.submit_button.styleSheet())
    assert len(looks) == 3


def test_the_risk_verdict_shows_before_submit_and_a_denial_after(qtbot: QtBot, tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3", gate=DenyGate())
    try:
        ticket = make_ticket(qtbot, engine)
        QTest.keyClicks(ticket.symbol, "AAPL")
        QTest.keyClicks(ticket.qty, "100")
        QTest.keyClicks(ticket.limit_px, "10")
        assert "over the account's limit" in ticket.risk.text()
        result = ticket.submit()
        assert result is not None
        assert not result.accepted
        assert ticket.result.text().startswith("Denied: Quantity 100 is over")
        assert outbound.sent == []
        assert result.order_id is not None
        assert engine.ledger.orders[result.order_id].status is OrderStatus.DENIED
    finally:
        engine.close()


def test_escape_clears_the_ticket(qtbot: QtBot, engine: Engine) -> None:
    ticket = make_ticket(qtbot, engine)
    QTest.keyClicks(ticket.symbol, "AAPL")
    QTest.keyClicks(ticket.qty, "x")
    QTest.keyClick(ticket.qty, Qt.Key.Key_Escape)
    assert (ticket.symbol.text(), ticket.qty.text(), ticket.errors["qty"].text()) == ("", "", "")


def test_each_symbol_remembers_the_account_quantity_and_type_last_sent_across_restarts(
    qtbot: QtBot, engine: Engine, outbound: RecordingOutbound, settings: QSettings
) -> None:
    ticket = QtOrderTicket(engine, ["SIM1"], ["ACC1", "ACC2"], UserId("trader1"), settings=settings)
    qtbot.addWidget(ticket)
    QTest.keyClicks(ticket.symbol, "msft")
    ticket.account.setCurrentText("ACC2")
    ticket.ord_type.setCurrentText("Market")
    QTest.keyClicks(ticket.qty, "250")
    QTest.keyClick(ticket.qty, Qt.Key.Key_Return)
    assert [r.symbol for r in outbound.sent] == ["MSFT"]

    again = QtOrderTicket(engine, ["SIM1"], ["ACC1", "ACC2"], UserId("trader1"), settings=settings)
    qtbot.addWidget(again)
    QTest.keyClicks(again.qty, "5")  # typed before the symbol: the trader's quantity wins
    QTest.keyClicks(again.symbol, "MSFT")
    again.use_symbol_defaults()  # what leaving the symbol field does
    assert (again.account.currentText(), again.qty.text(), again.ord_type.currentText()) == ("ACC2", "5", "Market")
    again.symbol.clear()
    QTest.keyClicks(again.symbol, "AAPL")  # never sent: nothing to fill in
    again.use_symbol_defaults()
    assert again.account.currentText() == "ACC2"
