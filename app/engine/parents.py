"""The parents book: every parent (care) order staged on the desk, its children, and where it stands.

A desk view (see ``projections.DeskView``) named "parents": it follows the parent events and each new order
(to note which parent it was sliced from), and saves itself in the snapshot as those events' JSON text, so it
comes back exactly after a restart. A parent's filled quantity, average price and what is left to slice are
read from its children in the order ledger whenever asked, so they are never out of step with the orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.engine.events import OrderSubmitted, ParentClosed, ParentStaged
from app.engine.ids import OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import ZERO, Order
from app.engine.parent_terms import ParentSpec
from app.engine.serialization import from_json, to_json


class ParentState(StrEnum):
    """Where a parent stands, as the blotter shows it."""

    STAGED = "staged"
    """On the desk with nothing working: slice it."""
    WORKING = "working"
    """At least one child may still execute."""
    DONE = "done"
    """Fully filled, or closed by the trader (children still working keep working)."""
    CANCELING = "canceling"
    """Closed by the trader with its live children to be canceled, and a child still live: the venue has not yet
    confirmed every cancel (or a child awaits the venue's answer to an earlier request before its cancel goes)."""
    CANCELED = "canceled"
    """Closed by the trader with its children canceled: none is live any more (the venues confirmed it)."""

    @property
    def label(self) -> str:
        """The word a trader reads."""
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class ParentFigures:
    """A parent's totals, from its children as they stand."""

    filled: Decimal
    avg_px: Decimal
    working: Decimal
    """What its live children may still fill (their leaves, an amend up under way counted); a child done for the
    day counts as live: it may be restated the next morning."""
    unsliced: Decimal
    """What may still be sliced: quantity less filled less working (never below zero)."""
    state: ParentState
    live_children: tuple[OrderId, ...]


@dataclass(slots=True)
class Parent:
    """One staged parent and the orders sliced from it, oldest first."""

    parent_id: OrderId
    spec: ParentSpec
    staged_at: datetime
    closed: ParentClosed | None = None
    children: list[OrderId] = field(default_factory=list)

    def figures(self, ledger: OrderLedger) -> ParentFigures:
        """Its filled quantity, average price, working and unsliced quantities and state, from ``ledger``."""
        filled = notional = working = ZERO
        live: list[OrderId] = []
        for child_id in self.children:
            child = ledger.orders.get(child_id)
            if child is None:
                continue
            filled += child.cum_qty
            notional += child.cum_qty * child.avg_px
            if not child.status.is_terminal:  # done for the day counts: the venue may restate it tomorrow
                live.append(child_id)
                working += max(ZERO, committed(child) - child.cum_qty)
        avg_px = notional / filled if filled else ZERO
        unsliced = max(ZERO, self.spec.qty - filled - working)
        return ParentFigures(filled, avg_px, working, unsliced, self._state(filled, live), tuple(live))

    def _state(self, filled: Decimal, live: list[OrderId]) -> ParentState:
        if self.closed is not None:
            if not self.closed.canceled:
                return ParentState.DONE
            return ParentState.CANCELING if live else ParentState.CANCELED
        if filled >= self.spec.qty:
            return ParentState.DONE
        return ParentState.WORKING if live else ParentState.STAGED


def committed(order: Order) -> Decimal:
    """How much of its parent a live child takes: its quantity, or the amend's under way if larger."""
    pending = order.pending
    amendment = pending.amendment if pending is not None else None  # only an amend's link carries one
    return max(order.qty, order.cum_qty, amendment.qty if amendment is not None else ZERO)


class ParentBook:
    """Every parent by id, in the order they were staged."""

    name = "parents"
    event_types: tuple[type, ...] = (ParentStaged, ParentClosed, OrderSubmitted)

    def __init__(self) -> None:
        self.parents: dict[OrderId, Parent] = {}
        self.canceling: set[OrderId] = set()
        """The parents closed with their children to be canceled (their late children's cancels go when due)."""

    def get(self, parent_id: OrderId | None) -> Parent | None:
        """The parent ``parent_id``, if there is one."""
        return None if parent_id is None else self.parents.get(parent_id)

    def apply(self, event: Any, ts: datetime) -> None:
        """Take in a parent event, or note a new order's parent."""
        kind = type(event)
        if kind is OrderSubmitted:
            parent = self.parents.get(event.spec.parent_id) if event.spec.parent_id else None
            if parent is not None:
                parent.children.append(event.order_id)
        elif kind is ParentStaged:
            self.parents[event.parent_id] = Parent(event.parent_id, event.spec, ts)
        elif kind is ParentClosed:
            self.parents[event.parent_id].closed = event
            if event.canceled:
                self.canceling.add(event.parent_id)

    def rows(self) -> list[tuple[Any, ...]]:
        """Each parent as its staging (and closing) event's JSON text, when staged, and its children."""
        return [
            (
                to_json(ParentStaged(p.parent_id, p.spec)),
                p.staged_at.isoformat(),
                None if p.closed is None else to_json(p.closed),
                tuple(p.children),
            )
            for p in self.parents.values()
        ]

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        self.parents, self.canceling = {}, set()
        for staged_text, at, closed_text, children in rows:
            staged = from_json(ParentStaged, staged_text)
            closed = None if closed_text is None else from_json(ParentClosed, closed_text)
            parent = Parent(staged.parent_id, staged.spec, datetime.fromisoformat(at), closed, list(children))
            self.parents[staged.parent_id] = parent
            if closed is not None and closed.canceled:
                self.canceling.add(staged.parent_id)
