"""The blotter's columns: each one's title, its text for an order, and the key it sorts by.

Sort keys are plain ``int``/``float``/``str`` so Qt compares them without calling back into Python per
comparison. A float here only orders rows; every figure shown is formatted from the order's ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from app.engine.enums import OrderStatus
from app.engine.foreign_orders import owner_label
from app.engine.order import Order
from app.ui.order_text import px_text, qty_text, status_look, time_text

SortKey = int | float | str


@dataclass(frozen=True, slots=True)
class Column:
    """One blotter column."""

    title: str
    text: Callable[[Order], str]
    key: Callable[[Order], SortKey]
    numeric: bool = False
    width: int = 80
    """Default width in pixels, until the trader resizes it (then the saved layout wins)."""


def _number(value: Decimal | None) -> float:
    return float(value) if value is not None else -1.0


def chain_text(order: Order) -> str:
    """The order's ClOrdID chain, one request a line, with what became of each."""
    lines = [f"{link.cl_ord_id}  {link.kind.value}: {link.outcome.value}" for link in order.chain]
    return "\n".join(lines) if lines else str(order.cl_ord_id)


_STATUS_RANK = {status: rank for rank, status in enumerate(OrderStatus)}

COLUMNS: tuple[Column, ...] = (
    Column("ClOrdID", lambda o: str(o.cl_ord_id), lambda o: str(o.cl_ord_id), width=150),
    Column("Status", lambda o: status_look(o).text, lambda o: _STATUS_RANK[o.status], width=230),
    Column("Side", lambda o: o.spec.side.label, lambda o: o.spec.side.label),
    Column("Symbol", lambda o: o.spec.symbol, lambda o: o.spec.symbol),
    Column("Qty", lambda o: qty_text(o.qty), lambda o: _number(o.qty), numeric=True),
    Column("Filled", lambda o: qty_text(o.cum_qty), lambda o: _number(o.cum_qty), numeric=True),
    Column("Leaves", lambda o: qty_text(o.leaves_qty), lambda o: _number(o.leaves_qty), numeric=True),
    Column("Avg px", lambda o: px_text(o.avg_px) if o.cum_qty else "", lambda o: _number(o.avg_px), numeric=True),
    Column("Limit", lambda o: px_text(o.limit_px), lambda o: _number(o.limit_px), numeric=True),
    Column("Venue", lambda o: o.spec.destination, lambda o: o.spec.destination),
    Column("Account", lambda o: str(o.spec.account), lambda o: str(o.spec.account)),
    Column("Trader", lambda o: owner_label(o.spec), lambda o: owner_label(o.spec)),
    Column("Time", lambda o: time_text(o.created_at), lambda o: o.created_at.timestamp(), width=100),
)
"""The columns in their default order."""

CL_ORD_ID_COLUMN, STATUS_COLUMN, SIDE_COLUMN, FILLED_COLUMN, LEAVES_COLUMN, TIME_COLUMN = 0, 1, 2, 5, 6, 12
