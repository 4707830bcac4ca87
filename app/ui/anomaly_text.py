"""Anomalies in a trader's words: what each kind means, and the note a blotter row carries when its order has one.

Shared by the Anomalies tab and the blotter's marker, so both say the same thing.
"""

from __future__ import annotations

from app.engine.events import AnomalyKind
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


def order_note(order: Order, latest: str | None) -> str | None:
    """What a blotter row says about ``order``'s anomalies (``latest``: the newest one's words, if known), or
    None when it has none and no open quantity break."""
    lines = []
    if order.break_qty:
        lines.append(
            f"Open quantity break: the venue says {qty_text(order.cum_qty)} filled, "
            f"our fills add up to {qty_text(order.tally_qty)}."
        )
    if order.anomalies:
        plural = "y" if order.anomalies == 1 else "ies"
        lines.append(f"{order.anomalies} anomal{plural} recorded" + (f"; latest: {latest}" if latest else "."))
    return "\n".join(lines) or None
