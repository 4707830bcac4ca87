"""What the matching engine reports: one frozen record per thing that happened, in the order it happened.

Every operation on a book returns a list of these; a FIX acceptor turns each into an ExecutionReport
(35=8) or, for a refused cancel or replace, an OrderCancelReject (35=9). Ids come from counters, so the
same operations in the same order give equal lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from app.engine.enums import Side
from app.engine.ids import ClOrdId, ExecId
from app.venue.orders import OrderState, OwnerId


class RequestKind(StrEnum):
    """Which request a rejection answers."""

    NEW = "new"
    """A new order (35=D): answered by an ExecutionReport 150=8."""
    CANCEL = "cancel"
    """A cancel (35=F): answered by an OrderCancelReject with 434=1."""
    REPLACE = "replace"
    """A cancel/replace (35=G): answered by an OrderCancelReject with 434=2."""


class RejectReason(StrEnum):
    """Why a request was refused, for machines; ``Rejected.text`` says it for people."""

    UNKNOWN_SYMBOL = "unknown_symbol"
    """The venue lists no such symbol."""
    HALTED = "halted"
    """Trading in the symbol is halted."""
    MARKET_CLOSED = "market_closed"
    """The venue keeps hours and is outside them."""
    OFF_TICK = "off_tick"
    """A price is not a multiple of the tick size."""
    BAD_LOT = "bad_lot"
    """The quantity is not a multiple of the lot size."""
    BAD_QUANTITY = "bad_quantity"
    """The quantity is zero or negative."""
    BAD_PRICE = "bad_price"
    """A price is zero or negative."""
    MISSING_PRICE = "missing_price"
    """A limit or stop-limit order came without a limit price."""
    MISSING_STOP_PRICE = "missing_stop_price"
    """A stop or stop-limit order came without a stop price."""
    MISSING_EXPIRY = "missing_expiry"
    """A GTD order came without an expiry time."""
    EXPIRY_PASSED = "expiry_passed"
    """A GTD order's expiry time has already passed."""
    DUPLICATE_CL_ORD_ID = "duplicate_cl_ord_id"
    """The owner already used this ClOrdID for another order."""
    UNKNOWN_ORDER = "unknown_order"
    """No order of this owner matches the request."""
    TOO_LATE = "too_late"
    """The order is already finished (filled, canceled or expired)."""
    ALREADY_PENDING = "already_pending"
    """A cancel or replace of the order is already acknowledged and waiting to take effect."""
    UNCHANGEABLE = "unchangeable"
    """A replace tried to change what a replace may not: the side or the order type."""

    @property
    def ord_rej_reason(self) -> str:
        """OrdRejReason (103) in FIX 4.4, for a refused new order."""
        return _ORD_REJ.get(self, "99")

    @property
    def cxl_rej_reason(self) -> str:
        """CxlRejReason (102) in FIX 4.4, for a refused cancel or replace."""
        return _CXL_REJ.get(self, "99")


_ORD_REJ = {
    RejectReason.UNKNOWN_SYMBOL: "1",
    RejectReason.HALTED: "2",
    RejectReason.MARKET_CLOSED: "2",  # Exchange closed
    RejectReason.BAD_LOT: "13",
    RejectReason.BAD_QUANTITY: "13",
    RejectReason.MISSING_PRICE: "11",
    RejectReason.MISSING_STOP_PRICE: "11",
    RejectReason.MISSING_EXPIRY: "11",
    RejectReason.EXPIRY_PASSED: "4",
    RejectReason.DUPLICATE_CL_ORD_ID: "6",
    RejectReason.UNKNOWN_ORDER: "5",
    RejectReason.TOO_LATE: "4",
}
_CXL_REJ = {
    RejectReason.TOO_LATE: "0",
    RejectReason.UNKNOWN_ORDER: "1",
    RejectReason.HALTED: "2",
    RejectReason.MARKET_CLOSED: "2",
    RejectReason.ALREADY_PENDING: "3",
    RejectReason.DUPLICATE_CL_ORD_ID: "6",
    RejectReason.UNCHANGEABLE: "2",  # Broker / Exchange Option: the venue's rules refuse it
}


class CancelReason(StrEnum):
    """Why an order was canceled."""

    REQUESTED = "requested"
    """Its owner asked (35=F)."""
    MASS_CANCEL = "mass_cancel"
    """A cancel of all the owner's orders (35=q) or a requote."""
    IOC_REMAINDER = "ioc_remainder"
    """An immediate-or-cancel order: what did not fill at once."""
    FOK_UNFILLED = "fok_unfilled"
    """A fill-or-kill order: the book could not fill all of it at once."""
    NO_LIQUIDITY = "no_liquidity"
    """A market order (or triggered stop) ran out of orders to trade with; market orders never rest."""
    BY_VENUE = "by_venue"
    """The venue's operations canceled it unasked (an unsolicited cancel)."""


class ExpireReason(StrEnum):
    """Why an order expired."""

    DAY_CLOSE = "day_close"
    """A DAY order at the session's close."""
    GTD_TIME = "gtd_time"
    """A GTD order whose expiry time came."""


@dataclass(frozen=True, slots=True)
class Accepted:
    """The venue took a new order (150=0)."""

    exec_id: ExecId
    order: OrderState


@dataclass(frozen=True, slots=True)
class Rejected:
    """A request refused; ``order`` is the targeted order's state for a cancel or replace, if it exists."""

    exec_id: ExecId
    kind: RequestKind
    reason: RejectReason
    text: str
    owner: OwnerId
    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId | None
    symbol: str
    order: OrderState | None


@dataclass(frozen=True, slots=True)
class Fill:
    """One side of a trade: its own ExecID and the order's state right after the trade."""

    exec_id: ExecId
    order: OrderState


@dataclass(frozen=True, slots=True)
class Trade:
    """A match between a buy and a sell (150=F for each side)."""

    trade_id: str
    symbol: str
    qty: Decimal
    price: Decimal
    aggressor: Side
    buy: Fill
    sell: Fill

    @property
    def aggressor_fill(self) -> Fill:
        """The side that arrived and took liquidity."""
        return self.buy if self.aggressor is Side.BUY else self.sell

    @property
    def resting_fill(self) -> Fill:
        """The side that was resting in the book."""
        return self.sell if self.aggressor is Side.BUY else self.buy


@dataclass(frozen=True, slots=True)
class Canceled:
    """An order canceled (150=4); ``orig_cl_ord_id`` is set when its owner asked."""

    exec_id: ExecId
    order: OrderState
    reason: CancelReason
    orig_cl_ord_id: ClOrdId | None = None


@dataclass(frozen=True, slots=True)
class Replaced:
    """A cancel/replace took effect (150=5); a replace to at most the filled quantity ends the order."""

    exec_id: ExecId
    order: OrderState
    orig_cl_ord_id: ClOrdId
    kept_priority: bool


@dataclass(frozen=True, slots=True)
class Expired:
    """An order's time in force ran out (150=C)."""

    exec_id: ExecId
    order: OrderState
    reason: ExpireReason


@dataclass(frozen=True, slots=True)
class Busted:
    """The venue canceled an earlier trade (150=H): ``ref_exec_id`` is the fill's ExecID; ``order`` has its
    CumQty lowered (a live order works the busted quantity again, a finished one stays finished)."""

    exec_id: ExecId
    order: OrderState
    ref_exec_id: ExecId


@dataclass(frozen=True, slots=True)
class Corrected:
    """The venue corrected an earlier trade (150=G): ``ref_exec_id`` is the fill's ExecID, ``qty`` and ``price`` its
    corrected LastQty and LastPx; ``order`` has CumQty and AvgPx recomputed (a live order works any difference)."""

    exec_id: ExecId
    order: OrderState
    ref_exec_id: ExecId
    qty: Decimal
    price: Decimal


@dataclass(frozen=True, slots=True)
class Triggered:
    """A stop's price traded: it now works as a market order, a stop-limit as a limit order."""

    exec_id: ExecId
    order: OrderState


Result = Accepted | Rejected | Trade | Canceled | Replaced | Expired | Triggered | Busted | Corrected
"""Anything a book operation reports."""
