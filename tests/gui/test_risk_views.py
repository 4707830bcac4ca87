"""The ticket lists each risk finding and offers an override only to roles that may; the limits editor, which
follows limits changed anywhere; the window follows a role changed anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.engine.commands import SetLimit, SubmitOrder
from app.engine.engine import Engine
from app.engine.events import LimitChanged, WarningOverridden
from app.engine.ids import UserId
from app.engine.roles import Role
from app.engine.users.commands import ChangeRole
from app.ui.amend_dialog import QtAmendDialog
from app.ui.limits_editor import QtLimitsEditor
from app.ui.main_window import MainWindow
from app.ui.ticket import QtOrderTicket
from tests.support import users_kit
from tests.support.engine_kit import SUPERVISOR, TRADER, spec
from tests.support.reports import VenueOrder
from tests.support.risk_kit import WARN, Desk, key, open_desk


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


def test_replacing_all_limits_with_a_file_is_confirmed_first_and_removes_the_others(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = QtLimitsEditor(desk.engine, SUPERVISOR)
    qtbot.addWidget(editor)
    before = editor.table.rowCount()
    chosen = tmp_path / "whole-set.toml"
    chosen.write_text("[[limits]]\nmax_long = 900\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(chosen), ""))
    asked: list[str] = []

    def says_no(question: str) -> bool:
        asked.append(question)
        return False

    editor.confirm = says_no
    editor.replace_button.click()
    assert asked[0].startswith("Replace ALL limits with whole-set.toml? 1 limits it names will be set or changed")
    assert f"{before} limits in force that it does not name will be removed" in asked[0]
    assert editor.message.text() == "Limits not replaced with whole-set.toml; nothing changed."
    assert editor.table.rowCount() == before
    editor.confirm = lambda question: True
    editor.replace_button.click()
    assert editor.message.text().startswith("Replaced all limits with whole-set.toml: 1 limits changed")
    assert desk.engine.book.limits.items() == [(key("max_long"), "900")]
    assert editor.table.rowCount() == 1
    assert "does not name" in editor.load_button.toolTip()


def test_a_supervisor_loads_a_limits_file_from_the_editor(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = QtLimitsEditor(desk.engine, SUPERVISOR)
    qtbot.addWidget(editor)
    chosen = tmp_path / "desk-limits.toml"
    chosen.write_text('[[limits]]\nlevel = "warn"\nmax_order_qty = 60\n\n[[limits]]\nmax_long = 900\n')
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(chosen), ""))
    editor.load_button.click()
    assert editor.message.text() == "Loaded desk-limits.toml: 2 limits changed. Limits it does not name are unchanged."
    assert editor.table.rowCount() == 3  # lot_size for IBM, not in the file, stays
    assert [(c.new, c.note) for c in desk.events(LimitChanged)[-2:]] == [
        ("900", "loaded from desk-limits.toml"),
        ("60", "loaded from desk-limits.toml"),
    ]
    chosen.write_text("[[limits]]\nmax_long = -1\n")
    assert not editor.load_file(chosen).accepted
    assert editor.message.text().startswith(
        "The limits file was not loaded; nothing changed.\ndesk-limits.toml, line 2:"
    )


def test_the_editor_is_read_only_for_a_trader_and_says_why(qtbot: QtBot, desk: Desk) -> None:
    editor = QtLimitsEditor(desk.engine, TRADER)
    qtbot.addWidget(editor)
    assert editor.table.rowCount() == 2
    assert not editor.set_button.isEnabled()
    assert not editor.load_button.isEnabled()
    assert editor.message.text() == "trader1 is a trader; a trader cannot change risk limits."


def test_the_limits_dock_follows_changes_made_anywhere(qtbot: QtBot, window: MainWindow, engine: Engine) -> None:
    def shown() -> list[tuple[str, str]]:
        table = window.limits.table
        cells = [[table.item(r, c) for c in (0, 6)] for r in range(table.rowCount())]
        return [(name.text(), value.text()) for name, value in cells if name is not None and value is not None]

    assert shown() == []
    engine.seed_limits({key("max_order_qty"): "1000"}, "limits.toml")  # the system, at a first start
    qtbot.waitUntil(lambda: shown() == [("max_order_qty", "1000")])
    assert engine.set_limit(SetLimit(key("max_order_qty"), "500", SUPERVISOR)).accepted  # another user's desktop
    qtbot.waitUntil(lambda: shown() == [("max_order_qty", "500")])


def test_a_role_changed_elsewhere_counts_on_the_window_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    engine, admin, _ = users_kit.open_desk(tmp_path / "users.sqlite3")
    ann = UserId("ann")
    window = MainWindow(engine, ["SIM1"], user=ann, admin=admin)
    qtbot.addWidget(window)
    assert window.ticket.submit_button.isEnabled()
    assert admin.change_role(ChangeRole(users_kit.BOSS, ann, Role.VIEWER)).accepted  # from the boss's desktop
    qtbot.waitUntil(lambda: not window.ticket.submit_button.isEnabled())
    assert "ann is a viewer" in window.ticket.submit_button.toolTip()
    engine.store.close()


def _amend(qtbot: QtBot, desk: Desk, user: UserId, qty: str) -> QtAmendDialog:
    order_id = desk.working(qty=Decimal(40))
    dialog = QtAmendDialog(desk.engine, desk.engine.ledger.orders[order_id], user)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.qty.clear()
    QTest.keyClicks(dialog.qty, qty)
    return dialog


def test_a_supervisor_overrides_a_warning_on_an_amend_with_a_reason(qtbot: QtBot, desk: Desk) -> None:
    dialog = _amend(qtbot, desk, SUPERVISOR, "100")
    assert "Warning (max_order_qty)" in dialog.verdict.findings.text()
    assert dialog.verdict.override.isVisible()
    QTest.keyClicks(dialog.verdict.override, "client doubled the order by phone")
    dialog.send()
    assert dialog.result_of_send is not None
    assert dialog.result_of_send.accepted, dialog.result_of_send.message
    [override] = desk.events(WarningOverridden)
    assert (override.user, override.reason) == (SUPERVISOR, "client doubled the order by phone")


def test_a_trader_sees_the_amends_warning_without_an_override_box_and_is_refused(qtbot: QtBot, desk: Desk) -> None:
    dialog = _amend(qtbot, desk, TRADER, "100")
    assert "Warning (max_order_qty)" in dialog.verdict.findings.text()
    assert not dialog.verdict.override.isVisible()
    dialog.send()
    assert dialog.result_of_send is not None
    assert not dialog.result_of_send.accepted
    assert "someone allowed to override risk warnings must give a reason" in dialog.problems.text()
    assert dialog.isVisible()
    assert desk.events(WarningOverridden) == []


def test_an_amend_within_limits_shows_a_pass(qtbot: QtBot, desk: Desk) -> None:
    dialog = _amend(qtbot, desk, TRADER, "45")
    assert "passes" in dialog.verdict.findings.text()
    assert not dialog.verdict.override.isVisible()


def test_an_amend_left_open_closes_when_the_user_changes(qtbot: QtBot, window: MainWindow, engine: Engine) -> None:
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    engine.apply_venue_messages([VenueOrder(order_id, 100).ack()])
    window.bridge.flush()
    window.blotter.select(order_id)
    dialog = window.blotter.amend_current()
    assert dialog is not None
    assert dialog.isVisible()
    window.set_user(SUPERVISOR)
    assert not dialog.isVisible()  # it would have sent in the trader's name
