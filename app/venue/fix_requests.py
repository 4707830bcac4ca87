"""Read the venue's inbound order messages (35=D/F/G/H/AF/q) into requests, strictly.

Each reader returns a request for the matching engine or a query for the venue, or raises `InvalidFieldError`
naming the tag and the session reject reason: a required tag missing (373=1), a value that is not a
number, price or timestamp (373=6), a code the venue does not know (373=5). What FIX leaves to business
rules (a limit order without a price, a zero quantity, an off-tick price) passes through to the book,
which refuses it with an ExecutionReport or OrderCancelReject like a real venue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from app.engine.enums import OrdType, Side, TimeInForce
from app.engine.fix import FixMessage, FixValueError
from app.engine.fix import tags as t
from app.engine.fix.tags import SessionRejectReason
from app.engine.fix.values import parse_decimal, parse_int, parse_local_mkt_date, parse_utc_timestamp
from app.engine.ids import ClOrdId, VenueOrderId
from app.venue.fix_rejects import InvalidFieldError, missing, out_of_range
from app.venue.orders import CancelRequest, NewOrder, OwnerId, ReplaceRequest

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

NONE_ID = "NONE"
"""What the venue writes in OrderID (37) when there is no order to name."""
MAX_AMOUNT = Decimal(10) ** 12
"""The largest quantity or price the venue reads: beyond it a value is out of range (373=5)."""
MASS_BY_SYMBOL = 1
"""MassStatusReqType (585) / MassCancelRequestType (530): the orders in one security."""
MASS_ALL = 7
"""MassStatusReqType (585) / MassCancelRequestType (530): all orders."""


@dataclass(frozen=True, slots=True)
class StatusQuery:
    """An OrderStatusRequest (35=H): which order, and the request id to echo (790)."""

    cl_ord_id: ClOrdId
    symbol: str
    side: Side
    order_id: VenueOrderId | None
    req_id: str | None


@dataclass(frozen=True, slots=True)
class MassQuery:
    """An OrderMassStatusRequest (35=AF) or OrderMassCancelRequest (35=q): all orders, or one symbol's."""

    req_id: str
    """MassStatusReqID (584) or ClOrdID (11)."""
    scope: int
    """585 or 530: `MASS_BY_SYMBOL`, `MASS_ALL` (or, on a mass cancel, another FIX scope it refuses)."""
    symbol: str | None
    side: Side | None = None
    """Side (54), when the request names one."""


class FieldReader:
    """Typed access to one inbound message's fields; every problem becomes an `InvalidFieldError`."""

    def __init__(self, msg: FixMessage, what: str) -> None:
        self.msg = msg
        self.what = what
        """The message named for a person, e.g. ``"a NewOrderSingle (35=D)"``."""

    def text(self, tag: int) -> str:
        """A required text field."""
        value = self.msg.get(tag)
        if value is None:
            raise missing(tag, self.what)
        return value

    def parsed(self, tag: int, parse: Callable[[str], T]) -> T:
        """A required field read by ``parse``; a value it cannot read is 373=6."""
        self.text(tag)
        try:
            return self.msg.field(tag, parse)
        except FixValueError as exc:
            raise InvalidFieldError(SessionRejectReason.INCORRECT_DATA_FORMAT, tag, str(exc)) from None

    def optional(self, tag: int, parse: Callable[[str], T]) -> T | None:
        """An optional field read by ``parse``, or None."""
        return self.parsed(tag, parse) if tag in self.msg else None

    def amount(self, tag: int) -> Decimal:
        """A required quantity or price, at most `MAX_AMOUNT` either way (the book checks sign, tick and lot)."""
        value = self.parsed(tag, parse_decimal)
        if abs(value) > MAX_AMOUNT:
            raise out_of_range(tag, self.msg[tag], f"the venue takes nothing above {MAX_AMOUNT:,}")
        return value

    def optional_amount(self, tag: int) -> Decimal | None:
        """An optional quantity or price, or None."""
        return self.amount(tag) if tag in self.msg else None

    def code(self, tag: int, kind: type[E], default: E | None = None) -> E:
        """A code field as a member of ``kind``; a code outside it is 373=5."""
        if default is not None and tag not in self.msg:
            return default
        value = self.text(tag)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(member.value) for member in kind)
            raise out_of_range(tag, value, f"this venue accepts {allowed}") from None

    def choice(self, tag: int, allowed: frozenset[int]) -> int:
        """A required int field that must be one of ``allowed``."""
        value = self.parsed(tag, parse_int)
        if value not in allowed:
            raise out_of_range(tag, str(value), "this venue accepts " + ", ".join(map(str, sorted(allowed))))
        return value


def read_new_order(msg: FixMessage, owner: OwnerId) -> tuple[NewOrder, str | None]:
    """A NewOrderSingle (35=D) as a `NewOrder`, with its Account (1) if it names one."""
    f = FieldReader(msg, "a NewOrderSingle (35=D)")
    order = NewOrder(
        owner=owner,
        cl_ord_id=ClOrdId(f.text(t.CL_ORD_ID)),
        symbol=f.text(t.SYMBOL),
        side=f.code(t.SIDE, Side),
        qty=f.amount(t.ORDER_QTY),
        ord_type=f.code(t.ORD_TYPE, OrdType),
        price=f.optional_amount(t.PRICE),
        stop_px=f.optional_amount(t.STOP_PX),
        tif=f.code(t.TIME_IN_FORCE, TimeInForce, TimeInForce.DAY),
        expire_at=f.optional(t.EXPIRE_TIME, parse_utc_timestamp),
        expire_on=f.optional(t.EXPIRE_DATE, parse_local_mkt_date),
    )
    _transact_time(f)
    return order, msg.get(t.ACCOUNT)


def read_cancel(msg: FixMessage, owner: OwnerId) -> CancelRequest:
    """An OrderCancelRequest (35=F) as a `CancelRequest`."""
    f = FieldReader(msg, "an OrderCancelRequest (35=F)")
    request = CancelRequest(
        owner=owner,
        cl_ord_id=ClOrdId(f.text(t.CL_ORD_ID)),
        orig_cl_ord_id=ClOrdId(f.text(t.ORIG_CL_ORD_ID)),
        symbol=f.text(t.SYMBOL),
        order_id=_order_id(msg),
    )
    f.code(t.SIDE, Side)
    _transact_time(f)
    return request


def read_replace(msg: FixMessage, owner: OwnerId) -> ReplaceRequest:
    """An OrderCancelReplaceRequest (35=G) as a `ReplaceRequest`, with the side and type it restates (the book
    refuses a change of either)."""
    f = FieldReader(msg, "an OrderCancelReplaceRequest (35=G)")
    request = ReplaceRequest(
        owner=owner,
        cl_ord_id=ClOrdId(f.text(t.CL_ORD_ID)),
        orig_cl_ord_id=ClOrdId(f.text(t.ORIG_CL_ORD_ID)),
        symbol=f.text(t.SYMBOL),
        qty=f.amount(t.ORDER_QTY),
        price=f.optional_amount(t.PRICE),
        stop_px=f.optional_amount(t.STOP_PX),
        order_id=_order_id(msg),
        side=f.code(t.SIDE, Side),
        ord_type=f.code(t.ORD_TYPE, OrdType),
    )
    _transact_time(f)
    return request


def read_status_request(msg: FixMessage) -> StatusQuery:
    """An OrderStatusRequest (35=H)."""
    f = FieldReader(msg, "an OrderStatusRequest (35=H)")
    return StatusQuery(
        cl_ord_id=ClOrdId(f.text(t.CL_ORD_ID)),
        symbol=f.text(t.SYMBOL),
        side=f.code(t.SIDE, Side),
        order_id=_order_id(msg),
        req_id=msg.get(t.ORD_STATUS_REQ_ID),
    )


def read_mass_status_request(msg: FixMessage) -> MassQuery:
    """An OrderMassStatusRequest (35=AF): all orders (585=7) or one symbol's (585=1 with 55)."""
    f = FieldReader(msg, "an OrderMassStatusRequest (35=AF)")
    req_id = f.text(t.MASS_STATUS_REQ_ID)
    scope = f.choice(t.MASS_STATUS_REQ_TYPE, frozenset({MASS_BY_SYMBOL, MASS_ALL}))
    symbol = f.text(t.SYMBOL) if scope == MASS_BY_SYMBOL else None
    side = f.code(t.SIDE, Side) if t.SIDE in msg else None
    return MassQuery(req_id, scope, symbol, side)


def read_mass_cancel_request(msg: FixMessage) -> MassQuery:
    """An OrderMassCancelRequest (35=q); any FIX scope (530=1..7) reads, the venue acts on 1 and 7, on one Side
    (54) when the request names one."""
    f = FieldReader(msg, "an OrderMassCancelRequest (35=q)")
    req_id = f.text(t.CL_ORD_ID)
    scope = f.choice(t.MASS_CANCEL_REQUEST_TYPE, frozenset(range(1, 8)))
    side = f.code(t.SIDE, Side) if t.SIDE in msg else None
    _transact_time(f)
    return MassQuery(req_id, scope, msg.get(t.SYMBOL), side)


def _transact_time(f: FieldReader) -> datetime:
    """TransactTime (60): required on D, F, G and q in FIX 4.4, checked, not used (the venue keeps its own)."""
    return f.parsed(t.TRANSACT_TIME, parse_utc_timestamp)


def _order_id(msg: FixMessage) -> VenueOrderId | None:
    value = msg.get(t.ORDER_ID)
    return None if value is None or value == NONE_ID else VenueOrderId(value)
