"""The ticket's problems under their fields, in words wrapped to the field's width: at 1280x800 and 1920x1080
every message of a badly filled ticket reads whole inside the Ticket dock, and a field that is right takes no
room for one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.engine.engine import Engine
from app.ui.ticket import QtOrderTicket
from tests.gui.test_first_layout import first_start_window
from tests.gui.test_ticket import make_ticket

LONG_QTY = "twelve hundred and fifty shares, please"


def _badly_filled(ticket: QtOrderTicket) -> None:
    """A stop-limit GTD order with every field that can be wrong wrong, then Submit: every field says why."""
    ticket.ord_type.setCurrentText("Stop limit")
    ticket.tif.setCurrentText("GTD")
    QTest.keyClicks(ticket.qty, LONG_QTY)
    QTest.keyClicks(ticket.limit_px, "a hundred")
    QTest.keyClicks(ticket.stop_px, "ninety-nine and a half")
    ticket.account.setCurrentText("")
    ticket.destination.setCurrentIndex(-1)
    assert ticket.submit() is None


def _shown(ticket: QtOrderTicket) -> list[QLabel]:
    return [label for label in ticket.errors.values() if label.isVisible()]


def _unread(ticket: QtOrderTicket, label: QLabel) -> str | None:
    """Why ``label`` does not read whole inside the ticket's visible area, or None when it does."""
    if label.height() < label.heightForWidth(label.width()):
        return f"{label.text()!r}: {label.height()} px high, needs {label.heightForWidth(label.width())}"
    place = QRect(label.mapTo(ticket, QPoint(0, 0)), label.size())
    room = ticket.visibleRegion().boundingRect()
    return None if room.contains(place) else f"{label.text()!r}: at {place}, outside what shows of the ticket ({room})"


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)])
def test_every_message_reads_whole_in_the_ticket_dock(
    qtbot: QtBot, engine: Engine, settings: QSettings, tmp_path: Path, width: int, height: int
) -> None:
    window = first_start_window(qtbot, engine, settings, width, height)
    ticket = window.ticket
    _badly_filled(ticket)
    qtbot.wait(20)  # the layout settles
    assert window.grab().save(str(tmp_path / f"ticket_messages_{width}x{height}.png"))
    shown = _shown(ticket)
    fields = {"symbol", "qty", "limit_px", "stop_px", "account", "destination"}
    assert {name for name, label in ticket.errors.items() if label in shown} >= fields
    assert ticket.errors["qty"].text().startswith("Quantity must be a number, like 100 or 12.5")
    assert LONG_QTY in ticket.errors["qty"].text()  # the whole message, not a cut one
    for label in shown:
        assert label.width() >= 150, f"{label.text()!r} is squeezed into {label.width()} px"
        assert _unread(ticket, label) is None
    assert window.blotter.width() >= 400  # the messages do not take the blotter's room
    assert (window.width(), window.height()) == (width, height)  # nor push the window off the screen


def test_a_message_goes_under_its_field_and_leaves_when_the_field_is_right(qtbot: QtBot, engine: Engine) -> None:
    ticket = make_ticket(qtbot, engine)
    ticket.resize(320, 800)
    ticket.show()
    qtbot.waitExposed(ticket)
    below = ticket.ord_type.y()
    QTest.keyClicks(ticket.qty, "12x")
    label = ticket.errors["qty"]
    qtbot.waitUntil(lambda: ticket.ord_type.y() >= label.y() + label.height() > label.y())  # the next field moves
    assert label.y() >= ticket.qty.y() + ticket.qty.height()  # under the quantity
    ticket.qty.clear()
    QTest.keyClicks(ticket.qty, "100")
    assert label.text() == ""
    qtbot.waitUntil(lambda: not label.isVisible())
    qtbot.waitUntil(lambda: ticket.ord_type.y() == below)
