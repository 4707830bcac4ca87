"""Market data from the venue's books: 35=V requests, 35=W snapshots, 35=X increments, 35=Y refusals.

A request (35=V) names its id (262), snapshot / subscribe / unsubscribe (263), a depth (264, 0 for the
whole book), entry types (267/269: 0 bid, 1 offer, 2 trade) and symbols (146/55). A snapshot answers at
once; a subscription then follows the book: after each matching step the venue calls `changed` with the
symbols it touched and the trades it made, and each subscription gets one 35=X with what differs from
what it was last shown, price level by price level (279 0 new, 1 change, 2 delete, keyed by 270), plus
each trade, or a fresh 35=W per symbol when it asked for full refreshes (265=0). Unknown symbols,
entry types and duplicate ids are refused with 35=Y and MDReqRejReason (281).

A halt or resume of a symbol reaches every subscriber of it as a SecurityStatus (35=f) with
SecurityTradingStatus (326) 2 (halted) or 3 (resumed) and UnsolicitedIndicator (325) Y; a snapshot of a halted
symbol is followed by one (325=N), so a subscriber joining during the halt knows. FIX 4.4 has no 326 in a 35=W,
and strict counterparties refuse fields a message does not define, so the status travels on its own message.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from app.engine.fix import FixMessage, MsgType
from app.engine.fix import tags as t
from app.engine.fix.tags import SessionRejectReason
from app.engine.fix.values import FixValue, parse_int
from app.venue.fix_rejects import InvalidFieldError, out_of_range
from app.venue.fix_requests import FieldReader
from app.venue.matching import MatchingEngine
from app.venue.results import Trade

Levels = dict[Decimal, Decimal]
"""Price -> size of one side's shown levels, best first."""


class EntryType(StrEnum):
    """MDEntryType (269) values the venue publishes."""

    BID = "0"
    """A bid price level."""
    OFFER = "1"
    """An offer price level."""
    TRADE = "2"
    """A trade."""


class SubscriptionType(StrEnum):
    """SubscriptionRequestType (263)."""

    SNAPSHOT = "0"
    """One snapshot."""
    SUBSCRIBE = "1"
    """A snapshot, then updates."""
    UNSUBSCRIBE = "2"
    """Stop the updates of an earlier request (by MDReqID)."""


class RejectReason(StrEnum):
    """MDReqRejReason (281) values the venue answers with."""

    UNKNOWN_SYMBOL = "0"
    """The venue does not list a requested symbol."""
    DUPLICATE_MD_REQ_ID = "1"
    """The session already has a subscription with this MDReqID."""
    UNSUPPORTED_ENTRY_TYPE = "8"
    """An MDEntryType other than bid, offer or trade."""


class TradingStatus(StrEnum):
    """SecurityTradingStatus (326) values the venue sends."""

    HALTED = "2"
    """Trading halt: new orders and replaces are refused; resting orders stay and do not match."""
    RESUMED = "3"
    """Resume: the symbol trades again."""


_NEW, _CHANGE, _DELETE = "0", "1", "2"
_FULL_REFRESH = 0
_WHOLE_BOOK = sys.maxsize


@dataclass(slots=True)
class Subscription:
    """One session's standing request, and what it was last shown of each symbol."""

    session: str
    req_id: str
    symbols: tuple[str, ...]
    types: frozenset[EntryType]
    depth: int
    full_refresh: bool
    shown: dict[str, tuple[Levels, Levels]] = field(default_factory=dict)


class MarketDataFeed:
    """The market data of one venue's books, for every session that asks."""

    def __init__(self, engine: MatchingEngine) -> None:
        self.engine = engine
        self._subscriptions: dict[tuple[str, str], Subscription] = {}
        self._last_trade: dict[str, tuple[Decimal, Decimal]] = {}

    def request(self, session: str, msg: FixMessage) -> list[FixMessage]:
        """Answer a MarketDataRequest (35=V); `InvalidFieldError` when its fields break FIX."""
        f = FieldReader(msg, "a MarketDataRequest (35=V)")
        req_id = f.text(t.MD_REQ_ID)
        kind = f.code(t.SUBSCRIPTION_REQUEST_TYPE, SubscriptionType)
        if kind is SubscriptionType.UNSUBSCRIBE:
            self._subscriptions.pop((session, req_id), None)
            return []
        depth = f.parsed(t.MARKET_DEPTH, parse_int)
        if depth < 0:
            raise out_of_range(t.MARKET_DEPTH, str(depth), "a depth is 0 (whole book) or a number of levels")
        full = f.choice(t.MD_UPDATE_TYPE, frozenset({0, 1})) == _FULL_REFRESH if t.MD_UPDATE_TYPE in msg else False
        codes = _group(f, t.NO_MD_ENTRY_TYPES, t.MD_ENTRY_TYPE)
        symbols = tuple(_group(f, t.NO_RELATED_SYM, t.SYMBOL))
        refusal = self._refusal(session, req_id, kind, codes, symbols)
        if refusal is not None:
            return [refusal]
        sub = Subscription(session, req_id, symbols, frozenset(map(EntryType, codes)), depth or _WHOLE_BOOK, full)
        if kind is SubscriptionType.SUBSCRIBE:
            self._subscriptions[(session, req_id)] = sub
        out = [self._snapshot(sub, symbol) for symbol in symbols]
        halted = [symbol for symbol in symbols if self._halted(symbol)]
        return out + [security_status(symbol, TradingStatus.HALTED, unsolicited=False) for symbol in halted]

    def status_changed(self, symbol: str) -> list[tuple[str, FixMessage]]:
        """A SecurityStatus (35=f) for each subscriber of ``symbol``, now halted or trading again."""
        status = TradingStatus.HALTED if self._halted(symbol) else TradingStatus.RESUMED
        message = security_status(symbol, status, unsolicited=True)
        sessions = dict.fromkeys(sub.session for sub in self._subscriptions.values() if symbol in sub.symbols)
        return [(session, message) for session in sessions]

    def changed(self, symbols: set[str], trades: list[Trade]) -> list[tuple[str, FixMessage]]:
        """The updates each subscription gets after a matching step touched ``symbols`` with ``trades``."""
        for trade in trades:
            self._last_trade[trade.symbol] = (trade.price, trade.qty)
        out: list[tuple[str, FixMessage]] = []
        for sub in self._subscriptions.values():
            touched = [s for s in sub.symbols if s in symbols]
            if not touched:
                continue
            if sub.full_refresh:
                out.extend((sub.session, self._snapshot(sub, s)) for s in touched if self._moved(sub, s, trades))
                continue
            entries = [e for s in touched for e in self._increments(sub, s, trades)]
            if entries:
                msg = FixMessage(MsgType.MARKET_DATA_INCREMENTAL, ((t.MD_REQ_ID, sub.req_id),))
                msg.append(t.NO_MD_ENTRIES, len(entries))
                out.append((sub.session, msg.extend(f for e in entries for f in e)))
        return out

    # ----------------------------------------------------------------- building

    def _refusal(
        self, session: str, req_id: str, kind: SubscriptionType, codes: list[str], symbols: tuple[str, ...]
    ) -> FixMessage | None:
        unknown = [s for s in symbols if self.engine.book(s) is None]
        if unknown:
            return _reject(req_id, RejectReason.UNKNOWN_SYMBOL, f"the venue does not list {', '.join(unknown)}")
        unsupported = [c for c in codes if c not in set(EntryType)]
        if unsupported:
            text = f"MDEntryType {', '.join(unsupported)} is not published here; ask for 0 bid, 1 offer, 2 trade"
            return _reject(req_id, RejectReason.UNSUPPORTED_ENTRY_TYPE, text)
        if kind is SubscriptionType.SUBSCRIBE and (session, req_id) in self._subscriptions:
            return _reject(req_id, RejectReason.DUPLICATE_MD_REQ_ID, f"MDReqID {req_id} is already subscribed")
        return None

    def _snapshot(self, sub: Subscription, symbol: str) -> FixMessage:
        bids, offers = sub.shown[symbol] = self._view(sub, symbol)
        entries: list[tuple[int, FixValue]] = []
        for kind, levels in ((EntryType.BID, bids), (EntryType.OFFER, offers)):
            for px, size in levels.items():
                entries.extend(((t.MD_ENTRY_TYPE, kind), (t.MD_ENTRY_PX, px), (t.MD_ENTRY_SIZE, size)))
        last = self._last_trade.get(symbol)
        if EntryType.TRADE in sub.types and last is not None:
            entries.extend(((t.MD_ENTRY_TYPE, EntryType.TRADE), (t.MD_ENTRY_PX, last[0]), (t.MD_ENTRY_SIZE, last[1])))
        msg = FixMessage(MsgType.MARKET_DATA_SNAPSHOT, ((t.MD_REQ_ID, sub.req_id), (t.SYMBOL, symbol)))
        msg.append(t.NO_MD_ENTRIES, sum(1 for tag, _ in entries if tag == t.MD_ENTRY_TYPE))
        return msg.extend(entries)

    def _halted(self, symbol: str) -> bool:
        book = self.engine.book(symbol)
        return book is not None and book.halted

    def _view(self, sub: Subscription, symbol: str) -> tuple[Levels, Levels]:
        book = self.engine.book(symbol)
        assert book is not None  # checked when the subscription was made; symbols are never delisted
        bids, offers = book.depth(sub.depth)
        return (
            dict(bids) if EntryType.BID in sub.types else {},
            dict(offers) if EntryType.OFFER in sub.types else {},
        )

    def _moved(self, sub: Subscription, symbol: str, trades: list[Trade]) -> bool:
        traded = EntryType.TRADE in sub.types and any(trade.symbol == symbol for trade in trades)
        return traded or self._view(sub, symbol) != sub.shown.get(symbol)

    def _increments(self, sub: Subscription, symbol: str, trades: list[Trade]) -> list[list[tuple[int, FixValue]]]:
        old_bids, old_offers = sub.shown.get(symbol, ({}, {}))
        bids, offers = sub.shown[symbol] = self._view(sub, symbol)
        entries = _level_changes(symbol, EntryType.BID, old_bids, bids)
        entries += _level_changes(symbol, EntryType.OFFER, old_offers, offers)
        if EntryType.TRADE in sub.types:
            entries += [_entry(_NEW, EntryType.TRADE, symbol, tr.price, tr.qty) for tr in trades if tr.symbol == symbol]
        return entries


def _level_changes(symbol: str, kind: EntryType, old: Levels, new: Levels) -> list[list[tuple[int, FixValue]]]:
    """Deletes for levels gone, then changes and additions best first."""
    out = [_entry(_DELETE, kind, symbol, px, None) for px in old if px not in new]
    for px, size in new.items():
        was = old.get(px)
        if was != size:
            out.append(_entry(_NEW if was is None else _CHANGE, kind, symbol, px, size))
    return out


def _entry(action: str, kind: EntryType, symbol: str, px: Decimal, size: Decimal | None) -> list[tuple[int, FixValue]]:
    entry: list[tuple[int, FixValue]] = [
        (t.MD_UPDATE_ACTION, action),
        (t.MD_ENTRY_TYPE, kind),
        (t.SYMBOL, symbol),
        (t.MD_ENTRY_PX, px),
    ]
    if size is not None:
        entry.append((t.MD_ENTRY_SIZE, size))
    return entry


def security_status(symbol: str, status: TradingStatus, *, unsolicited: bool) -> FixMessage:
    """A SecurityStatus (35=f) saying ``symbol`` is halted or trading again, in codes and in words."""
    words = f"trading in {symbol} is halted" if status is TradingStatus.HALTED else f"{symbol} trades again"
    fields: list[tuple[int, FixValue]] = [
        (t.SYMBOL, symbol),
        (t.UNSOLICITED_INDICATOR, unsolicited),
        (t.SECURITY_TRADING_STATUS, status),
        (t.TEXT, words),
    ]
    return FixMessage(MsgType.SECURITY_STATUS, fields)


def _group(f: FieldReader, count_tag: int, entry_tag: int) -> list[str]:
    """The values of ``entry_tag`` in the group counted by ``count_tag``; a count that disagrees is 373=16."""
    count = f.parsed(count_tag, parse_int)
    values = f.msg.get_all(entry_tag)
    if count < 1 or count != len(values):
        text = f"{t.tag_name(count_tag)} says {count} but {len(values)} {t.tag_name(entry_tag)} follow"
        raise InvalidFieldError(SessionRejectReason.INCORRECT_NUM_IN_GROUP_COUNT, count_tag, text)
    return values


def _reject(req_id: str, reason: RejectReason, text: str) -> FixMessage:
    fields: list[tuple[int, FixValue]] = [(t.MD_REQ_ID, req_id), (t.MD_REQ_REJ_REASON, reason), (t.TEXT, text)]
    return FixMessage(MsgType.MARKET_DATA_REQUEST_REJECT, fields)
