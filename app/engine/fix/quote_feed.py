"""The desk's market data: initiator sessions of role ``market_data`` feeding quotes into the ``PriceBook``.

After each logon the feed subscribes (35=V) to every symbol the desk watches: the configured watchlist, the
symbols a trader adds, and every symbol with a working order or that a new order names, as they appear. A
symbol goes in a request of its own, under an MDReqID made of the symbol, the session's epoch and the
request's MsgSeqNum (unique, so data for a request of an earlier connection is recognised and ignored).
Snapshots and increments keep a small book per symbol; everything read in one socket read becomes one
``Quote`` per symbol touched, given to ``PriceBook.update`` as one batch. A refusal (35=Y) is said as an
alert and kept in ``refused``; a message that cannot be read is answered with a session Reject and its
symbol subscribed again for a fresh snapshot.

A session named ``<venue>-MD`` after an order session is that venue's own feed, read for smart routing. When a
consolidated feed (any other market data session) is configured, it alone gives the desk's prices and the venue
feeds' quotes are kept per venue only; a venue feed refusing a symbol the venue does not list is said as a note
(that venue is left out of routing it), not kept in ``refused``.

Market data is not the system of record: nothing per tick goes to the event log or the store. The session
itself keeps the store's rules (each message we send is stored with its MsgSeqNum before it is written,
and the session's record rides along); the record is also saved when the line drops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from app.engine.clock import Clock
from app.engine.events import OrderSubmitted, SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import Alert, AlertKind, AlertLevel
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.desk_sessions import SessionGroup
from app.engine.fix.errors import FixRejectError
from app.engine.fix.market_data_messages import (
    EntryType,
    MarketDataEntry,
    MarketDataUpdate,
    SubscriptionType,
    UpdateAction,
    incremental,
    market_data_request,
    request_reject,
    snapshot,
)
from app.engine.fix.message import FixMessage
from app.engine.fix.session import FixSession, Outgoing, SessionOutput
from app.engine.fix.session_writes import send_stored
from app.engine.fix.tags import MsgType, SessionRejectReason
from app.engine.fix.transport import Backoff
from app.engine.prices import PriceBook, Quote
from app.engine.smart_routing import venue_feeds

if TYPE_CHECKING:
    from app.engine.engine import ChangeSet, Engine


@dataclass(slots=True)
class TopOfBook:
    """The levels a venue shows for one symbol, and its last trade."""

    bids: dict[Decimal, Decimal | None] = field(default_factory=dict)
    offers: dict[Decimal, Decimal | None] = field(default_factory=dict)
    last: Decimal | None = None

    def apply(self, entry: MarketDataEntry) -> None:
        """Take one entry: a level added, changed or deleted, or a trade."""
        if entry.kind is EntryType.TRADE:
            self.last = entry.px
            return
        levels = self.bids if entry.kind is EntryType.BID else self.offers
        if entry.action is UpdateAction.DELETE:
            levels.pop(entry.px, None)
        else:
            levels[entry.px] = entry.size

    def quote(self, symbol: str, venue: str, ts: datetime) -> Quote:
        """The quote this book shows now: best bid, best offer, last trade."""
        bid = max(self.bids) if self.bids else None
        ask = min(self.offers) if self.offers else None
        return Quote(symbol, bid, ask, self.last, ts, venue)


REFUSED = AlertKind.REJECT_RECEIVED
STATUS = AlertKind.IGNORED
"""A symbol's trading status (35=f): the feed says it in words and keeps quoting; orders are the venue's to refuse."""
TRADING_HALT = "2"
"""SecurityTradingStatus (326) for a trading halt."""
_TRADING_STATUS = {TRADING_HALT: "is halted", "3": "trades again", "17": "is ready to trade"}
"""A market-data request or message of ours refused by the venue."""


class QuoteFeed(SessionGroup):
    """Every market data session in the configuration, and the symbols the desk watches on them."""

    role: ClassVar[SessionRole] = SessionRole.MARKET_DATA
    what: ClassVar[str] = "market data sessions"

    def __init__(
        self,
        configs: Sequence[SessionConfig],
        clock: Clock,
        prices: PriceBook,
        symbols: Iterable[str] = (),
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(configs, clock, backoff)
        self.prices = prices
        self.watched: dict[str, None] = {}
        """Every symbol the desk wants prices for, in the order they were added."""
        self.refused: dict[str, str] = {}
        """Symbols a venue refused market data for, and why in words (until the next logon asks again)."""
        self._requests: dict[str, dict[str, str]] = {}
        """Per session: MDReqID -> symbol of the subscriptions made on the current connection."""
        self._books: dict[tuple[str, str], TopOfBook] = {}
        venues = [c.name for c in configs if c.role is SessionRole.ORDERS]
        self.venue_feeds = venue_feeds(self.configs, venues)
        """The sessions that are a venue's own feed (for smart routing)."""
        consolidated = set(self.configs) - self.venue_feeds
        self._routing_only = self.venue_feeds if consolidated else frozenset()
        for symbol in symbols:
            self._add(symbol.strip())

    def attach(self, engine: Engine) -> None:
        """Build the sessions on the engine's store, and watch every symbol the book trades from now on."""
        for order in engine.ledger.live():
            self._add(order.spec.symbol)
        for position in engine.positions.by_key.values():
            if position.net_qty:
                self._add(position.symbol)
        engine.subscribe(self._on_changes)
        super().attach(engine)

    def watch(self, symbol: str) -> None:
        """Want prices for ``symbol``: subscribed now on every session that is up, and after every logon."""
        symbol = symbol.strip()
        if not self._add(symbol):
            return
        for name, session in self.sessions.items():
            if session.is_active:
                self.initiators[name].write(self._stored(session, self._subscriptions(session, [symbol])))

    def _add(self, symbol: str) -> bool:
        if not symbol or symbol in self.watched:
            return False
        self.watched[symbol] = None
        return True

    def _on_changes(self, changes: ChangeSet) -> None:
        for recorded in changes.recorded:
            if type(recorded.event) is OrderSubmitted:
                self.watch(recorded.event.spec.symbol)

    # The session application -----------------------------------------------------------------------

    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """Read what ``session`` received into quotes; store what it sends; subscribe after a logon."""
        name = session.config.name
        touched: dict[str, None] = {}
        answers: list[Outgoing] = []
        again: list[str] = []
        for received in out.received:
            try:
                self._read(name, received.message, touched)
            except FixRejectError as bad:
                answers += session.reject(received, SessionRejectReason(bad.reject_reason), str(bad), bad.tag).sends
                symbol = self._requests.get(name, {}).get(received.message.get(tags.MD_REQ_ID) or "")
                again += [symbol] if symbol is not None else []
        if touched:
            ts = self.clock.now()
            quotes = (self._books[(name, symbol)].quote(symbol, name, ts) for symbol in touched)
            self.prices.update(quotes, reference=name not in self._routing_only)
        if out.line_lost:
            self._forget(name)
        bodies: list[FixMessage] = []
        if out.logged_on:
            self._forget(name)
            again = list(self.watched)
        if again:
            bodies = self._subscriptions(session, again)
        self._say(name, out.alerts)
        if bodies or answers or out.line_lost or any(o.new for o in out.sends):
            return answers + self._stored(session, bodies, (*out.sends, *answers))
        return answers

    def _read(self, name: str, msg: FixMessage, touched: dict[str, None]) -> None:
        kind = msg.msg_type
        if kind == MsgType.MARKET_DATA_INCREMENTAL:
            self._apply(name, incremental(msg), touched)
        elif kind == MsgType.MARKET_DATA_SNAPSHOT:
            self._apply(name, snapshot(msg), touched)
        elif kind == MsgType.MARKET_DATA_REQUEST_REJECT:
            refusal = request_reject(msg)
            symbol = self._requests.get(name, {}).pop(refusal.req_id, None)
            if symbol is not None and name in self.venue_feeds:
                text = f"{name} does not quote {symbol} ({refusal.reason}): smart routing leaves that venue out for it."
                self._say(name, [Alert(AlertLevel.INFO, text, REFUSED)])
            elif symbol is not None:
                self.refused[symbol] = refusal.reason
                self._say(
                    name,
                    [Alert(AlertLevel.WARNING, f"{name} refused market data for {symbol}: {refusal.reason}.", REFUSED)],
                )
        elif kind == MsgType.SECURITY_STATUS:
            code = msg.get(tags.SECURITY_TRADING_STATUS) or ""
            status = _TRADING_STATUS.get(code, f"has trading status {code or 'unknown'}")
            words = msg.get(tags.TEXT) or f"{msg.get(tags.SYMBOL)} {status}"
            level = AlertLevel.WARNING if code == TRADING_HALT else AlertLevel.INFO
            self._say(name, [Alert(level, f"{name}: {words}.", STATUS)])
        elif kind in (MsgType.REJECT, MsgType.BUSINESS_MESSAGE_REJECT):
            text = f"{name} rejected our message {msg.get(tags.REF_SEQ_NUM)}: {msg.get(tags.TEXT) or 'no reason given'}"
            self._say(name, [Alert(AlertLevel.WARNING, text, REFUSED)])
        else:
            text = f"{name} sent a {kind} message, which the price feed does not use."
            self._say(name, [Alert(AlertLevel.INFO, text, AlertKind.IGNORED)])

    def _apply(self, name: str, update: MarketDataUpdate, touched: dict[str, None]) -> None:
        """Apply an update for a subscription of this connection; data for any other request is ignored."""
        requests = self._requests.get(name, {})
        own = None if update.req_id is None else requests.get(update.req_id)
        if update.req_id is not None and own is None:
            return  # a request of an earlier connection, or one since replaced
        allowed = set(requests.values()) if own is None else {own}
        if update.snapshot_of is not None:
            if update.snapshot_of not in allowed:
                return
            self._books[(name, update.snapshot_of)] = TopOfBook()
            touched[update.snapshot_of] = None
        for entry in update.entries:
            symbol = entry.symbol or own
            if symbol is None or symbol not in allowed:
                continue
            book = self._books.get((name, symbol))
            if book is None:
                book = self._books[(name, symbol)] = TopOfBook()
            book.apply(entry)
            touched[symbol] = None

    def _subscriptions(self, session: FixSession, symbols: Iterable[str]) -> list[FixMessage]:
        """One 35=V per symbol, each under a new MDReqID; the symbols are no longer refused."""
        name = session.config.name
        requests = self._requests.setdefault(name, {})
        bodies = []
        for symbol in symbols:
            for old in [r for r, s in requests.items() if s == symbol]:
                del requests[old]
                bodies.append(market_data_request(old, symbol, SubscriptionType.UNSUBSCRIBE))
            req_id = f"{symbol}-{session.record.epoch}-{session.next_out + len(bodies)}"
            requests[req_id] = symbol
            self.refused.pop(symbol, None)
            bodies.append(market_data_request(req_id, symbol))
        return bodies

    def _forget(self, name: str) -> None:
        """The connection ended (or began): its subscriptions and the books they built are gone."""
        self._requests.pop(name, None)
        for key in [k for k in self._books if k[0] == name]:
            del self._books[key]

    def _stored(
        self, session: FixSession, bodies: list[FixMessage], earlier: Sequence[Outgoing] = ()
    ) -> list[Outgoing]:
        return send_stored(self.engine.store, session, bodies, earlier)

    def _say(self, name: str, alerts: list[Alert]) -> None:
        """Keep and tell session ``name``'s alerts (market data alerts are not recorded in the event log)."""
        self._tell([SessionAlertRaised(name, alert.kind, alert.level, alert.text) for alert in alerts])
