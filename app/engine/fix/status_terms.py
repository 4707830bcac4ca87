"""The order terms a status answer (35=8 150=I) restates, read leniently: 1 Account, 40 OrdType, 44 Price,
99 StopPx, 59 TimeInForce and 126 ExpireTime.

Only a status answer about an order the desk has no record of uses them (to adopt it, see
app/engine/foreign_orders.py), so a field missing or malformed here reads as not given rather than refusing the
report: the answer's quantities and status are still read, and checked, as for any report.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from app.engine.enums import OrdType, TimeInForce
from app.engine.fix.errors import FixValueError
from app.engine.fix.values import parse_decimal, parse_utc_timestamp
from app.engine.venue_messages import OrderTerms

_ORD_TYPES: Final = {member.value: member for member in OrdType}
_TIFS: Final = {member.value: member for member in TimeInForce}


def status_terms(values: Mapping[str, str]) -> OrderTerms:
    """The terms in a status answer's first values (by wire tag); what is missing or malformed is None."""
    get = values.get
    expire = get("126")
    try:
        expire_at = None if expire is None else parse_utc_timestamp(expire)
    except FixValueError:
        expire_at = None
    return OrderTerms(
        account=get("1") or "",
        ord_type=_ORD_TYPES.get(get("40", "")),
        limit_px=_price(get("44")),
        stop_px=_price(get("99")),
        tif=_TIFS.get(get("59", "0")),  # FIX 4.4: no TimeInForce means a day order
        expire_at=expire_at,
    )


def _price(text: str | None) -> Decimal | None:
    """A positive price, or None when absent, malformed or not positive."""
    if text is None:
        return None
    try:
        value = parse_decimal(text)
    except FixValueError:
        return None
    return value if value.is_finite() and value > 0 else None
