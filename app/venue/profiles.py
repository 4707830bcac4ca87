"""The simulated venues: what each lists, how fast it answers, what it charges and how liquid it is.

A `VenueProfile` is plain data; `build_market` turns one into a `MatchingEngine` with a book per listed
symbol and a seeded `MarketMaker` per book, quoting already. The three defaults differ on purpose so a
desktop routing between them sees real differences: SIMA is fast, cheap to cross and deep; SIMB acks
through pending states, trades in tenths and round lots of 10 and is thinner; SIMC is slow, trades only in
lots of 100 and has a wide, shallow book. All three are non-stop (they take orders at any hour, so the demo trades
at night) and expire DAY orders at 16:00 New York; `with_exchange_hours` gives one the 09:30 to 16:00 session.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from app.venue.hours import TradingCalendar
from app.venue.market_maker import MarketMaker, QuoteShape
from app.venue.matching import MatchingEngine
from app.venue.orders import OwnerId

NEW_YORK: Final = ZoneInfo("America/New_York")
"""Where the simulated venues keep their hours."""
US_HOLIDAYS: Final = frozenset(
    date.fromisoformat(day)
    for day in (
        "2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19", "2026-07-03",
        "2026-09-07", "2026-11-26", "2026-12-25",
        "2027-01-01", "2027-01-18", "2027-02-15", "2027-03-26", "2027-05-31", "2027-06-18", "2027-07-05",
        "2027-09-06", "2027-11-25", "2027-12-24",
    )
)  # fmt: skip
"""The days the New York stock exchanges are shut in 2026 and 2027 (weekends aside), which the simulated venues
keep too."""


@dataclass(frozen=True, slots=True)
class Listing:
    """One symbol a venue trades, with the price its market maker starts quoting around."""

    symbol: str
    mid: Decimal


@dataclass(frozen=True, slots=True)
class VenueProfile:
    """Everything that makes one simulated venue behave differently from another."""

    name: str
    """The venue's name; also the prefix of its OrderIDs and ExecIDs."""
    ack_latency_ms: int
    """How long the venue takes to act on a request; the session driver applies it."""
    pending_acks: bool
    """Whether requests are first acknowledged with 150=A / 6 / E before they take effect."""
    fee_per_share: Decimal
    """What a fill costs per share, reported as Commission (12) on every fill."""
    tick: Decimal
    """Price increment of every listed symbol."""
    lot: Decimal
    """Quantity increment of every listed symbol."""
    liquidity: QuoteShape | None
    """How the market makers quote (depth, sizes, spread, walk); None for a venue with no market makers."""
    listings: tuple[Listing, ...]
    """The symbols traded, with their starting mids."""
    seed: int
    """Seeds the market makers; the same seed gives the same quotes."""
    close: time | None = time(16, 0)
    """Local time the venue closes each trading day, when DAY orders expire; None for a venue that never closes."""
    zone: ZoneInfo = NEW_YORK
    """The time zone ``close`` and ``holidays`` are read in."""
    holidays: frozenset[date] = US_HOLIDAYS
    """Weekdays the venue does not trade (its local dates): no close, so DAY orders work on to the next one."""
    open: time | None = None
    """Local time the venue opens each trading day: outside open to close it refuses new orders and replaces ("market
    closed: opens ...") and its market makers stand still. None: non-stop, orders taken at any hour."""

    @property
    def calendar(self) -> TradingCalendar:
        """The venue's trading days, opens and closes."""
        return TradingCalendar(self.close, self.zone, self.holidays, open=self.open)

    @property
    def symbols(self) -> list[str]:
        """The listed symbols, in listing order."""
        return [listing.symbol for listing in self.listings]


def _listings(**mids: str) -> tuple[Listing, ...]:
    return tuple(Listing(symbol, Decimal(mid)) for symbol, mid in mids.items())


SIMA = VenueProfile(
    name="SIMA",
    ack_latency_ms=2,
    pending_acks=False,
    fee_per_share=Decimal("0.0030"),
    tick=Decimal("0.01"),
    lot=Decimal("1"),
    liquidity=QuoteShape(levels=10, half_spread_ticks=1, level_ticks=1, min_lots=100, max_lots=1000, walk_ticks=2),
    listings=_listings(ACME="100.00", BOLT="25.00", CORE="50.00"),
    seed=101,
)
SIMB = VenueProfile(
    name="SIMB",
    ack_latency_ms=15,
    pending_acks=True,
    fee_per_share=Decimal("0.0010"),
    tick=Decimal("0.05"),
    lot=Decimal("10"),
    liquidity=QuoteShape(levels=5, half_spread_ticks=1, level_ticks=1, min_lots=1, max_lots=20, walk_ticks=1),
    listings=_listings(ACME="100.00", DYNA="12.50"),
    seed=202,
)
SIMC = VenueProfile(
    name="SIMC",
    ack_latency_ms=40,
    pending_acks=True,
    fee_per_share=Decimal("0.0025"),
    tick=Decimal("0.01"),
    lot=Decimal("100"),
    liquidity=QuoteShape(levels=3, half_spread_ticks=5, level_ticks=3, min_lots=1, max_lots=5, walk_ticks=3),
    listings=_listings(BOLT="25.00", EXPO="8.00", FLUX="200.00"),
    seed=303,
)

EXCHANGE_OPEN: Final = time(9, 30)
"""When the New York stock exchanges open."""


def with_exchange_hours(profile: VenueProfile) -> VenueProfile:
    """``profile`` keeping New York exchange hours: orders from 09:30 to its close on trading days only."""
    return dataclasses.replace(profile, open=EXCHANGE_OPEN)


DEFAULT_PROFILES: dict[str, VenueProfile] = {p.name: p for p in (SIMA, SIMB, SIMC)}
"""The venues the embedded simulator runs unless told otherwise, by name."""


def build_market(profile: VenueProfile) -> tuple[MatchingEngine, list[MarketMaker]]:
    """A matching engine listing the profile's symbols and (with liquidity) one quoting market maker per book."""
    engine = MatchingEngine(f"{profile.name}-")
    makers: list[MarketMaker] = []
    for i, listing in enumerate(profile.listings):
        book = engine.list_symbol(listing.symbol, profile.tick, profile.lot)
        if profile.liquidity is None:
            continue
        owner = OwnerId(f"MM-{profile.name}-{listing.symbol}")
        maker = MarketMaker(book, owner, profile.seed + i, listing.mid, profile.liquidity)
        maker.quote()
        makers.append(maker)
    return engine, makers
