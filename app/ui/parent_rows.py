"""Parents (care orders) as blotter rows: each staged parent drawn as an ``Order``-shaped row, so the blotter's
columns, sort, filter and search treat it as any order, with its children grouped under it.

The row's figures come from the parent's children (``Parent.figures``): Filled and Avg px are theirs, Leaves is
what the parent still has to fill, Venue says "Parent", and the Status column says the parent's state with what
is working and what is still unsliced. The row's status (for the status filter, colour and sort) is the nearest
order status: open parents are working, a done parent filled (or done for the day when closed short), a canceled
one canceled.
"""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import OrderStatus, OrdType
from app.engine.ids import ClOrdId
from app.engine.order import ZERO, Order, OrderSpec
from app.engine.parents import Parent, ParentFigures, ParentState
from app.ui.order_text import qty_text

PARENT_VENUE = "Parent"
"""What the Venue column shows for a parent: it is never sent anywhere."""


def parent_row(parent: Parent, figures: ParentFigures) -> Order:
    """``parent`` as the blotter shows it, from its ``figures``."""
    spec = parent.spec
    terms = OrderSpec(
        symbol=spec.symbol,
        side=spec.side,
        qty=spec.qty,
        ord_type=OrdType.MARKET if spec.limit_px is None else OrdType.LIMIT,
        account=spec.account,
        destination=PARENT_VENUE,
        trader=spec.trader,
        limit_px=spec.limit_px,
        text=spec.text,
    )
    return Order(
        order_id=parent.parent_id,
        spec=terms,
        status=_status(figures, spec.qty),
        cl_ord_id=ClOrdId(parent.parent_id),
        created_at=parent.staged_at,
        updated_at=parent.staged_at,
        qty=spec.qty,
        limit_px=spec.limit_px,
        stop_px=None,
        cum_qty=figures.filled,
        leaves_qty=max(ZERO, spec.qty - figures.filled),
        avg_px=figures.avg_px,
        tally_qty=figures.filled,
    )


def parent_status_text(figures: ParentFigures) -> str:
    """The Status column of a parent: its state, and while open what is working and what is left to slice."""
    if figures.state in (ParentState.DONE, ParentState.CANCELED):
        return f"Parent {figures.state.label.lower()}"
    working, unsliced = qty_text(figures.working), qty_text(figures.unsliced)
    return f"Parent {figures.state.label.lower()}: {working} working, {unsliced} unsliced"


def _status(figures: ParentFigures, qty: Decimal) -> OrderStatus:
    if figures.state is ParentState.CANCELED:
        return OrderStatus.CANCELED
    if figures.state is ParentState.CANCELING:
        return OrderStatus.PENDING_CANCEL
    if figures.state is ParentState.DONE:
        return OrderStatus.FILLED if figures.filled >= qty else OrderStatus.DONE_FOR_DAY
    return OrderStatus.PARTIALLY_FILLED if figures.filled else OrderStatus.NEW
