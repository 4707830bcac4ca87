"""How an order's fields read on screen: status words and colours, sides, quantities and prices.

Pending states (pending new, pending cancel, pending replace, unknown) say outright what is awaited, carry
an icon (an hourglass while the venue's answer is awaited, a warning sign for unknown) and are drawn in
italics in a colour no finished state uses, so nobody mistakes a cancel sent for a cancel done, whatever
colours they can tell apart. An order the venue had taken and now says it does not know (a status answer after the
embedded simulator restarted) reads "Not working: venue no longer knows it", and one it never acknowledged and
now says it does not know (sent, then the venue restarted before answering) reads "Not working: venue has no
record of it"; neither reads "Rejected by venue", since the venue refused nothing. Their state is the engine's
(rejected, not working); only the words say what happened. A working order whose last cancel or amend the venue
refused says so beside its state ("Working: cancel refused") until the next request, so a trader who pressed cancel
cannot take a refusal for a cancel still on its way; the tooltip gives the venue's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

from app.engine.enums import OrderStatus, Side
from app.engine.order import LinkOutcome, Order, RequestKind


@dataclass(frozen=True, slots=True)
class StatusLook:
    """How one status is drawn: its words, its text colour (``#rrggbb``) and whether it is in italics."""

    text: str
    colour: str
    italic: bool = False


_PENDING_COLOUR = "#d97706"
_UNKNOWN_COLOUR = "#dc2626"

STATUS_LOOKS: dict[OrderStatus, StatusLook] = {
    OrderStatus.PENDING_NEW: StatusLook("New pending (not yet at venue)", _PENDING_COLOUR, italic=True),
    OrderStatus.PENDING_CANCEL: StatusLook("Cancel pending (still working)", _PENDING_COLOUR, italic=True),
    OrderStatus.PENDING_REPLACE: StatusLook("Amend pending (old terms working)", _PENDING_COLOUR, italic=True),
    OrderStatus.UNKNOWN: StatusLook("UNKNOWN: line lost, ask venue", _UNKNOWN_COLOUR, italic=True),
    OrderStatus.NEW: StatusLook("Working", "#2563eb"),
    OrderStatus.PARTIALLY_FILLED: StatusLook("Partially filled", "#2563eb"),
    OrderStatus.REPLACED: StatusLook("Working (amended)", "#2563eb"),
    OrderStatus.SUSPENDED: StatusLook("Suspended", "#7c3aed"),
    OrderStatus.DONE_FOR_DAY: StatusLook("Done for day", "#6b7280"),
    OrderStatus.FILLED: StatusLook("Filled", "#16a34a"),
    OrderStatus.CANCELED: StatusLook("Canceled", "#6b7280"),
    OrderStatus.EXPIRED: StatusLook("Expired", "#6b7280"),
    OrderStatus.REJECTED: StatusLook("Rejected by venue", "#b91c1c"),
    OrderStatus.DENIED: StatusLook("Denied by risk", "#b91c1c"),
}
"""Every status's look; a test checks that no pending look is shared with a finished one."""

GONE_AT_VENUE = StatusLook("Not working: venue no longer knows it", STATUS_LOOKS[OrderStatus.REJECTED].colour)
"""How an order the venue had taken and now says it does not know is drawn (instead of "Rejected by venue")."""
NEVER_AT_VENUE = StatusLook("Not working: venue has no record of it", GONE_AT_VENUE.colour)
"""How an order the venue never acknowledged and now says it does not know is drawn (not "Rejected by venue")."""
_GONE_WHY = {
    LinkOutcome.ACCEPTED: "The venue no longer knows this order (a simulated venue forgets its orders when it "
    "restarts); it is not working.",
    LinkOutcome.LOST: "The venue has no record of this order: it never got it, or lost it before answering (a "
    "simulated venue forgets its orders when it restarts). It is not working; send it again if it is still wanted.",
}
_GONE_LOOKS = {LinkOutcome.ACCEPTED: GONE_AT_VENUE, LinkOutcome.LOST: NEVER_AT_VENUE}


def gone_at_venue(order: Order) -> LinkOutcome | None:
    """For a rejected order the venue refused nothing: what had become of its new order (accepted, or lost) before
    the venue said it does not know it; None for any other order.

    A venue rejects only what it has not taken, so a rejection after it accepted the order is a status answer
    saying it no longer knows it (it forgot it, as the embedded simulator does when it restarts); a new order
    whose first answer was such a status answer (its link is lost) never reached the venue, or was forgotten there.
    """
    if order.status is not OrderStatus.REJECTED or not order.chain:
        return None
    outcome = order.chain[0].outcome
    return outcome if outcome in _GONE_LOOKS else None


_REQUEST_WORDS = {RequestKind.CANCEL: "cancel", RequestKind.REPLACE: "amend"}
"""What a trader calls each request the venue can refuse."""
_REFUSED = LinkOutcome.REJECTED


def refused_request(order: Order) -> RequestKind | None:
    """The cancel or amend the venue refused last, while ``order`` still works and nothing was asked since."""
    if order.status.is_terminal or not order.chain:
        return None
    link = order.chain[-1]
    return link.kind if link.outcome is LinkOutcome.REJECTED and link.kind in _REQUEST_WORDS else None


def reads_plainly(order: Order) -> bool:
    """Whether ``order``'s status reads as its status's own words (``STATUS_LOOKS``): the venue neither forgot it nor
    refused its last cancel or amend. Cheap: the blotter's search asks it of every order."""
    return order.status is not OrderStatus.REJECTED and not (order.chain and order.chain[-1].outcome is _REFUSED)


def status_look(order: Order) -> StatusLook:
    """How ``order``'s status is drawn: its status's look, how an order the venue does not know reads, or its state
    with the cancel or amend the venue just refused."""
    gone = gone_at_venue(order)
    if gone is not None:
        return _GONE_LOOKS[gone]
    look = STATUS_LOOKS[order.status]
    refused = refused_request(order)
    if refused is None:
        return look
    return StatusLook(f"{look.text}: {_REQUEST_WORDS[refused]} refused", look.colour, look.italic)


def status_tooltip(order: Order) -> str:
    """What ``order``'s status means in full, with what the venue last said about it."""
    gone = gone_at_venue(order)
    if gone is None:
        refused = refused_request(order)
        said = order.text
        if said and refused is not None:
            said = f"The venue refused the {_REQUEST_WORDS[refused]}: {said}"
        return "\n".join(filter(None, (order.status.label, said)))
    return "\n".join(filter(None, (_GONE_WHY[gone], order.text and f"The venue said: {order.text}")))


SIDE_COLOURS: dict[Side, str] = {Side.BUY: "#1d4ed8", Side.SELL: "#b91c1c", Side.SELL_SHORT: "#9333ea"}
"""Buy blue, sell red, sell short purple: the ticket and the blotter use the same three."""


def qty_text(qty: Decimal) -> str:
    """A quantity with thousands separators and no trailing zeros: ``1,250`` or ``0.5``."""
    normal = qty.normalize()
    if normal == normal.to_integral_value():
        return f"{normal:,.0f}"
    return f"{normal:,f}"


def px_text(px: Decimal | None) -> str:
    """A price to at least the cent, with every further digit the venue stated; blank when there is none."""
    if px is None:
        return ""
    normal = px.normalize()
    exponent = normal.as_tuple().exponent
    return f"{normal:f}" if isinstance(exponent, int) and exponent < -2 else f"{normal:.2f}"


def time_text(ts: datetime) -> str:
    """A timestamp as the desk reads it (UTC): ``14:30:05.123``."""
    return ts.strftime("%H:%M:%S.") + f"{ts.microsecond // 1000:03d}"


def status_icon(status: OrderStatus) -> QIcon | None:
    """The icon beside a status that awaits the venue: an hourglass for pending, a warning sign for unknown."""
    if status is OrderStatus.UNKNOWN:
        return _icon("warning", _UNKNOWN_COLOUR)
    return _icon("hourglass", _PENDING_COLOUR) if status.is_pending else None


@cache
def _icon(shape: str, colour: str) -> QIcon:
    """A 16-pixel icon drawn here, so it looks the same on every platform and style."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(colour), 1.6))
    if shape == "hourglass":
        painter.drawPolygon(QPolygonF([QPointF(3, 2), QPointF(13, 2), QPointF(3, 14), QPointF(13, 14)]))
    else:
        painter.setBrush(QColor(colour))
        painter.drawPolygon(QPolygonF([QPointF(8, 1.5), QPointF(15, 14.5), QPointF(1, 14.5)]))
        painter.setPen(QPen(QColor("white"), 2))
        painter.drawLine(QPointF(8, 6), QPointF(8, 10))
        painter.drawPoint(QPointF(8, 12.5))
    painter.end()
    return QIcon(pixmap)
