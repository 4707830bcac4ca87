"""The price book: latest quote per symbol, marks, and one notice per batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.engine.prices import PriceBook, Quote

T0 = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)


def test_the_mark_is_the_mid_when_both_sides_are_quoted_else_the_last_trade() -> None:
    assert Quote("ACME", Decimal("9.98"), Decimal("10.02"), Decimal(11), T0).mark == Decimal(10)
    assert Quote("ACME", None, Decimal("10.02"), Decimal(11), T0).mark == Decimal(11)
    assert Quote("ACME", None, None, None, T0).mark is None


def test_the_book_keeps_the_latest_quote_and_tells_listeners_once_per_batch() -> None:
    book = PriceBook()
    heard: list[list[str]] = []
    book.subscribe(lambda quotes: heard.append([q.symbol for q in quotes]))
    book.update([Quote("ACME", None, None, Decimal(1), T0), Quote("BOLT", None, None, Decimal(2), T0)])
    book.update([Quote("ACME", None, None, Decimal(3), T0 + timedelta(seconds=1))])
    book.update([])
    assert heard == [["ACME", "BOLT"], ["ACME"]]
    acme = book.quote("ACME")
    assert acme is not None
    assert acme.last == Decimal(3)
    assert acme.age(T0 + timedelta(seconds=5)) == timedelta(seconds=4)
    assert book.quote("ZZZ") is None
    assert book.symbols() == ["ACME", "BOLT"]


def test_quotes_that_are_not_the_reference_are_kept_per_venue_only() -> None:
    book = PriceBook()
    heard: list[list[Quote]] = []
    book.subscribe(heard.append)
    consolidated = Quote("ACME", Decimal(10), Decimal(11), None, T0, "SIM-MD")
    book.update([consolidated])
    book.update([Quote("ACME", Decimal(9), Decimal(12), None, T0, "SIMA-MD")], reference=False)
    assert book.quote("ACME") == consolidated
    assert heard == [[consolidated]]
    assert {venue: q.ask for venue, q in book.venue_quotes("ACME").items()} == {"SIM-MD": 11, "SIMA-MD": 12}
