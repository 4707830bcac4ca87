"""Smart routing: a SMART order goes to the venue with the best fresh price for its side, the choice and why in
its audit timeline; with no fresh quote it is refused in words and nothing is sent."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import Side
from app.engine.kill_terms import KillGrade, Scope, ScopeKind
from app.engine.order_timeline import order_timeline
from app.engine.prices import PriceBook, Quote
from app.engine.smart_routing import SMART, Route, SmartRouter
from tests.support.engine_kit import SUPERVISOR, TRADER, RecordingOutbound, open_engine, spec

D = Decimal
VENUES = ("SIMA", "SIMB", "SIMC")


def book(clock: FakeClock, **quotes: tuple[str, str]) -> PriceBook:
    prices = PriceBook()
    prices.update(Quote("AAPL", D(bid), D(ask), None, clock.now(), venue) for venue, (bid, ask) in quotes.items())
    return prices


def smart_engine(tmp_path: Path, prices: PriceBook, clock: FakeClock) -> tuple[Engine, RecordingOutbound]:
    engine, outbound = open_engine(tmp_path / "desk.sqlite3", clock=clock)
    engine.router = SmartRouter(VENUES, prices)
    return engine, outbound


def test_a_buy_goes_to_the_lowest_ask_and_a_sell_to_the_highest_bid() -> None:
    clock = FakeClock()
    router = SmartRouter(VENUES, book(clock, SIMA=("10.00", "10.03"), SIMB=("9.99", "10.02"), SIMC=("10.01", "10.04")))
    assert router.route(spec(destination=SMART), clock.now()) == Route(
        "SIMB", "Smart routed to SIMB: best ask 10.02 vs SIMA 10.03, SIMC 10.04"
    )
    sell = router.route(spec(destination=SMART, side=Side.SELL), clock.now())
    assert isinstance(sell, Route)
    assert sell.venue == "SIMC"


def test_a_venue_feed_named_venue_md_quotes_for_that_venue_and_a_consolidated_feed_for_none() -> None:
    clock = FakeClock()
    prices = book(clock, **{"SIMB-MD": ("10", "10.02"), "SIM-MD": ("10", "9.00")})
    route = SmartRouter(VENUES, prices).route(spec(destination=SMART), clock.now())
    assert isinstance(route, Route)
    assert route.venue == "SIMB"


def test_a_tie_goes_to_the_venue_configured_first_and_stale_or_unknown_venues_are_left_out() -> None:
    clock = FakeClock()
    prices = book(clock, SIMC=("10", "10.02"), SIMB=("10", "10.02"))
    clock.advance(40)
    prices.update(
        [
            Quote("AAPL", D(10), D("10.05"), None, clock.now(), "SIMC"),
            Quote("AAPL", D(9), D(9), None, clock.now(), "OTHER"),
        ]
    )
    route = SmartRouter(VENUES, prices).route(spec(destination=SMART), clock.now())
    assert route == Route("SIMC", "Smart routed to SIMC: best ask 10.05 (the only venue with a fresh quote)")
    prices.update([Quote("AAPL", D(10), D("10.05"), None, clock.now(), "SIMB")])
    route = SmartRouter(VENUES, prices).route(spec(destination=SMART), clock.now())
    assert isinstance(route, Route)
    assert route.venue == "SIMB"


def test_a_smart_order_carries_its_venue_and_the_reason_is_in_its_timeline(tmp_path: Path) -> None:
    clock = FakeClock()
    engine, outbound = smart_engine(tmp_path, book(clock, SIMA=("10", "10.03"), SIMB=("10", "10.02")), clock)
    result = engine.submit(SubmitOrder(spec(destination=SMART), TRADER))
    assert result.accepted, result.message
    assert result.order_id is not None
    assert engine.ledger.orders[result.order_id].spec.destination == "SIMB"
    assert [r.destination for r in outbound.sent] == ["SIMB"]
    assert [r.kind for r in engine.store.read_order(result.order_id)] == ["OrderSubmitted", "SmartRouted"]
    whats = [entry.what for entry in order_timeline(engine.store, result.order_id)]
    assert "Smart routed to SIMB: best ask 10.02 vs SIMA 10.03" in whats


def test_with_no_fresh_quote_or_no_router_a_smart_order_is_refused_in_words(tmp_path: Path) -> None:
    clock = FakeClock()
    prices = book(clock, SIMA=("10", "10.03"))
    engine, outbound = smart_engine(tmp_path, prices, clock)
    clock.advance(300)
    result = engine.submit(SubmitOrder(spec(destination=SMART), TRADER))
    assert not result.accepted
    assert result.message == "Smart routing found no fresh ask for AAPL at SIMA, SIMB, SIMC; choose a venue."
    engine.router = None
    assert "not set up on this desk" in engine.submit(SubmitOrder(spec(destination=SMART), TRADER)).message
    assert outbound.sent == []
    assert engine.ledger.orders == {}


def test_a_venue_under_a_kill_switch_is_skipped_and_the_reason_says_so(tmp_path: Path) -> None:
    """It used to be chosen for its price, and the order denied there by the switch."""
    clock = FakeClock()
    engine, outbound = smart_engine(tmp_path, book(clock, SIMA=("10", "10.01"), SIMB=("10", "10.02")), clock)
    sima = Scope(ScopeKind.VENUE, "SIMA")
    assert engine.engage_kill_switch(sima, KillGrade.HALT, SUPERVISOR, sima.name, "venue trouble").accepted
    result = engine.submit(SubmitOrder(spec(destination=SMART), TRADER))
    assert result.accepted, result.message
    assert [r.destination for r in outbound.sent] == ["SIMB"]
    assert result.order_id is not None
    [reason] = [e.what for e in order_timeline(engine.store, result.order_id) if e.what.startswith("Smart routed")]
    assert reason.startswith("Smart routed to SIMB: best ask 10.02 (the only venue with a fresh quote); skipped SIMA (")
    everywhere = Scope(ScopeKind.SYMBOL, "AAPL")
    assert engine.engage_kill_switch(everywhere, KillGrade.HALT, SUPERVISOR, everywhere.name, "stop").accepted
    refused = engine.submit(SubmitOrder(spec(destination=SMART), TRADER))
    assert not refused.accepted
    assert refused.message.startswith("Smart routing has no venue open to AAPL: skipped SIMA (")
