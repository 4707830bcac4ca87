"""What the engine checks before a parent is staged, sliced or a child amended, each refusal in words; and which
children of a parent closed with its children canceled are due their cancel now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.engine.enums import OrderStatus
from app.engine.ids import OrderId
from app.engine.kill_cancels import due_cancel
from app.engine.ledger import OrderLedger
from app.engine.order import Amendment, LinkOutcome, Order, OrderSpec, RequestKind
from app.engine.parents import ParentBook, committed


def next_parent_id(book: ParentBook, now: datetime) -> OrderId:
    """A new parent's id, ``P-yymmdd-n``: parents never reach a venue, so they need no ClOrdID."""
    n = len(book.parents) + 1
    while (parent_id := OrderId(f"P-{now:%y%m%d}-{n}")) in book.parents:
        n += 1
    return parent_id


def slice_refusal(book: ParentBook, ledger: OrderLedger, spec: OrderSpec) -> str | None:
    """Why ``spec`` may not be sliced from the parent it names; None if it may (or names none)."""
    if spec.parent_id is None:
        return None
    parent = book.get(spec.parent_id)
    if parent is None:  # a child of an ordinary order is only grouped under it in the blotter
        known = spec.parent_id in ledger.orders
        return None if known else f"There is no parent order {spec.parent_id} to slice from; nothing was sent."
    pid, terms = parent.parent_id, parent.spec
    if parent.closed is not None:
        return f"{pid} is closed; no more children can be sliced from it."
    if spec.symbol != terms.symbol:
        return f"A slice of {pid} must be in {terms.symbol}, not {spec.symbol}."
    if spec.side is not terms.side:
        return f"A slice of {pid} must be a {terms.side.label.lower()}, not a {spec.side.label.lower()}."
    unsliced = parent.figures(ledger).unsliced
    if spec.qty > unsliced:
        return f"Slice of {spec.qty} exceeds the {unsliced} left unsliced on {pid}."
    return None


def amend_refusal(book: ParentBook, ledger: OrderLedger, order: Order, amendment: Amendment) -> str | None:
    """Why amending child ``order`` to ``amendment`` would take its parent past its quantity; None if it would not."""
    parent = book.get(order.spec.parent_id)
    more = amendment.qty - committed(order)
    if parent is None or more <= 0:
        return None
    unsliced = parent.figures(ledger).unsliced
    if more > unsliced:
        return (
            f"Amending {order.order_id} to {amendment.qty} takes {more} more of {parent.parent_id}, "
            f"which has {unsliced} left unsliced."
        )
    return None


def cancels_due(book: ParentBook, ledger: OrderLedger, changed: Iterable[OrderId]) -> list[tuple[Order, OrderStatus]]:
    """The children among ``changed`` of parents closed with their children canceled whose cancel is due now, with
    the state it moves each to: a child that awaited the venue's answer to an earlier request (a cancel or amend,
    or its fate after a lost line) when its parent closed gets its cancel once that answer comes. A child whose
    own cancel the venue refused is left to the trader (sending it again at once would only be refused again)."""
    if not book.canceling:
        return []
    due: list[tuple[Order, OrderStatus]] = []
    for order_id in changed:
        order = ledger.orders.get(order_id)
        if order is None or order.spec.parent_id not in book.canceling:
            continue
        last = order.chain[-1] if order.chain else None
        if last is not None and last.kind is RequestKind.CANCEL and last.outcome is LinkOutcome.REJECTED:
            continue
        if (status := due_cancel(order)) is not None:
            due.append((order, status))
    return due
