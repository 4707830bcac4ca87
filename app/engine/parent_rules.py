"""What the engine checks before a parent is staged, sliced or a child amended, each refusal in words."""

from __future__ import annotations

from datetime import datetime

from app.engine.ids import OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import Amendment, Order, OrderSpec
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
