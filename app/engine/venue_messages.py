"""What crosses between the engine and a venue, free of FIX syntax: requests out, reports in.

The FIX layer maps ``VenueRequest`` to 35=D/F/G, ``MassCancelRequest`` to 35=q, ``StatusRequest`` to 35=H,
and 35=8/9/r to ``ExecutionReport``/``CancelReject``/``MassCancelReport``; the engine never sees a tag number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from app.engine.enums import ExecType, OrderStatus, OrdType, Side, TimeInForce
from app.engine.fast_init import fast_frozen_init
from app.engine.ids import AccountId, ClOrdId, ExecId, OrderId, VenueOrderId
from app.engine.order import Order, RequestKind

ZERO = Decimal(0)


@fast_frozen_init  # one per order, cancel and amend sent
@dataclass(frozen=True, slots=True)
class VenueRequest:
    """One request to a venue, with every field its FIX message restates."""

    kind: RequestKind
    order_id: OrderId
    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId | None
    destination: str
    symbol: str
    side: Side
    qty: Decimal
    ord_type: OrdType
    tif: TimeInForce
    account: AccountId
    limit_px: Decimal | None = None
    stop_px: Decimal | None = None
    expire_at: datetime | None = None
    venue_order_id: VenueOrderId | None = None
    text: str = ""
    poss_resend: bool = False
    """This ClOrdID may have gone before (a kill switch's cancel retried): sent with PossResend (97=Y), so the
    venue checks it against what it has instead of refusing it as a duplicate ClOrdID (102=6)."""

    @classmethod
    def for_order(
        cls, order: Order, kind: RequestKind, cl_ord_id: ClOrdId, orig: ClOrdId | None = None
    ) -> VenueRequest:
        """The request restating ``order``'s current terms (FIX restates every field on F and G)."""
        spec = order.spec
        return cls(
            kind=kind,
            order_id=order.order_id,
            cl_ord_id=cl_ord_id,
            orig_cl_ord_id=orig,
            destination=spec.destination,
            symbol=spec.symbol,
            side=spec.side,
            qty=order.qty,
            ord_type=spec.ord_type,
            tif=spec.tif,
            account=spec.account,
            limit_px=order.limit_px,
            stop_px=order.stop_px,
            expire_at=spec.expire_at,
            venue_order_id=order.venue_order_id,
            text=spec.text,
        )


@fast_frozen_init  # one per report received
@dataclass(frozen=True, slots=True)
class MassCancelRequest:
    """One OrderMassCancelRequest (35=q) to a venue: every order of ours there, or only those in ``symbol``."""

    destination: str
    cl_ord_id: ClOrdId
    symbol: str | None = None


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """One OrderStatusRequest (35=H): where does the order under ``cl_ord_id`` stand?"""

    destination: str
    order_id: OrderId
    cl_ord_id: ClOrdId
    symbol: str
    side: Side
    status_req_id: str
    venue_order_id: VenueOrderId | None = None

    @classmethod
    def for_order(cls, order: Order, status_req_id: str) -> StatusRequest:
        """The request for ``order`` under its current ClOrdID (and the venue's OrderID, when known)."""
        spec = order.spec
        return cls(
            spec.destination, order.order_id, order.cl_ord_id, spec.symbol, spec.side, status_req_id,
            order.venue_order_id,
        )  # fmt: skip


OutboundRequest = VenueRequest | MassCancelRequest | StatusRequest
"""Anything the engine stages for a venue."""


@fast_frozen_init  # one per report received
@dataclass(frozen=True, slots=True)
class OrderTerms:
    """The terms of an order as a venue's status answer (150=I) restates them: what the desk needs to adopt an
    order it has no record of. A field the answer left out, or wrote in a form FIX 4.4 does not define, is None
    (or empty): the terms only describe the order, they change nothing the desk holds."""

    account: str = ""
    ord_type: OrdType | None = None
    limit_px: Decimal | None = None
    stop_px: Decimal | None = None
    tif: TimeInForce | None = None
    expire_at: datetime | None = None


@fast_frozen_init  # one per report received
@dataclass(frozen=True, slots=True)
class ExecutionReport:
    """An execution report (35=8) as the engine needs it."""

    exec_id: ExecId
    exec_type: ExecType
    cl_ord_id: ClOrdId
    ord_status: OrderStatus | None
    cum_qty: Decimal
    leaves_qty: Decimal
    avg_px: Decimal
    last_qty: Decimal = ZERO
    last_px: Decimal = ZERO
    orig_cl_ord_id: ClOrdId | None = None
    venue_order_id: VenueOrderId | None = None
    symbol: str = ""
    side: Side | None = None
    order_qty: Decimal | None = None
    ref_exec_id: ExecId | None = None
    transact_time: datetime | None = None
    text: str = ""
    session: str = ""
    terms: OrderTerms | None = None
    """The order's terms, read from status answers (150=I) only."""


@dataclass(frozen=True, slots=True)
class CancelReject:
    """An OrderCancelReject (35=9): the venue refused our cancel or replace."""

    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId | None
    response_to: RequestKind
    reason: str
    ord_status: OrderStatus | None = None
    venue_order_id: VenueOrderId | None = None
    text: str = ""
    session: str = ""


class MassCancelResponse(StrEnum):
    """MassCancelResponse (531): whether the venue took our mass cancel, and over which orders."""

    REJECTED = "0"
    """The venue refused the mass cancel; MassCancelRejectReason (532) says why."""
    SECURITY = "1"
    """Orders in one security are being canceled."""
    UNDERLYING = "2"
    """Orders on one underlying are being canceled."""
    PRODUCT = "3"
    """Orders in one product are being canceled."""
    CFI_CODE = "4"
    """Orders of one CFICode are being canceled."""
    SECURITY_TYPE = "5"
    """Orders of one security type are being canceled."""
    TRADING_SESSION = "6"
    """Orders in one trading session are being canceled."""
    ALL_ORDERS = "7"
    """Every order is being canceled."""


@dataclass(frozen=True, slots=True)
class MassCancelReport:
    """An OrderMassCancelReport (35=r): the venue's answer to our kill switch; not an order event."""

    cl_ord_id: ClOrdId | None
    response: MassCancelResponse
    reject_reason: str | None = None
    """MassCancelRejectReason (532) in words, when the venue gave one."""
    affected_orders: int | None = None
    """TotalAffectedOrders (533), when the venue gave it."""
    text: str = ""
    session: str = ""

    @property
    def accepted(self) -> bool:
        """Whether the venue is canceling the orders (it sends a cancel for each as its own 35=8)."""
        return self.response is not MassCancelResponse.REJECTED


@dataclass(frozen=True, slots=True)
class UnreadableReport:
    """An execution report (35=8) the FIX layer could not read: a code FIX 4.4 does not define, a field missing or
    malformed. The venue was answered with a reject; the engine applies it to no order and records it as an
    anomaly with its raw text, naming the order when its ClOrdID (11), OrigClOrdID (41) or OrderID (37) does."""

    problem: str
    """What is wrong with it, and what it says that was not applied, in words."""
    raw: str
    """The message as received, fields separated by ``|``."""
    cl_ord_id: ClOrdId | None = None
    orig_cl_ord_id: ClOrdId | None = None
    venue_order_id: VenueOrderId | None = None
    session: str = ""


VenueMessage = ExecutionReport | CancelReject
"""A report about one order."""
InboundMessage = VenueMessage | MassCancelReport | UnreadableReport
"""Anything a venue sends the engine."""
