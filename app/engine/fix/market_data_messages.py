"""Market data on the wire, desk side: MarketDataRequest (35=V) out; 35=W, 35=X and 35=Y in, read strictly.

We subscribe to one symbol per request (so a venue that does not list one symbol refuses only that one) for
the top of the book: best bid, best offer and trades (264=1, 267/269 = 0, 1, 2), as incremental refreshes
(265=1). A snapshot (35=W) states a symbol's whole shown book; an incremental refresh (35=X) adds, changes
or deletes price levels (279 = 0, 1, 2, keyed by MDEntryPx 270) and reports trades. Entry types other than
bid, offer and trade are skipped (a venue may send more than was asked); a message whose fields break FIX
raises ``FixFieldError`` (a ``FixRejectError``), so the session answers with a Reject (35=3) and nothing in
it is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from app.engine.fix import tags
from app.engine.fix.errors import FixValueError
from app.engine.fix.inbound_fields import FieldReader
from app.engine.fix.message import FixMessage
from app.engine.fix.tags import MsgType, SessionRejectReason, tag_name
from app.engine.fix.values import FixValue, parse_decimal, parse_int


class EntryType(StrEnum):
    """MDEntryType (269) values the desk reads."""

    BID = "0"
    """A bid price level."""
    OFFER = "1"
    """An offer price level."""
    TRADE = "2"
    """A trade."""


class UpdateAction(StrEnum):
    """MDUpdateAction (279) of one incremental entry."""

    NEW = "0"
    """A price level appeared (or a trade happened)."""
    CHANGE = "1"
    """A price level's size changed."""
    DELETE = "2"
    """A price level is gone."""


class SubscriptionType(StrEnum):
    """SubscriptionRequestType (263) values the desk sends."""

    SUBSCRIBE = "1"
    """A snapshot, then updates."""
    UNSUBSCRIBE = "2"
    """Stop the updates of an earlier request (by MDReqID)."""


@dataclass(frozen=True, slots=True)
class MarketDataEntry:
    """One bid, offer or trade entry. ``symbol`` is None when an increment leaves it to its MDReqID."""

    action: UpdateAction
    kind: EntryType
    symbol: str | None
    px: Decimal
    size: Decimal | None


@dataclass(frozen=True, slots=True)
class MarketDataUpdate:
    """A snapshot (``snapshot_of`` names the symbol whose whole book it states) or an incremental refresh."""

    req_id: str | None
    entries: tuple[MarketDataEntry, ...]
    snapshot_of: str | None = None


@dataclass(frozen=True, slots=True)
class MarketDataRefusal:
    """A MarketDataRequestReject (35=Y): which request, and why in words."""

    req_id: str
    reason: str


_ENTRY_TYPES: Final = (EntryType.BID, EntryType.OFFER, EntryType.TRADE)
_ACTIONS: Final = {member.value: member for member in UpdateAction}
_KINDS: Final = {member.value: member for member in EntryType}
_ENTRY_TAGS: Final = frozenset({tags.MD_UPDATE_ACTION, tags.MD_ENTRY_TYPE, tags.SYMBOL, tags.MD_ENTRY_PX,
                                tags.MD_ENTRY_SIZE})  # fmt: skip
_TRAILER: Final = frozenset({tags.SIGNATURE_LENGTH, tags.SIGNATURE, tags.CHECK_SUM})
_REJECT_REASONS: Final = {
    "0": "the venue does not list the symbol",
    "1": "the request id is already in use",
    "2": "insufficient bandwidth",
    "3": "insufficient permissions",
    "4": "unsupported subscription type",
    "5": "unsupported market depth",
    "6": "unsupported update type",
    "7": "unsupported aggregated book",
    "8": "unsupported entry type",
    "9": "unsupported trading session",
    "A": "unsupported scope",
    "B": "unsupported open/close settle flag",
    "C": "unsupported entry filter",
}
NO_REASON_GIVEN: Final = "no reason given"
"""MarketDataRefusal.reason when the venue sent no MDReqRejReason (281) and no Text (58)."""


def market_data_request(req_id: str, symbol: str, kind: SubscriptionType = SubscriptionType.SUBSCRIBE) -> FixMessage:
    """A 35=V for the top of ``symbol``'s book and its trades, as incremental refreshes."""
    fields: list[tuple[int, FixValue]] = [
        (tags.MD_REQ_ID, req_id),
        (tags.SUBSCRIPTION_REQUEST_TYPE, kind),
        (tags.MARKET_DEPTH, 1),
        (tags.MD_UPDATE_TYPE, 1),
        (tags.NO_MD_ENTRY_TYPES, len(_ENTRY_TYPES)),
        *((tags.MD_ENTRY_TYPE, code) for code in _ENTRY_TYPES),
        (tags.NO_RELATED_SYM, 1),
        (tags.SYMBOL, symbol),
    ]
    return FixMessage(MsgType.MARKET_DATA_REQUEST, fields)


def snapshot(msg: FixMessage) -> MarketDataUpdate:
    """Read a 35=W: the symbol's shown levels and last trade, every entry a NEW."""
    read = FieldReader(msg)
    req_id = read.optional_text(tags.MD_REQ_ID)
    symbol = read.text(tags.SYMBOL)
    entries = []
    for entry in _group(read, msg, tags.MD_ENTRY_TYPE):
        kind = _KINDS.get(entry[tags.MD_ENTRY_TYPE])
        if kind is not None:
            entries.append(MarketDataEntry(UpdateAction.NEW, kind, symbol, *_price_and_size(read, entry)))
    return MarketDataUpdate(req_id, tuple(entries), snapshot_of=symbol)


def incremental(msg: FixMessage) -> MarketDataUpdate:
    """Read a 35=X: level additions, changes and deletes, and trades, in the order given."""
    read = FieldReader(msg)
    req_id = read.optional_text(tags.MD_REQ_ID)
    entries = []
    for entry in _group(read, msg, tags.MD_UPDATE_ACTION):
        action = _code(read, entry, tags.MD_UPDATE_ACTION, _ACTIONS)
        code = _required(read, entry, tags.MD_ENTRY_TYPE)
        kind = _KINDS.get(code)
        if kind is None:
            continue
        symbol = entry.get(tags.SYMBOL)
        if symbol is None and req_id is None:
            text = "has an entry with no Symbol (55) and no MDReqID (262) to tell whose it is"
            raise read.error(text, tags.SYMBOL, SessionRejectReason.REQUIRED_TAG_MISSING)
        entries.append(MarketDataEntry(action, kind, symbol, *_price_and_size(read, entry)))
    return MarketDataUpdate(req_id, tuple(entries))


def request_reject(msg: FixMessage) -> MarketDataRefusal:
    """Read a 35=Y: the request refused and the venue's reason (281) and text (58) in words."""
    read = FieldReader(msg)
    req_id = read.text(tags.MD_REQ_ID)
    words = [w for w in (read.reason(tags.MD_REQ_REJ_REASON, _REJECT_REASONS), read.optional_text(tags.TEXT)) if w]
    return MarketDataRefusal(req_id, ": ".join(words) or NO_REASON_GIVEN)


def _group(read: FieldReader, msg: FixMessage, first_tag: int) -> list[dict[int, str]]:
    """The entries of NoMDEntries (268), each starting at ``first_tag``; a count that disagrees is 373=16."""
    count_text = read.text(tags.NO_MD_ENTRIES)
    try:
        count = parse_int(count_text)
    except FixValueError:
        bad_format = SessionRejectReason.INCORRECT_DATA_FORMAT
        raise read.error(f"has a bad NoMDEntries (268): {count_text!r}", tags.NO_MD_ENTRIES, bad_format) from None
    entries: list[dict[int, str]] = []
    in_group = False
    for tag, value in msg:
        if tag == tags.NO_MD_ENTRIES:
            in_group = True
        elif not in_group or tag in _TRAILER:
            continue
        elif tag == first_tag:
            entries.append({tag: value})
        elif tag in _ENTRY_TAGS:
            if not entries or tag in entries[-1]:
                where = "before the first entry's" if not entries else "twice in one entry, or before the next entry's"
                text = f"has {tag_name(tag)} {where} {tag_name(first_tag)}"
                raise read.error(text, tag, SessionRejectReason.INCORRECT_NUM_IN_GROUP_COUNT)
            entries[-1][tag] = value
    if count != len(entries):
        text = f"says NoMDEntries (268) {count} but {len(entries)} entries follow"
        raise read.error(text, tags.NO_MD_ENTRIES, SessionRejectReason.INCORRECT_NUM_IN_GROUP_COUNT)
    return entries


def _price_and_size(read: FieldReader, entry: dict[int, str]) -> tuple[Decimal, Decimal | None]:
    px = _decimal(read, tags.MD_ENTRY_PX, _required(read, entry, tags.MD_ENTRY_PX))
    size_text = entry.get(tags.MD_ENTRY_SIZE)
    size = None if size_text is None else _decimal(read, tags.MD_ENTRY_SIZE, size_text)
    if size is not None and size < 0:
        raise read.error(f"has a negative MDEntrySize (271): {size}", tags.MD_ENTRY_SIZE)
    return px, size


def _required(read: FieldReader, entry: dict[int, str], tag: int) -> str:
    value = entry.get(tag)
    if value is None:
        raise read.error(f"has an entry without {tag_name(tag)}", tag, SessionRejectReason.REQUIRED_TAG_MISSING)
    return value


def _code(read: FieldReader, entry: dict[int, str], tag: int, table: dict[str, UpdateAction]) -> UpdateAction:
    value = _required(read, entry, tag)
    found = table.get(value)
    if found is None:
        raise read.error(f"has {tag_name(tag)} {value!r}, which is not one we know", tag)
    return found


def _decimal(read: FieldReader, tag: int, text: str) -> Decimal:
    try:
        return parse_decimal(text)
    except FixValueError as exc:
        raise read.error(f"has a bad {tag_name(tag)}: {exc}", tag, SessionRejectReason.INCORRECT_DATA_FORMAT) from None
