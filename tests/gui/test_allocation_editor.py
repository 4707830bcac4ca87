"""The allocation editor and the ticket's template choice, on real widgets: a PM saves a template, enters a block
from the ticket, previews and edits the split, proposes and releases; a trader sees it all read-only."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from app.engine.engine import Engine
from app.engine.ids import AccountId, OrderId
from app.ui.allocation_editor import QTY_COLUMN, RATE_COLUMN
from app.ui.main_window import MainWindow
from tests.support.engine_kit import PM, TRADER
from tests.support.reports import VenueOrder

ACCOUNTS = ["BLOCK", "FUND1", "FUND2"]


def pm_window(qtbot: QtBot, engine: Engine, settings: QSettings) -> MainWindow:
    window = MainWindow(engine, ["SIM1"], user=PM, accounts=ACCOUNTS, settings=settings)
    qtbot.addWidget(window)
    window.show()
    return window


def save_template(qtbot: QtBot, window: MainWindow) -> None:
    editor = window.allocations
    editor.template_name.setText("SPLIT")
    editor.template_basis.setCurrentText("% of the fill")
    editor.template_legs.setText("FUND1 60, FUND2 40")
    editor.template_rate.setText("10")
    editor.save_template_button.click()
    assert "saved" in editor.result.text()
    qtbot.waitUntil(lambda: window.ticket.allocation.findText("SPLIT") >= 0)  # the ticket offers it


def enter_block(qtbot: QtBot, window: MainWindow, engine: Engine) -> OrderId:
    """Through the ticket: 1000 AAPL at 10, allocation template SPLIT; the venue fills 700 at 10.01."""
    return enter_block_at(qtbot, window, engine)[0]


def enter_block_at(qtbot: QtBot, window: MainWindow, engine: Engine) -> tuple[OrderId, VenueOrder]:
    """Through the ticket: 1000 AAPL at 10, allocation template SPLIT; the venue fills 700 at 10.01."""
    ticket = window.ticket
    ticket.allocation.setCurrentText("SPLIT")
    assert not ticket.account.isEnabled()
    QTest.keyClicks(ticket.symbol, "AAPL")
    QTest.keyClicks(ticket.qty, "1000")
    QTest.keyClicks(ticket.limit_px, "10")
    result = ticket.submit()
    assert result is not None
    assert result.accepted, result.message
    assert result.order_id is not None
    venue = VenueOrder(result.order_id, 1000)
    engine.apply_venue_messages([venue.ack(), venue.fill(700, Decimal("10.01"))])
    qtbot.waitUntil(lambda: window.bridge.idle)
    return result.order_id, venue


def cells(table: QTableWidget, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]  # type: ignore[union-attr]


def test_a_pm_saves_a_template_enters_a_block_and_allocates_it(
    qtbot: QtBot, engine: Engine, settings: QSettings
) -> None:
    window = pm_window(qtbot, engine, settings)
    save_template(qtbot, window)
    editor = window.allocations
    order_id = enter_block(qtbot, window, engine)
    assert engine.ledger.orders[order_id].spec.account == "FUND1"  # booked to the template's first account
    window.blotter.select(order_id)
    assert editor.current_block() == order_id
    assert cells(editor.legs, 0) == ["FUND1", "FUND2"]
    assert cells(editor.legs, QTY_COLUMN) == ["420", "280"]  # pro-rata 60/40 of the 700 filled
    assert "Allocated 700 of 700" in editor.sums.text()
    assert "largest remainder" in editor.rule.text()
    editor.legs.item(0, QTY_COLUMN).setText("500")  # type: ignore[union-attr]
    assert "add up to 780, more than the 700 filled" in editor.problem.text()
    editor.legs.item(0, QTY_COLUMN).setText("400")  # type: ignore[union-attr]
    assert editor.problem.text() == ""
    assert "left in the block's account: 20" in editor.sums.text()
    assert cells(editor.legs, 3) == ["4,004.00", "2,802.80"]  # notional at the block's average price
    editor.propose_button.click()
    assert editor.versions.count() == 1
    assert "v1 by pm1" in editor.versions.item(0).text()
    editor.release_button.click()
    assert "RELEASED" in editor.state.text()
    assert not editor.propose_button.isEnabled()
    assert engine.positions.get(AccountId("FUND2"), "AAPL").net_qty == Decimal(280)
    assert engine.positions.get(AccountId("FUND1"), "AAPL").net_qty == Decimal(420)  # 400 + the 20 left over


def test_a_pm_sets_a_legs_commission_per_share_and_it_is_proposed_with_it(
    qtbot: QtBot, engine: Engine, settings: QSettings
) -> None:
    window = pm_window(qtbot, engine, settings)
    save_template(qtbot, window)
    editor = window.allocations
    order_id = enter_block(qtbot, window, engine)
    window.blotter.select(order_id)
    assert cells(editor.legs, RATE_COLUMN) == ["10 bps", "10 bps"]  # the template's
    assert cells(editor.legs, 4) == ["4.21", "2.80"]  # 10 bps of 4,204.20 and 2,802.80: 7.01 by the residual rule
    editor.legs.item(1, RATE_COLUMN).setText("a lot")  # type: ignore[union-attr]
    assert "The commission rate for FUND2 must be basis points" in editor.problem.text()
    editor.legs.item(1, RATE_COLUMN).setText("0.02/sh")  # type: ignore[union-attr]
    assert editor.problem.text() == ""
    assert cells(editor.legs, 4) == ["4.20", "5.60"]  # 280 shares at 0.02
    assert cells(editor.legs, RATE_COLUMN) == ["10 bps", "0.02 per share"]
    editor.propose_button.click()
    legs = engine.book.allocations.blocks[order_id].versions[-1].proposed.legs
    assert [(leg.per_share, leg.commission) for leg in legs] == [
        (None, Decimal("4.20")),
        (Decimal("0.02"), Decimal("5.60")),
    ]


def test_a_trader_sees_allocations_read_only_and_why(qtbot: QtBot, engine: Engine, settings: QSettings) -> None:
    window = pm_window(qtbot, engine, settings)
    save_template(qtbot, window)
    order_id = enter_block(qtbot, window, engine)
    window.set_user(TRADER)
    editor = window.allocations
    editor.select(order_id)
    assert editor.legs.rowCount() == 2
    assert not editor.propose_button.isEnabled()
    assert "cannot allocate fills" in editor.release_button.toolTip()
    assert editor.legs.editTriggers() == QTableWidget.EditTrigger.NoEditTriggers


def test_a_fill_after_release_is_an_anomaly_and_the_pm_releases_a_supplement(
    qtbot: QtBot, engine: Engine, settings: QSettings
) -> None:
    window = pm_window(qtbot, engine, settings)
    save_template(qtbot, window)
    editor = window.allocations
    order_id, venue = enter_block_at(qtbot, window, engine)
    window.blotter.select(order_id)
    assert "still working (300 to fill)" in editor.state.text()  # a partial block may be allocated: said plainly
    editor.propose_button.click()
    editor.release_button.click()
    assert not editor.propose_button.isEnabled()
    engine.apply_venue_messages([venue.fill(100, Decimal("10.02"))])
    qtbot.waitUntil(lambda: window.bridge.idle)
    qtbot.waitUntil(lambda: window.anomalies.count == 1)  # in the Anomalies tab and the status bar count
    assert "OUT OF DATE" in editor.state.text()
    assert editor.propose_button.isEnabled()
    assert cells(editor.legs, QTY_COLUMN) == ["60", "40"]  # the supplement: pro-rata of the 100 filled since
    assert cells(editor.legs, 2) == ["10.02", "10.02"]  # at the late fill's price, not the block's average
    assert "of 100 filled since the release" in editor.sums.text()
    editor.propose_button.click()
    assert "v2 supplement of 100" in editor.versions.item(1).text()
    editor.release_button.click()
    assert "OUT OF DATE" not in editor.state.text()
    assert not editor.propose_button.isEnabled()
    assert engine.positions.get(AccountId("FUND2"), "AAPL").net_qty == Decimal(280 + 40)
    assert engine.positions.get(AccountId("FUND1"), "AAPL").net_qty == Decimal(420 + 60)


def test_a_bust_after_release_is_settled_by_a_corrective_version_said_in_words(
    qtbot: QtBot, engine: Engine, settings: QSettings
) -> None:
    window = pm_window(qtbot, engine, settings)
    save_template(qtbot, window)
    editor = window.allocations
    order_id, venue = enter_block_at(qtbot, window, engine)
    extra = venue.fill(100, Decimal("10.02"))
    engine.apply_venue_messages([extra])
    qtbot.waitUntil(lambda: window.bridge.idle)
    window.blotter.select(order_id)
    editor.propose_button.click()
    editor.release_button.click()
    engine.apply_venue_messages([venue.bust(extra)])
    qtbot.waitUntil(lambda: window.bridge.idle)
    assert "propose and release a corrective version" in editor.state.text()
    assert cells(editor.legs, QTY_COLUMN) == ["-60", "-40"]  # taken back pro rata by the released 480 and 320
    assert cells(editor.legs, 2) == ["10.02", "10.02"]  # at the busted fill's price
    assert editor.legs.editTriggers() == QTableWidget.EditTrigger.NoEditTriggers  # it goes by the released legs
    editor.propose_button.click()
    said = f"corrects version 1 for the bust of {extra.exec_id}: FUND1 -60, FUND2 -40 at 10.02"
    assert said in editor.versions.item(1).text()
    editor.release_button.click()
    assert "OUT OF DATE" not in editor.state.text()
    assert engine.positions.get(AccountId("FUND2"), "AAPL").net_qty == Decimal(280)
    assert engine.positions.get(AccountId("FUND1"), "AAPL").net_qty == Decimal(420)
