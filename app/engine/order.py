"""An order: the terms a trader asked for, and the record the engine keeps of where it stands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from app.engine.enums import OrderStatus, OrdType, Side, TimeInForce
from app.engine.ids import AccountId, ClOrdId, ExecId, OrderId, UserId, VenueOrderId

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one field of an order, in words for the trader; ``field`` names the ticket field."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """What the trader asked for: the terms of a new order."""

    symbol: str
    side: Side
    qty: Decimal
    ord_type: OrdType
    account: AccountId
    destination: str
    trader: UserId
    tif: TimeInForce = TimeInForce.DAY
    limit_px: Decimal | None = None
    stop_px: Decimal | None = None
    expire_at: datetime | None = None
    parent_id: OrderId | None = None
    text: str = ""

    def problems(self) -> list[FieldError]:
        """Every field that is wrong, so the ticket can say each next to its field before sending."""
        found = [FieldError(name, msg) for name, msg in _field_problems(self)]
        found += _price_problems(self.ord_type, self.limit_px, self.stop_px)
        return found


def _field_problems(spec: OrderSpec) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not spec.symbol.strip():
        found.append(("symbol", "Enter a symbol."))
    if not spec.qty.is_finite() or spec.qty <= 0:
        found.append(("qty", "Quantity must be a positive number."))
    if not spec.account.strip():
        found.append(("account", "Choose an account."))
    if not spec.destination.strip():
        found.append(("destination", "Choose a destination."))
    if spec.tif is TimeInForce.GTD and spec.expire_at is None:
        found.append(("expire_at", "A good-till-date order needs an expiry date."))
    if spec.tif is not TimeInForce.GTD and spec.expire_at is not None:
        found.append(("expire_at", "Only a good-till-date order takes an expiry date."))
    if spec.expire_at is not None and spec.expire_at.tzinfo is None:
        found.append(("expire_at", "The expiry needs a time zone."))
    if spec.ord_type is OrdType.MARKET and spec.tif is TimeInForce.GTC:
        found.append(("tif", "A market order cannot be good till canceled."))
    return found


def _price_problems(ord_type: OrdType, limit_px: Decimal | None, stop_px: Decimal | None) -> list[FieldError]:
    found: list[FieldError] = []
    for name, value, needed in (
        ("limit_px", limit_px, ord_type.needs_limit_price),
        ("stop_px", stop_px, ord_type.needs_stop_price),
    ):
        word = "limit" if name == "limit_px" else "stop"
        kind = ord_type.name.lower().replace("_", "-")
        if needed and value is None:
            found.append(FieldError(name, f"A {kind} order needs a {word} price."))
        elif not needed and value is not None:
            found.append(FieldError(name, f"A {kind} order takes no {word} price."))
        elif value is not None and (not value.is_finite() or value <= 0):
            found.append(FieldError(name, f"The {word} price must be a positive number."))
    return found


@dataclass(frozen=True, slots=True)
class Amendment:
    """New terms for a working order (cancel/replace): quantity and prices. Side, symbol, type stay."""

    qty: Decimal
    limit_px: Decimal | None = None
    stop_px: Decimal | None = None

    def problems(self, order: Order) -> list[FieldError]:
        """What is wrong with these terms for this order."""
        found = _price_problems(order.spec.ord_type, self.limit_px, self.stop_px)
        if not self.qty.is_finite() or self.qty <= 0:
            found.append(FieldError("qty", "Quantity must be a positive number."))
        if (self.qty, self.limit_px, self.stop_px) == (order.qty, order.limit_px, order.stop_px):
            found.append(FieldError("qty", "Nothing to amend: the new terms equal the working ones."))
        return found

    def loses_priority(self, order: Order) -> bool:
        """Whether the venue puts the amended order at the back of its queue (new price or more qty)."""
        return self.qty > order.qty or self.limit_px != order.limit_px or self.stop_px != order.stop_px


class RequestKind(StrEnum):
    """What a ClOrdID of ours asked the venue for."""

    NEW = "new"
    """A new order (35=D)."""
    CANCEL = "cancel"
    """A cancel (35=F)."""
    REPLACE = "replace"
    """A cancel/replace (35=G)."""


class LinkOutcome(StrEnum):
    """What became of one request in an order's ClOrdID chain."""

    PENDING = "pending"
    """Sent; no answer yet."""
    ACCEPTED = "accepted"
    """The venue acted on it."""
    REJECTED = "rejected"
    """The venue refused it; the ClOrdID before it is current again."""
    LOST = "lost"
    """The venue does not have it (its status answer did not know it): the ClOrdID before a lost cancel or replace is
    current again; a lost new order is not working."""
    IN_DOUBT = "in doubt"
    """Sent (or waiting to be resent), then the line dropped or the desk restarted before any answer: the venue
    may or may not have it, and only its status answer can say (still awaiting an answer, like PENDING)."""


_NEW_ORDER = RequestKind.NEW  # read for every report: a plain name
_UNANSWERED = frozenset({LinkOutcome.PENDING, LinkOutcome.IN_DOUBT})


@dataclass(slots=True)
class ChainLink:
    """One ClOrdID in an order's chain: the request it carried and what became of it."""

    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId | None
    kind: RequestKind
    outcome: LinkOutcome = LinkOutcome.PENDING
    amendment: Amendment | None = None


class Fill(NamedTuple):
    """One execution of an order, as the venue last stated it (a correction replaces it).

    A named tuple: a book holds one per fill, and every fill of the day is made and kept.
    """

    qty: Decimal
    px: Decimal
    busted: bool = False


@dataclass(slots=True)
class Order:
    """The engine's record of one order, rebuilt from its events; views read it, only events change it."""

    order_id: OrderId
    spec: OrderSpec
    status: OrderStatus
    cl_ord_id: ClOrdId
    created_at: datetime
    updated_at: datetime
    qty: Decimal
    limit_px: Decimal | None
    stop_px: Decimal | None
    resume_status: OrderStatus = OrderStatus.PENDING_NEW
    chain: list[ChainLink] = field(default_factory=list)
    venue_order_id: VenueOrderId | None = None
    cum_qty: Decimal = ZERO
    leaves_qty: Decimal = ZERO
    avg_px: Decimal = ZERO
    tally_qty: Decimal = ZERO
    exec_ids: set[ExecId] = field(default_factory=set)
    fills: dict[ExecId, Fill] = field(default_factory=dict)
    anomalies: int = 0
    text: str = ""

    @property
    def pending(self) -> ChainLink | None:
        """The cancel or replace awaiting the venue's answer, if any (at most one at a time)."""
        last = self.chain[-1] if self.chain else None
        if last and last.kind is not _NEW_ORDER and last.outcome in _UNANSWERED:
            return last
        return None

    @property
    def break_qty(self) -> Decimal:
        """The venue's CumQty less our own sum of fills: anything but zero is a break to show."""
        return self.cum_qty - self.tally_qty
