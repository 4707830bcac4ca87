"""Anomalies in a trader's words: what each kind means, and the note a blotter row carries when its order has one.

Shared by the Anomalies tab and the blotter's marker, so both say the same thing; the marker counts only the
anomalies still open (nobody acknowledged them yet).
"""

from __future__ import annotations

from collections.abc import Callable

from app.engine.events import AnomalyKind
from app.engine.ids import OrderId
from app.engine.order import Order
from app.ui.order_text import qty_text

KIND_TEXT: dict[AnomalyKind, str] = {
    AnomalyKind.ILLEGAL_TRANSITION: "Report not allowed in the order's state",
    AnomalyKind.LATE_FILL: "Fill after the order finished",
    AnomalyKind.QUANTITY_BREAK: "Quantity break: venue and our fills differ",
    AnomalyKind.BREAK_CLEARED: "Quantity break cleared",
    AnomalyKind.UNKNOWN_ORDER: "Execution for an order we do not know",
    AnomalyKind.UNKNOWN_FILL: "Bust or correction of a fill we never had",
    AnomalyKind.OVERFILL: "Overfill: more filled than ordered",
    AnomalyKind.ALLOCATION_OUT_OF_DATE: "Block changed after its allocation was released",
    AnomalyKind.UNREADABLE_REPORT: "Execution report we could not read",
    AnomalyKind.FOREIGN_ORDER: "Venue reports an order this desk does not know",
}


OpenAbout = Callable[[OrderId], tuple[int, str | None]]
"""How many anomalies about an order are still open, and the newest one's words."""


def no_open_anomalies(order_id: OrderId) -> tuple[int, str | None]:
    """None open (until a view that knows them is plugged in)."""
    return 0, None


def order_note(order: Order, open_count: int, latest: str | None) -> str | None:
    """What a blotter row says about ``order``'s open anomalies (``open_count`` of them, ``latest`` the newest one's
    words), or None when none is open and it has no open quantity break. Acknowledged ones no longer count."""
    lines = []
    if order.break_qty:
        lines.append(
            f"Open quantity break: the venue says {qty_text(order.cum_qty)} filled, "
            f"our fills add up to {qty_text(order.tally_qty)}."
        )
    if open_count:
        plural = "y" if open_count == 1 else "ies"
        lines.append(
            f"{open_count} anomal{plural} to acknowledge ({order.anomalies} recorded)"
            + (f"; latest: {latest}" if latest else ".")
        )
    return "\n".join(lines) or None
