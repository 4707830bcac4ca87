"""The engine's events: immutable, past tense, each one a fact the order log keeps forever.

State-changing events carry the state they lead to, so replaying the log needs no decisions: the
decisions were made once, by the transition table, when the event was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from app.engine.enums import ExecType, OrderStatus
from app.engine.fast_init import fast_frozen_init
from app.engine.ids import ClOrdId, ExecId, OrderId, UserId, VenueOrderId
from app.engine.order import Amendment, OrderSpec, RequestKind
from app.engine.roles import Action


class AnomalyKind(StrEnum):
    """Something the venue told us that does not fit; always shown to the user, never swallowed."""

    ILLEGAL_TRANSITION = "illegal_transition"
    """A report the transition table does not allow in the order's state; the order did not change."""
    LATE_FILL = "late_fill"
    """A fill for an order already finished: counted in the position, because the venue says it traded."""
    QUANTITY_BREAK = "quantity_break"
    """The venue's CumQty and our own sum of fills disagree."""
    BREAK_CLEARED = "break_cleared"
    """A quantity break closed: the venue's CumQty and our sum agree again."""
    UNKNOWN_ORDER = "unknown_order"
    """An execution report for an order we have no record of; answered with DontKnowTrade."""
    UNKNOWN_FILL = "unknown_fill"
    """A bust or correction of a fill we never received."""
    OVERFILL = "overfill"
    """The venue reports more filled than the order's quantity."""


@dataclass(frozen=True, slots=True)
class OrderSubmitted:
    """The risk gate passed a new order and it was queued for the venue (durably, before sending)."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    spec: OrderSpec


@dataclass(frozen=True, slots=True)
class OrderDenied:
    """The risk gate refused a new order; it was never sent. ``rule`` and ``reason`` say why."""

    order_id: OrderId
    spec: OrderSpec
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReplaceDenied:
    """The risk gate refused an amend; the order works on unchanged."""

    order_id: OrderId
    amendment: Amendment
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class CancelRequested:
    """A cancel was queued for the venue; the order is pending cancel until the venue answers."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId
    status: OrderStatus
    resume_status: OrderStatus


@dataclass(frozen=True, slots=True)
class ReplaceRequested:
    """An amend was queued for the venue; the old terms work until the venue answers."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId
    amendment: Amendment
    status: OrderStatus
    resume_status: OrderStatus


TRADE_EXEC_TYPES = frozenset(kind for kind in ExecType if kind.is_trade)
"""The ExecTypes that carry a fill, as a set: the hot path tests membership, not the enum's property."""


@fast_frozen_init  # one per report
@dataclass(frozen=True, slots=True)
class ExecutionApplied:
    """A venue execution report, applied once (by ExecID), with where it left the order."""

    order_id: OrderId
    exec_id: ExecId
    exec_type: ExecType
    reported_cl_ord_id: ClOrdId
    venue_status: OrderStatus | None
    status: OrderStatus
    resume_status: OrderStatus
    last_qty: Decimal
    last_px: Decimal
    cum_qty: Decimal
    leaves_qty: Decimal
    avg_px: Decimal
    qty: Decimal
    limit_px: Decimal | None
    stop_px: Decimal | None
    tally_qty: Decimal
    counted: bool
    venue_order_id: VenueOrderId | None = None
    accepted_cl_ord_id: ClOrdId | None = None
    ref_exec_id: ExecId | None = None
    transact_time: datetime | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class RequestRejected:
    """The venue refused a cancel or replace (35=9); the last accepted ClOrdID is current again."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    kind: RequestKind
    status: OrderStatus
    reason: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class LineLost:
    """The session dropped before the venue answered our request: the order's fate is unknown."""

    order_id: OrderId
    status: OrderStatus
    session: str


@dataclass(frozen=True, slots=True)
class AnomalyRecorded:
    """Something that does not fit, kept for the user to see and resolve."""

    kind: AnomalyKind
    detail: str
    order_id: OrderId | None = None


@dataclass(frozen=True, slots=True)
class ActionRefused:
    """A person asked for something their role does not allow; nothing else changed."""

    action: Action
    reason: str
    order_id: OrderId | None = None


Event = (
    OrderSubmitted
    | OrderDenied
    | ReplaceDenied
    | CancelRequested
    | ReplaceRequested
    | ExecutionApplied
    | RequestRejected
    | LineLost
    | AnomalyRecorded
    | ActionRefused
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        OrderSubmitted,
        OrderDenied,
        ReplaceDenied,
        CancelRequested,
        ReplaceRequested,
        ExecutionApplied,
        RequestRejected,
        LineLost,
        AnomalyRecorded,
        ActionRefused,
    )
}
"""Each event class by the kind name the log stores."""


@fast_frozen_init  # one per event
@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as the log holds it: its place in the chain, when, and who caused it."""

    seq: int
    ts: datetime
    user: UserId
    event: Event
