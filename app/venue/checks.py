"""Checks on an order's terms before the book touches it: each problem is a reason and plain words."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.engine.enums import TimeInForce
from app.venue.orders import NewOrder
from app.venue.results import RejectReason

Problem = tuple[RejectReason, str]
"""Why a request is refused: the machine-readable reason and the words a person reads."""


def check_new(order: NewOrder, tick: Decimal, lot: Decimal, now: datetime | None) -> Problem | None:
    """What is wrong with a new order's combination of fields or its numbers, if anything."""
    kind = order.ord_type
    if kind.needs_limit_price and order.price is None:
        return RejectReason.MISSING_PRICE, f"a {kind.name.lower().replace('_', '-')} order needs a price"
    if kind.needs_stop_price and order.stop_px is None:
        return (
            RejectReason.MISSING_STOP_PRICE,
            f"a {kind.name.lower().replace('_', '-')} order needs a stop price",
        )
    if order.tif is TimeInForce.GTD:
        if order.expire_at is None:
            return RejectReason.MISSING_EXPIRY, "a GTD order needs an expiry time"
        if now is not None and order.expire_at <= now:
            return RejectReason.EXPIRY_PASSED, f"the expiry time {order.expire_at.isoformat()} has passed"
    price = order.price if kind.needs_limit_price else None
    stop_px = order.stop_px if kind.needs_stop_price else None
    return check_terms(order.qty, price, stop_px, tick, lot)


def check_terms(
    qty: Decimal, price: Decimal | None, stop_px: Decimal | None, tick: Decimal, lot: Decimal
) -> Problem | None:
    """What is wrong with a quantity, limit price and stop price against the lot and tick, if anything."""
    _require_decimal(qty)
    if not qty.is_finite() or qty <= 0:
        return RejectReason.BAD_QUANTITY, f"quantity {qty} is not positive"
    if qty % lot:
        return RejectReason.BAD_LOT, f"quantity {qty} is not a multiple of the lot size {lot}"
    for name, value in (("price", price), ("stop price", stop_px)):
        if value is None:
            continue
        _require_decimal(value)
        if not value.is_finite() or value <= 0:
            return RejectReason.BAD_PRICE, f"{name} {value} is not positive"
        if value % tick:
            return RejectReason.OFF_TICK, f"{name} {value} is not a multiple of the tick size {tick}"
    return None


def _require_decimal(value: object) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"prices and quantities must be Decimal, got {type(value).__name__} {value!r}")
