"""Reading an order ticket's text into an ``OrderSpec``, with every problem named by its ticket field.

Kept apart from the widgets so the rules (what a typed quantity or price means, which fields a type or a
time in force uses) are plain functions a test can call, and the ticket only draws their answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from app.engine.enums import OrdType, Side, TimeInForce
from app.engine.ids import AccountId, UserId
from app.engine.order import FieldError, OrderSpec

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class TicketEntry:
    """What the ticket's fields hold, as typed."""

    symbol: str
    side: Side
    qty: str
    ord_type: OrdType
    limit_px: str
    stop_px: str
    tif: TimeInForce
    expire_at: datetime | None
    account: str
    destination: str


def read_entry(entry: TicketEntry, trader: UserId) -> tuple[OrderSpec, list[FieldError]]:
    """The order the ticket describes and, per field, what is wrong with it (first problem per field)."""
    problems: list[FieldError] = []
    qty = parse_number(entry.qty, "qty", "Quantity", problems) or ZERO
    limit_px = (
        parse_number(entry.limit_px, "limit_px", "Limit price", problems) if entry.ord_type.needs_limit_price else None
    )
    stop_px = (
        parse_number(entry.stop_px, "stop_px", "Stop price", problems) if entry.ord_type.needs_stop_price else None
    )
    spec = OrderSpec(
        symbol=entry.symbol.strip().upper(),
        side=entry.side,
        qty=qty,
        ord_type=entry.ord_type,
        account=AccountId(entry.account.strip()),
        destination=entry.destination.strip(),
        trader=trader,
        tif=entry.tif,
        limit_px=limit_px,
        stop_px=stop_px,
        expire_at=entry.expire_at if entry.tif is TimeInForce.GTD else None,
    )
    seen = {p.field for p in problems}
    for problem in spec.problems():
        if problem.field not in seen:
            seen.add(problem.field)
            problems.append(problem)
    return spec, problems


def parse_number(text: str, field: str, name: str, problems: list[FieldError]) -> Decimal | None:
    """``text`` as a Decimal (thousands commas allowed); blank is None; anything else adds to ``problems``."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        problems.append(FieldError(field, f"{name} must be a number, like 100 or 12.5; '{text.strip()}' is not."))
        return None
    return value if value.is_finite() else None
