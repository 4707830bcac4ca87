"""Orders as the venue's matching engine sees them: requests in, resting orders, frozen snapshots out.

Requests (`NewOrder`, `CancelRequest`, `ReplaceRequest`) are what a FIX acceptor builds from 35=D/F/G.
A `RestingOrder` is the book's own mutable record; every result carries an `OrderState`, a frozen copy
taken at that moment, so a report never changes after it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NewType

from app.engine.enums import OrderStatus, OrdType, Side, TimeInForce
from app.engine.ids import ClOrdId, VenueOrderId

OwnerId = NewType("OwnerId", str)
"""Who sent an order to the venue: a FIX session or a simulated participant."""

ZERO = Decimal(0)
_LIVE = frozenset({OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED})


class IdSource:
    """Hand out ids ``<prefix><n>`` from a counter, so the same inputs always give the same ids."""

    __slots__ = ("_next", "prefix")

    def __init__(self, prefix: str, start: int = 1) -> None:
        self.prefix = prefix
        self._next = start

    @property
    def next_number(self) -> int:
        """The number the next id will carry."""
        return self._next

    def continue_from(self, number: int) -> None:
        """Carry on from ``number``: a venue restored from its store never repeats an id it gave out."""
        self._next = max(self._next, number)

    def __call__(self) -> str:
        """The next id."""
        n = self._next
        self._next = n + 1
        return f"{self.prefix}{n}"


@dataclass(frozen=True, slots=True)
class NewOrder:
    """A new order (35=D): price for limit and stop-limit, stop price for stops, expiry for GTD."""

    owner: OwnerId
    cl_ord_id: ClOrdId
    symbol: str
    side: Side
    qty: Decimal
    ord_type: OrdType = OrdType.LIMIT
    price: Decimal | None = None
    stop_px: Decimal | None = None
    tif: TimeInForce = TimeInForce.DAY
    expire_at: datetime | None = None
    expire_on: date | None = None
    """A GTD order's ExpireDate (432), the venue's local date, when it gave no ExpireTime (126); the venue turns
    it into ``expire_at`` by its calendar."""


@dataclass(frozen=True, slots=True)
class CancelRequest:
    """A cancel (35=F): the order is found by ``order_id`` if given, else by owner and ``orig_cl_ord_id``."""

    owner: OwnerId
    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId
    symbol: str
    order_id: VenueOrderId | None = None


@dataclass(frozen=True, slots=True)
class ReplaceRequest:
    """A cancel/replace (35=G) with the new quantity; ``None`` prices keep the order's current ones.

    ``side`` and ``ord_type`` are what the request restates; a replace that changes either is refused.
    """

    owner: OwnerId
    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId
    symbol: str
    qty: Decimal
    price: Decimal | None = None
    stop_px: Decimal | None = None
    order_id: VenueOrderId | None = None
    side: Side | None = None
    ord_type: OrdType | None = None


@dataclass(frozen=True, slots=True)
class OrderState:
    """An order as it stood when a result was made: everything an ExecutionReport needs to say."""

    order_id: VenueOrderId
    owner: OwnerId
    cl_ord_id: ClOrdId
    symbol: str
    side: Side
    ord_type: OrdType
    tif: TimeInForce
    qty: Decimal
    price: Decimal | None
    stop_px: Decimal | None
    expire_at: datetime | None
    cum_qty: Decimal
    leaves_qty: Decimal
    avg_px: Decimal
    status: OrderStatus
    triggered: bool
    """Whether a stop or stop-limit has been triggered (it then works as a market or limit order)."""


@dataclass(slots=True, eq=False)
class RestingOrder:
    """The book's working record of one order; only the book changes it."""

    order_id: VenueOrderId
    owner: OwnerId
    cl_ord_id: ClOrdId
    symbol: str
    side: Side
    ord_type: OrdType
    tif: TimeInForce
    qty: Decimal
    price: Decimal | None
    stop_px: Decimal | None
    expire_at: datetime | None
    seq: int
    """Time priority: a larger number arrived later. Renewed when a replace loses priority."""
    is_buy: bool
    cum_qty: Decimal = ZERO
    notional: Decimal = ZERO
    status: OrderStatus = OrderStatus.NEW
    triggered: bool = False
    resting: bool = False
    """Whether the order sits in a price level of the book right now."""
    leaves: Decimal = field(init=False)
    """Quantity still working: ``qty - cum_qty`` while live, nothing once the order is finished."""
    is_market: bool = field(init=False)
    """Whether the order executes at any price: a market order, or a stop (once triggered)."""

    def __post_init__(self) -> None:
        self.leaves = self.qty - self.cum_qty
        self.is_market = self.ord_type is OrdType.MARKET or self.ord_type is OrdType.STOP

    @property
    def live(self) -> bool:
        """Whether the order may still execute."""
        return self.status in _LIVE

    @property
    def waits_for_trigger(self) -> bool:
        """Whether this is a live stop or stop-limit that has not been triggered yet."""
        return self.ord_type.needs_stop_price and not self.triggered and self.status in _LIVE

    def fill(self, qty: Decimal, price: Decimal) -> None:
        """Record an execution of ``qty`` at ``price``."""
        self.cum_qty += qty
        self.notional += qty * price
        self.leaves -= qty
        self.status = OrderStatus.FILLED if self.leaves <= 0 else OrderStatus.PARTIALLY_FILLED

    def resize(self, qty: Decimal) -> None:
        """Change the quantity of a live order to ``qty``, more than it has filled."""
        self.qty = qty
        self.leaves = qty - self.cum_qty

    def finish(self, status: OrderStatus) -> None:
        """End the order in ``status``: nothing is left working."""
        self.status = status
        self.leaves = ZERO

    def snapshot(self) -> OrderState:
        """A frozen copy of the order as it stands."""
        cum = self.cum_qty
        return OrderState(
            order_id=self.order_id,
            owner=self.owner,
            cl_ord_id=self.cl_ord_id,
            symbol=self.symbol,
            side=self.side,
            ord_type=self.ord_type,
            tif=self.tif,
            qty=self.qty,
            price=self.price,
            stop_px=self.stop_px,
            expire_at=self.expire_at,
            cum_qty=cum,
            leaves_qty=self.leaves,
            avg_px=self.notional / cum if cum else ZERO,
            status=self.status,
            triggered=self.triggered,
        )


class VenueIds:
    """The counters behind a venue's ids; books of one venue share them so ids never repeat."""

    __slots__ = ("exec_ids", "order_ids", "trade_ids")

    def __init__(self, prefix: str = "") -> None:
        self.order_ids = IdSource(f"{prefix}O")
        """OrderID (37)."""
        self.exec_ids = IdSource(f"{prefix}E")
        """ExecID (17)."""
        self.trade_ids = IdSource(f"{prefix}T")
        """The match id, one per match, shared by both sides' reports as SecondaryExecID (527)."""
