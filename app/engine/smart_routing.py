"""Smart routing: an order sent to "SMART" goes to the venue quoting the best price for it at submit.

A buy goes where the ask is lowest, a sell where the bid is highest, among the configured venues whose quote
for the symbol is fresh (a venue that quotes the symbol takes it); a tie goes to the venue configured first.
A venue's quotes are those its own market-data session sends: one named after it, or ``<venue>-MD`` (the shipped
resources/sessions.toml has SIMA-MD, SIMB-MD and SIMC-MD). A consolidated feed (the simulator's ``SIM-MD``) names no
venue, so routes nothing. A venue a kill switch would refuse the order at (``barred``) is skipped, and the route's
reason says so.
The choice and why are recorded with the order, and the order carries the real venue from then on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from app.engine.enums import Side
from app.engine.order import OrderSpec
from app.engine.prices import Quote

SMART = "SMART"
"""The destination a ticket names to have the engine choose the venue."""
VENUE_FEED_SUFFIX = "-MD"
"""A market-data session named ``<venue>-MD`` is that venue's own feed."""
FRESH_FOR = timedelta(seconds=30)
"""How old a quote may be and still route an order."""

Barred = Callable[[str], str | None]
"""Why an order may not go to a venue now (a kill switch over it, in words), or None if it may."""


def _open(venue: str) -> None:
    """No venue is barred."""
    return None


def venue_feeds(feeds: Iterable[str], venues: Iterable[str]) -> frozenset[str]:
    """Which of the market-data sessions ``feeds`` are one of ``venues``' own feed (named ``<venue>-MD``)."""
    own = {f"{venue}{VENUE_FEED_SUFFIX}" for venue in venues}
    return frozenset(feed for feed in feeds if feed in own)


class VenueQuotes(Protocol):
    """Where the router reads each venue's latest quote of a symbol."""

    def venue_quotes(self, symbol: str) -> Mapping[str, Quote]:
        """The latest quote of ``symbol`` from each venue that has quoted it."""
        ...


@dataclass(frozen=True, slots=True)
class Route:
    """The venue chosen, and why in words (for the order's audit timeline)."""

    venue: str
    reason: str


class SmartRouter:
    """Chooses a venue among ``venues`` (in their configured order) from ``quotes``."""

    def __init__(self, venues: Sequence[str], quotes: VenueQuotes, fresh_for: timedelta = FRESH_FOR) -> None:
        self.venues, self.quotes, self.fresh_for = tuple(venues), quotes, fresh_for

    def route(self, spec: OrderSpec, now: datetime, barred: Barred = _open) -> Route | str:
        """Where ``spec`` should go at ``now`` and why, or why no venue can be chosen; a venue ``barred`` names a
        reason for is skipped."""
        buy = spec.side is Side.BUY
        word = "ask" if buy else "bid"
        quoted = self.quotes.venue_quotes(spec.symbol)
        prices: list[tuple[str, Decimal]] = []
        open_venues: list[str] = []
        skipped: list[str] = []
        for venue in self.venues:
            if (why := barred(venue)) is not None:
                skipped.append(f"{venue} ({why})")
                continue
            open_venues.append(venue)
            quote = quoted.get(venue) or quoted.get(f"{venue}{VENUE_FEED_SUFFIX}")
            price = None if quote is None else (quote.ask if buy else quote.bid)
            if price is not None and quote is not None and quote.age(now) <= self.fresh_for:
                prices.append((venue, price))
        passed = f"; skipped {', '.join(skipped)}" if skipped else ""
        if not open_venues:
            return f"Smart routing has no venue open to {spec.symbol}: skipped {', '.join(skipped)}."
        if not prices:
            where = ", ".join(open_venues) or "no venue"
            return f"Smart routing found no fresh {word} for {spec.symbol} at {where}{passed}; choose a venue."
        best = prices[0]
        for venue, price in prices[1:]:
            if (price < best[1]) if buy else (price > best[1]):
                best = (venue, price)
        others = ", ".join(f"{venue} {price}" for venue, price in prices if venue != best[0])
        versus = f" vs {others}" if others else " (the only venue with a fresh quote)"
        return Route(best[0], f"Smart routed to {best[0]}: best {word} {best[1]}{versus}{passed}")
