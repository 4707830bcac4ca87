"""Venue listings: which venues list a symbol, and what to say when the chosen one does not."""

from __future__ import annotations

from app.engine.listings import VenueListings

LISTINGS = VenueListings({"SIMA": ["ACME", "BOLT"], "SIMB": ["ACME", "DYNA"], "SIMC": ["BOLT", "DYNA"]})


def test_the_venues_listing_a_symbol_come_in_the_order_given() -> None:
    assert LISTINGS.venues_for("DYNA") == ["SIMB", "SIMC"]
    assert LISTINGS.venues_for("ACME") == ["SIMA", "SIMB"]
    assert LISTINGS.venues_for("ZZZZ") == []


def test_a_venue_that_does_not_list_the_symbol_is_said_with_those_that_do() -> None:
    assert LISTINGS.not_listed("SIMA", "DYNA") == "SIMA does not list DYNA (SIMB, SIMC list it)."
    assert LISTINGS.not_listed("SIMB", "BOLT") == "SIMB does not list BOLT (SIMA, SIMC list it)."
    assert LISTINGS.not_listed("SIMC", "ACME") == "SIMC does not list ACME (SIMA, SIMB list it)."
    assert VenueListings({"SIMA": ["ACME"], "SIMB": ["DYNA"]}).not_listed("SIMA", "DYNA") == (
        "SIMA does not list DYNA (SIMB lists it)."
    )
    assert LISTINGS.not_listed("SIMA", "ZZZZ") == "SIMA does not list ZZZZ (no venue here does)."


def test_only_a_known_list_says_no() -> None:
    assert LISTINGS.not_listed("SIMA", "ACME") is None
    assert LISTINGS.lists("REAL", "ACME") is None
    assert LISTINGS.not_listed("REAL", "DYNA") is None  # a venue whose listings the desk does not know
    assert LISTINGS.not_listed("SMART", "DYNA") is None
    assert LISTINGS.not_listed("SIMA", "") is None
    assert VenueListings().venues_for("ACME") == []
