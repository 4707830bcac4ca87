"""The ticket knows which venues list a symbol: it defaults the destination to one that does and says, before
Submit, when the venue chosen does not."""

from __future__ import annotations

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.engine import Engine
from app.engine.ids import UserId
from app.engine.listings import VenueListings
from app.ui.ticket import QtOrderTicket

LISTINGS = VenueListings({"SIMA": ["ACME", "BOLT", "CORE"], "SIMB": ["ACME", "DYNA"], "SIMC": ["BOLT", "EXPO"]})


def _ticket(qtbot: QtBot, engine: Engine) -> QtOrderTicket:
    ticket = QtOrderTicket(engine, ["SIMA", "SIMB", "SIMC"], ["ACC1"], UserId("trader1"), listings=LISTINGS)
    qtbot.addWidget(ticket)
    ticket.show()
    qtbot.waitExposed(ticket)
    return ticket


def _type_symbol(ticket: QtOrderTicket, symbol: str) -> None:
    ticket.symbol.setFocus()
    ticket.symbol.selectAll()
    QTest.keyClicks(ticket.symbol, symbol)
    ticket.symbol.editingFinished.emit()  # as Qt does when the trader leaves the field: its defaults apply


def test_the_destination_follows_the_symbol_to_a_venue_that_lists_it(qtbot: QtBot, engine: Engine) -> None:
    ticket = _ticket(qtbot, engine)
    assert ticket.destination.currentText() == "SIMA"
    _type_symbol(ticket, "dyna")
    assert ticket.destination.currentText() == "SIMB"
    assert ticket.venue_note.text() == ""
    _type_symbol(ticket, "EXPO")  # chosen for the last symbol, not by the trader: the next symbol moves it again
    assert ticket.destination.currentText() == "SIMC"
    _type_symbol(ticket, "BOLT")  # SIMC lists it too: no reason to move
    assert ticket.destination.currentText() == "SIMC"


def test_a_venue_that_does_not_list_the_symbol_is_said_before_submit(qtbot: QtBot, engine: Engine) -> None:
    ticket = _ticket(qtbot, engine)
    _type_symbol(ticket, "DYNA")
    ticket.destination.setCurrentText("SIMA")  # the trader's own choice stands
    assert ticket.venue_note.text() == "SIMA does not list DYNA (SIMB lists it)."
    assert ticket.venue_note.isVisible()
    _type_symbol(ticket, "ZZZZ")
    assert ticket.destination.currentText() == "SIMA"
    assert ticket.venue_note.text() == "SIMA does not list ZZZZ (no venue here does)."
    _type_symbol(ticket, "ACME")
    assert ticket.venue_note.text() == ""


def test_without_listings_nothing_is_said_or_moved(qtbot: QtBot, engine: Engine) -> None:
    ticket = QtOrderTicket(engine, ["SIMA", "SIMB"], ["ACC1"], UserId("trader1"))
    qtbot.addWidget(ticket)
    _type_symbol(ticket, "DYNA")
    assert (ticket.destination.currentText(), ticket.venue_note.text()) == ("SIMA", "")
