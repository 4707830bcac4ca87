"""The ticket lists each risk finding and offers an override only to roles that may; the limits editor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.events import LimitChanged, WarningOverridden
from app.engine.ids import UserId
from app.ui.limits_editor import QtLimitsEditor
from app.ui.ticket import QtOrderTicket
from tests.support.engine_kit import SUPERVISOR, TRADER
from tests.support.risk_kit import WARN, Desk, open_desk


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    opened = open_desk(tmp_path / "desk.sqlite3")
    opened.limit("max_order_qty", 50, WARN)
    opened.limit("lot_size", 10, symbol="IBM")
    yield opened
    opened.engine.store.close()


def _ticket(qtbot: QtBot, desk: Desk, user: UserId, qty: str, symbol: str = "AAPL") -> QtOrderTicket:
    ticket = QtOrderTicket(desk.engine, ["SIM1"], ["ACC1"], user)
    qtbot.addWidget(ticket)
    ticket.show()
    QTest.keyClicks(ticket.symbol, symbol)
    QTest.keyClicks(ticket.qty, qty)
    QTest.keyClicks(ticket.limit_px, "10")
    return ticket


def test_each_finding_is_a_line_blocks_red_and_warnings_amber(qtbot: QtBot, desk: Desk) -> None:
    ticket = _ticket(qtbot, desk, SUPERVISOR, "105", symbol="IBM")
    lines = ticket.risk.text().split("<br>")
    assert len(lines) == 2
    assert "#dc2626" in lines[0]
    assert "Blocked (lot_size): Quantity 105 is not a multiple of the lot size 10 for symbol IBM." in lines[0]
    assert "#d97706" in lines[1]
    assert "Warning (max_order_qty)" in lines[1]
    assert not ticket.override.isVisible()  # a block cannot be overridden


def test_a_supervisor_overrides_a_warning_with_a_reason_from_the_ticket(qtbot: QtBot, desk: Desk) -> None:
    ticket = _ticket(qtbot, desk, SUPERVISOR, "100")
    assert ticket.override.isVisible()
    QTest.keyClicks(ticket.override, "block trade agreed with the client")
    result = ticket.submit()
    assert result is not None
    assert result.accepted
    [override] = desk.events(WarningOverridden)
    assert (override.user, override.reason) == (SUPERVISOR, "block trade agreed with the client")
    assert ticket.override.text() == ""


def test_a_trader_sees_the_warning_but_no_override_box_and_the_order_is_denied(qtbot: QtBot, desk: Desk) -> None:
    ticket = _ticket(qtbot, desk, TRADER, "100")
    assert "Warning (max_order_qty)" in ticket.risk.text()
    assert not ticket.override.isVisible()
    result = ticket.submit()
    assert result is not None
    assert not result.accepted
    assert ticket.result.text().startswith("Denied: Order quantity 100 is over the soft limit of 50")


def test_a_supervisor_edits_a_limit_and_the_change_is_an_event(qtbot: QtBot, desk: Desk) -> None:
    editor = QtLimitsEditor(desk.engine, SUPERVISOR)
    qtbot.addWidget(editor)
    assert editor.table.rowCount() == 2
    editor.table.selectRow(1)  # max_order_qty (warn) for the desk, sorted after lot_size
    assert (editor.kind.currentText(), editor.level.currentText(), editor.value.text()) == (
        "max_order_qty",
        "warn",
        "50",
    )
    editor.value.setText("75")
    assert editor.apply_change().accepted
    assert editor.message.text() == "max_order_qty (warn) for the desk: 50 -> 75."
    assert editor.table.item(1, 6).text() == "75"  # type: ignore[union-attr]
    assert desk.events(LimitChanged)[-1].old == "50"
    editor.value.setText("lots")
    assert not editor.apply_change().accepted
    assert "'lots' is not a number" in editor.message.text()


def test_the_editor_is_read_only_for_a_trader_and_says_why(qtbot: QtBot, desk: Desk) -> None:
    editor = QtLimitsEditor(desk.engine, TRADER)
    qtbot.addWidget(editor)
    assert editor.table.rowCount() == 2
    assert not editor.set_button.isEnabled()
    assert editor.message.text() == "trader1 is a trader; a trader cannot change risk limits."
