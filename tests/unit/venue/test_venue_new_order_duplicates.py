"""A new order under a ClOrdID the session has already used, in any symbol or on a cancel or replace, is refused
at once (35=8 150=8 103=6), unless it is a possible resend of the very same order."""

from __future__ import annotations

from app.venue.venue_app import Outbound
from tests.unit.venue.fix_kit import Client, venue


def _book_cl_ord_ids(c: Client, symbol: str) -> list[str]:
    book = c.app.engine.book(symbol)
    assert book is not None
    return [o.cl_ord_id for o in book.open_orders()]


def _refusal(out: list[Outbound], c: Client) -> tuple[str, str, str, str]:
    [m] = c.mine(out)
    return m[35], m[150], m[39], m[103]


def test_a_clordid_used_in_another_symbol_is_refused_as_a_duplicate() -> None:
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    out = c1.new("a1", "1", "10", "10.00", symbol="BOLT")
    assert _refusal(out, c1) == ("8", "8", "8", "6")
    assert "ClOrdID a1 is already in use on this session (a new order has it)" in c1.mine(out)[0][58]
    assert [o for o in out if o.session == "DROPCOPY"]  # the refusal is copied like any other report
    assert _book_cl_ord_ids(c1, "BOLT") == []


def test_a_clordid_a_cancel_used_cannot_name_a_new_order() -> None:
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    c1.cancel("k1", "a1")
    out = c1.new("k1", "1", "10", "99.00")
    assert _refusal(out, c1) == ("8", "8", "8", "6")
    assert "(an earlier cancel request had it)" in c1.mine(out)[0][58]


def test_another_session_may_use_the_same_clordid() -> None:
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    c2 = Client(c1.app, "C2")
    [ack] = c2.mine(c2.new("a1", "1", "10", "10.00", symbol="BOLT"))
    assert (ack[150], ack[39]) == ("0", "0")


def test_a_possible_resend_of_the_very_same_order_gets_its_status_and_is_not_booked_twice() -> None:
    c1 = Client(venue(), "C1")
    [ack] = c1.mine(c1.new("a1", "1", "100", "99.00"))
    [status] = c1.mine(c1.new("a1", "1", "100", "99.00", extra=[(97, "Y")]))
    assert (status[150], status[39], status[37], status[11]) == ("I", "0", ack[37], "a1")
    assert _book_cl_ord_ids(c1, "ACME") == ["a1"]


def test_a_resend_flag_on_a_different_order_is_still_a_duplicate() -> None:
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    out = c1.new("a1", "1", "200", "99.00", extra=[(43, "Y")])
    assert _refusal(out, c1) == ("8", "8", "8", "6")
    assert _book_cl_ord_ids(c1, "ACME") == ["a1"]


def test_a_resend_of_an_order_still_held_gets_nothing_and_it_is_booked_once() -> None:
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00", release=False)
    assert c1.mine(c1.new("a1", "1", "100", "99.00", extra=[(97, "Y")], release=False)) == []
    [ack] = c1.mine(c1.app.release_next("C1"))
    assert (ack[150], ack[11]) == ("0", "a1")
    assert c1.app.held("C1") == 0
    assert _book_cl_ord_ids(c1, "ACME") == ["a1"]
