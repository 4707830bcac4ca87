"""Foreign orders: working orders a venue reports that this desk has no record of, adopted so the desk can see
and cancel them.

A status answer (150=I, after the OrderMassStatusRequest sent at logon or a status request) may name a ClOrdID
the desk never issued: the desk's store was wiped while its orders still worked, or another desk of the firm placed
them on the same session. Such an order may trade in the firm's name, so leaving it unseen is the danger, not
adopting it. A live one is adopted: one ``ForeignOrderAdopted`` opens it in the ledger under the venue's ClOrdID,
owned by the system user, and an anomaly says so. A terminal one (filled, canceled...) leaves only the anomaly.

Quantities: the CumQty the venue reports at adoption stays on the order (so the desk's and the venue's figures
agree and no quantity break is raised) but is not booked to a position: whoever placed the order booked those
fills, or no one here knows who did. Fills reported after adoption book like any order's, to the account the
venue names (1). The order's timeline says this in words.

Who may cancel one: ``Action.CANCEL_FOREIGN_ORDER`` in roles.py's table (supervisors; not traders, since the
order may be another desk's). The kill switch catches adopted orders in scope like any other.
"""

from __future__ import annotations

from app.engine.enums import TERMINAL_STATUSES, OrderStatus, TimeInForce
from app.engine.events import AnomalyKind, AnomalyRecorded, Event, ForeignOrderAdopted
from app.engine.ids import SYSTEM_USER, AccountId, OrderId
from app.engine.order import Order, OrderSpec
from app.engine.roles import Action
from app.engine.venue_messages import ExecutionReport

FOREIGN_OWNER = SYSTEM_USER
"""Who owns an adopted order: the system, since no one on this desk placed it."""

_WORKING = frozenset({OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED})
_HELD = frozenset({OrderStatus.SUSPENDED, OrderStatus.DONE_FOR_DAY})
"""Statuses an adopted order keeps as the venue states them; any other live one (pending new, cancel or replace by
someone else's request, replaced) is adopted as working: the venue's next report settles it."""


def status_events(report: ExecutionReport) -> list[Event]:
    """The events a status answer about an order this desk does not know records: the adoption and its anomaly
    when the order still works and the answer says enough to describe it; otherwise the anomaly alone."""
    spec_or_why = _spec(report)
    if isinstance(spec_or_why, str):
        return [AnomalyRecorded(AnomalyKind.FOREIGN_ORDER, f"{_facts(report)} Not adopted: {spec_or_why}")]
    order_id = OrderId(report.cl_ord_id)
    working = OrderStatus.PARTIALLY_FILLED if report.cum_qty > 0 else OrderStatus.NEW
    held = report.ord_status
    status = held if held is not None and held in _HELD else working
    adopted = ForeignOrderAdopted(
        order_id,
        spec_or_why,
        report.venue_order_id,
        status,
        working,
        report.cum_qty,
        report.leaves_qty,
        report.avg_px,
    )
    detail = (
        f"{_facts(report)} Adopted as order {order_id}, owned by no one on this desk ({owner_label(spec_or_why)}): "
        "it shows in the blotter, a supervisor can cancel it and the kill switch catches it. "
        f"{_before_adoption(report.cum_qty)}"
    )
    return [adopted, AnomalyRecorded(AnomalyKind.FOREIGN_ORDER, detail, order_id)]


def _spec(report: ExecutionReport) -> OrderSpec | str:
    """The terms of the order ``report`` describes, or why it cannot be adopted (in words)."""
    status, terms = report.ord_status, report.terms
    if status is None or status in TERMINAL_STATUSES:
        return "the venue no longer works it."
    side, qty, ord_type = report.side, report.order_qty, terms.ord_type if terms else None
    if side is None or qty is None or ord_type is None or not report.symbol:
        given: tuple[tuple[str, object], ...] = (("Symbol (55)", report.symbol), ("Side (54)", side))
        given += (("OrderQty (38)", qty), ("OrdType (40)", ord_type))
        missing = ", ".join(name for name, value in given if value is None or value == "")
        return f"the venue's answer does not give its {missing}; cancel it at the venue."
    return OrderSpec(
        symbol=report.symbol,
        side=side,
        qty=qty,
        ord_type=ord_type,
        account=AccountId(terms.account if terms else ""),
        destination=report.session,
        trader=FOREIGN_OWNER,
        tif=(terms.tif if terms else None) or TimeInForce.DAY,
        limit_px=terms.limit_px if terms and ord_type.needs_limit_price else None,
        stop_px=terms.stop_px if terms and ord_type.needs_stop_price else None,
        expire_at=terms.expire_at if terms else None,
    )


def _facts(report: ExecutionReport) -> str:
    """What the venue says of the order, in words."""
    status = "no status given" if report.ord_status is None else report.ord_status.label.lower()
    side = "" if report.side is None else f" {report.side.name.lower()}"
    qty = "" if report.order_qty is None else f" {report.order_qty}"
    venue_id = f", venue OrderID {report.venue_order_id}" if report.venue_order_id else ""
    session = f" on {report.session}" if report.session else ""
    account = f" for account {report.terms.account}" if report.terms and report.terms.account else ""
    return (
        f"Venue reports an order this desk does not know{session}: ClOrdID {report.cl_ord_id} "
        f"{report.symbol or '(no symbol)'}{side}{qty}{account}, {status}, {report.cum_qty} filled{venue_id}."
    )


def _before_adoption(cum_qty: object) -> str:
    return (
        f"The {cum_qty} filled before adoption is not booked to any position here (whoever placed the order "
        "booked it, or it is unknown); only fills reported from now on are."
    )


def is_foreign(order: Order) -> bool:
    """Whether ``order`` was adopted from a venue's status answer (no one on this desk placed it)."""
    return order.spec.trader == FOREIGN_OWNER


def owner_label(spec: OrderSpec) -> str:
    """Who owns an order, as the blotter's trader column says it: the trader, or "foreign (venue SIMC)"."""
    return f"foreign (venue {spec.destination})" if spec.trader == FOREIGN_OWNER else str(spec.trader)


def cancel_action(order: Order | None) -> Action:
    """The action canceling ``order`` asks of the user's role: an adopted order's has its own row in the table."""
    return Action.CANCEL_FOREIGN_ORDER if order is not None and is_foreign(order) else Action.CANCEL_ORDER


def adoption_text(event: Event) -> str | None:
    """An adoption as the order's timeline says it; None for any other event."""
    if not isinstance(event, ForeignOrderAdopted):
        return None
    spec = event.spec
    price = f" at {spec.limit_px}" if spec.limit_px is not None else ""
    terms = f"{spec.side.label} {spec.qty} {spec.symbol} {spec.ord_type.name.lower()}{price} for {spec.account}"
    return (
        f"Adopted from {spec.destination}'s status answer (no one on this desk placed it): {terms}, "
        f"{event.status.label.lower()}, {event.cum_qty} filled at {event.avg_px}. {_before_adoption(event.cum_qty)}"
    )
