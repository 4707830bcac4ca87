"""The ticket's problems beside their fields: one line each, cut with "…" when there is no room (whole as the
tooltip), and the form neither grows nor moves whatever they say."""

from __future__ import annotations

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.engine.engine import Engine
from app.ui.ticket import QtOrderTicket
from tests.gui.test_ticket import make_ticket


def _places(ticket: QtOrderTicket) -> list[tuple[int, int, int, int]]:
    """Where every field and the Submit button are drawn."""
    widgets = [widget for _, widget in ticket._fields().values()] + [ticket.submit_button]
    return [(w.x(), w.y(), w.width(), w.height()) for w in widgets]


def test_problems_take_one_line_and_the_form_does_not_move(qtbot: QtBot, engine: Engine) -> None:
    ticket = make_ticket(qtbot, engine)
    ticket.resize(ticket.sizeHint())
    ticket.show()
    qtbot.waitExposed(ticket)
    before, wanted = _places(ticket), ticket.sizeHint()
    QTest.keyClicks(ticket.qty, "twelve hundred and fifty shares, please")
    ticket.submit()  # every field now says what is wrong with it
    qtbot.wait(10)
    label = ticket.errors["qty"]
    assert label.text().startswith("Quantity must be a number, like 100 or 12.5")
    assert label.toolTip() == label.text()
    assert label.height() == label.fontMetrics().height()  # one line, not a word a line
    assert ticket.sizeHint() == wanted
    assert _places(ticket) == before
    assert label.shown_text().endswith("…")
    assert label.shown_text()[:-1] in label.text()


def test_a_problem_shows_whole_when_there_is_room(qtbot: QtBot, engine: Engine) -> None:
    ticket = make_ticket(qtbot, engine)
    ticket.resize(900, ticket.sizeHint().height())
    ticket.show()
    qtbot.waitExposed(ticket)
    ticket.submit()
    assert ticket.errors["symbol"].shown_text() == ticket.errors["symbol"].text() == "Enter a symbol."
