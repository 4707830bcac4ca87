"""The default venues differ where routing cares, and each builds books with quoting market makers."""

from __future__ import annotations

from app.venue.profiles import DEFAULT_PROFILES, build_market


def test_three_default_venues_differ_in_latency_fees_tick_lot_liquidity_and_symbols() -> None:
    profiles = list(DEFAULT_PROFILES.values())
    assert list(DEFAULT_PROFILES) == ["SIMA", "SIMB", "SIMC"]
    for attribute in ("ack_latency_ms", "fee_per_share", "liquidity", "listings", "seed"):
        assert len({getattr(p, attribute) for p in profiles}) == 3, attribute
    assert len({(p.tick, p.lot) for p in profiles}) == 3
    assert {p.pending_acks for p in profiles} == {True, False}


def test_each_venue_lists_its_symbols_and_quotes_them_on_its_tick_and_lot() -> None:
    for profile in DEFAULT_PROFILES.values():
        engine, makers = build_market(profile)
        assert engine.symbols == sorted(profile.symbols)
        assert [m.book.symbol for m in makers] == profile.symbols
        assert profile.liquidity is not None
        for listing in profile.listings:
            book = engine.book(listing.symbol)
            assert book is not None
            bids, offers = book.depth(100)
            assert (len(bids), len(offers)) == (profile.liquidity.levels, profile.liquidity.levels)
            assert bids[0][0] < listing.mid < offers[0][0]
            for price, qty in bids + offers:
                assert price % profile.tick == 0
                assert qty % profile.lot == 0
