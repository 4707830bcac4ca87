"""Every view the engine keeps of the log (orders, positions, desk-wide state), applied together, event by event.

Desk-wide views (risk limits, the kill switch, users) are small; each is a ``DeskView`` that names the
event types it follows and writes itself into the snapshot as plain rows, so it comes back exactly after
a restart whatever the snapshot's position in the log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from app.engine.enums import SIDE_SIGNS, ExecType
from app.engine.events import Event, ExecutionApplied
from app.engine.ids import OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import Order
from app.engine.positions import Positions


class DeskView(Protocol):
    """A desk-wide projection: follows its own event types and is saved in the snapshot as plain rows."""

    name: str
    """Its key in the snapshot; never reuse one for a different shape of rows."""
    event_types: tuple[type, ...]
    """The events it follows."""

    def apply(self, event: Any, ts: datetime) -> None:
        """Take in one of its events."""
        ...

    def rows(self) -> list[tuple[Any, ...]]:
        """Its state as rows of plain values (str, int, None, tuples, lists), for the snapshot."""
        ...

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore the state ``rows`` wrote."""
        ...


class Projections:
    """The order ledger, the positions and the desk views, always at the same point of the log."""

    def __init__(self) -> None:
        self.ledger = OrderLedger()
        self.positions = Positions()
        self.desk_views: tuple[DeskView, ...] = ()
        self._desk_by_type = _by_event_type(self.desk_views)
        self.before_change: Callable[[Event], None] | None = None
        """Called with each event before it is applied: a snapshot under way keeps what the event will change."""

    def apply(self, event: Event, ts: datetime) -> OrderId | None:
        """Apply one event to every projection; return the order it changed, if any."""
        if self.before_change is not None:
            self.before_change(event)
        order_id = self.ledger.apply(event, ts)
        if type(event) is ExecutionApplied:
            if event.counted:
                _apply_fill(self.positions, self.ledger.orders[event.order_id], event)
        elif (view := self._desk_by_type.get(type(event))) is not None:
            view.apply(event, ts)
        return order_id


def _by_event_type(views: Sequence[DeskView]) -> dict[type, DeskView]:
    return {kind: view for view in views for kind in view.event_types}


_TRADE_CANCEL, _TRADE_CORRECT = ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT  # plain names: read per fill


def _apply_fill(positions: Positions, order: Order, event: ExecutionApplied) -> None:
    spec = order.spec
    position = positions.get(spec.account, spec.symbol)
    sign = SIDE_SIGNS[spec.side]
    kind = event.exec_type
    if kind is _TRADE_CANCEL and event.ref_exec_id:
        position.remove((order.order_id, event.ref_exec_id))
    elif kind is _TRADE_CORRECT and event.ref_exec_id:
        position.correct((order.order_id, event.ref_exec_id), sign * event.last_qty, event.last_px)
    else:
        position.add((order.order_id, event.exec_id), sign * event.last_qty, event.last_px)
