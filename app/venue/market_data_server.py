"""The simulator's shared market data session: every simulated venue's prices on one line, as a data vendor's.

A market data session (role ``market_data``) that is not named after a venue (the desk's ``SIM-MD``) quotes
every symbol the simulated venues list, each from the first venue listing it in the configuration's order
(by default SIMA for ACME, BOLT and CORE, SIMB for DYNA, SIMC for EXPO and FLUX). A MarketDataRequest (35=V)
goes to that venue's feed, which answers with snapshots and then sends its increments here (``send``); a
request naming symbols of several venues is split, each venue answering for its own under the same MDReqID,
and an unsubscribe goes to every venue. A symbol no venue lists is refused (35=Y) by the first venue. Other
application messages get a BusinessMessageReject: the line carries market data only.

A session named ``<venue>-MD`` is that venue's own feed instead (its whole book, SIMB's ACME included) and is
served by the venue itself (``simulator.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.engine.clock import Clock
from app.engine.fix import FixMessage, MsgType
from app.engine.fix import tags as t
from app.engine.fix.config import SessionConfig
from app.engine.fix.session import Received
from app.engine.fix.tags import ADMIN_MSG_TYPES
from app.engine.fix.transport import Acceptor
from app.venue.fix_rejects import unsupported
from app.venue.market_data import SubscriptionType
from app.venue.served import Served, open_served
from app.venue.venue_app import VenueApplication

_REFUSALS = frozenset({MsgType.REJECT, MsgType.MARKET_DATA_REQUEST_REJECT})
_REGROUPED = frozenset({t.BEGIN_STRING, t.BODY_LENGTH, t.MSG_TYPE, t.CHECK_SUM, t.NO_RELATED_SYM, t.SYMBOL})


class MarketDataServer:
    """The shared market data sessions, answered by the venue that lists each symbol first."""

    def __init__(self, configs: Sequence[SessionConfig], clock: Clock, venues: Sequence[VenueApplication]) -> None:
        if not venues:
            raise ValueError("a market data session needs at least one simulated venue to quote")
        self.venues = list(venues)
        self.listing: dict[str, VenueApplication] = {}
        """Each symbol quoted, in listing order, and the venue quoting it."""
        for venue in self.venues:
            for symbol in venue.profile.symbols:
                self.listing.setdefault(symbol, venue)
        self.served = {c.name: Served(c, Acceptor(c.host, c.port)) for c in configs}
        for served in self.served.values():
            open_served(served, clock, self.hear)

    @property
    def symbols(self) -> list[str]:
        """Every symbol the sessions quote, in listing order."""
        return list(self.listing)

    async def start(self) -> None:
        """Listen on every session's port."""
        for served in self.served.values():
            await served.acceptor.start()

    async def close(self) -> None:
        """Stop listening and close every connection."""
        for served in self.served.values():
            await served.acceptor.close()

    def serves(self, name: str) -> bool:
        """Whether the session named ``name`` is one of these."""
        return name in self.served

    def send(self, name: str, bodies: list[FixMessage]) -> None:
        """Send a venue's market data for the subscribers of session ``name``."""
        self.served[name].send(bodies)

    def hear(self, name: str, received: Received) -> list[FixMessage]:
        """The answers to an application message received on session ``name`` (the session's handler)."""
        message = received.message
        if message.msg_type in ADMIN_MSG_TYPES:
            return []
        if message.msg_type != MsgType.MARKET_DATA_REQUEST:
            return [unsupported(message)]
        answers: list[FixMessage] = []
        for venue, request in self._split(message):
            said = [out.message for out in venue.on_message(name, request)]
            answers += said
            if any(m.msg_type in _REFUSALS for m in said):
                break  # the request itself is wrong: one refusal says so
        return answers

    def _split(self, request: FixMessage) -> list[tuple[VenueApplication, FixMessage]]:
        """Which venue answers for which of the request's symbols."""
        if request.get(t.SUBSCRIPTION_REQUEST_TYPE) == SubscriptionType.UNSUBSCRIBE:
            return [(venue, request) for venue in self.venues]
        by_venue: dict[VenueApplication, list[str]] = {}
        for symbol in request.get_all(t.SYMBOL):
            by_venue.setdefault(self.listing.get(symbol, self.venues[0]), []).append(symbol)
        if len(by_venue) <= 1:
            return [(next(iter(by_venue), self.venues[0]), request)]
        return [(venue, _for_symbols(request, symbols)) for venue, symbols in by_venue.items()]


def _for_symbols(request: FixMessage, symbols: list[str]) -> FixMessage:
    """``request`` asking for ``symbols`` only."""
    fields = [(tag, value) for tag, value in request.fields if tag not in _REGROUPED]
    fields += [(t.NO_RELATED_SYM, str(len(symbols))), *((t.SYMBOL, symbol) for symbol in symbols)]
    return FixMessage(request.msg_type, fields, begin_string=request.begin_string)
