"""Every view the engine keeps of the log (orders, positions, desk-wide state), applied together, event by event.

Desk-wide views (risk limits, the kill switch, users) are small; each is a ``DeskView`` that names the
event types it follows and writes itself into the snapshot as plain rows, so it comes back exactly after
a restart whatever the snapshot's position in the log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from app.engine.allocation.book import AllocationBook
from app.engine.allocation.moves import move_block
from app.engine.anomaly_book import AnomalyBook
from app.engine.enums import SIDE_SIGNS, ExecType
from app.engine.events import (
    AllocationReleased,
    CancelRequested,
    Event,
    ExecutionApplied,
    OrderSubmitted,
    ReplaceRequested,
)
from app.engine.ids import OrderId
from app.engine.kill_switch import KillSwitchBoard
from app.engine.ledger import OrderLedger, executed
from app.engine.order import Order
from app.engine.parents import ParentBook
from app.engine.positions import Position, Positions
from app.engine.reconciliation import Reconciliation
from app.engine.risk.activity import RecentActivity
from app.engine.risk.daily_pnl import DailyPnl
from app.engine.risk.exposure import WorkingExposure
from app.engine.risk.limits import Limits
from app.engine.twap import TwapBook
from app.engine.users.book import UserBook


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
    """The order ledger, the positions and the desk views, always at the same point of the log.

    The risk gate reads three of them: ``limits`` (a desk view), ``activity`` (what each trader sent in
    the last minute, kept in the snapshot too) and ``exposure`` (working orders summed, derived from the
    ledger and rebuilt after a snapshot loads).
    """

    def __init__(self) -> None:
        self.ledger = OrderLedger()
        self.positions = Positions()
        self.kill = KillSwitchBoard()
        self.users = UserBook()
        self.limits = Limits()
        self.activity = RecentActivity()
        self.exposure = WorkingExposure()
        self.daily = DailyPnl()
        self.reconciliation = Reconciliation()
        self.allocations = AllocationBook()
        self.anomalies = AnomalyBook()
        self.parents = ParentBook()
        self.twaps = TwapBook()
        self.desk_views: tuple[DeskView, ...] = (
            self.kill,
            self.users,
            self.limits,
            self.activity,
            self.daily,
            self.reconciliation,
            self.allocations,
            self.anomalies,
            self.parents,
            self.twaps,
        )
        self._desk_by_type = _by_event_type(self.desk_views)
        self._exposure_due: dict[OrderId, Order] = {}
        """Orders whose executions ``take_execution`` took and ``exposure`` has yet to follow."""
        self.before_change: Callable[[Event], None] | None = None
        """Called with each event before it is applied: a snapshot under way keeps what the event will change."""

    def apply(self, event: Event, ts: datetime) -> OrderId | None:
        """Apply one event to every projection; return the order it changed, if any."""
        if self._exposure_due:
            self.settle()
        if type(event) is ExecutionApplied:
            return self.apply_execution(self.ledger.orders[event.order_id], event, ts)
        kind = type(event)
        if self.before_change is not None:
            self.before_change(event)
        order_id = self.ledger.apply(event, ts)
        if (view := self._desk_by_type.get(kind)) is not None:
            view.apply(event, ts)
            if isinstance(event, AllocationReleased):
                self._allocated(event, ts)
        if order_id is not None:
            order = self.ledger.orders[order_id]
            self.exposure.order_changed(order)
            if kind is OrderSubmitted:
                self.activity.order_sent(order.spec, ts)
            elif kind is ReplaceRequested or kind is CancelRequested:
                self.activity.message_sent(order.spec.trader, ts)
        return order_id

    def apply_execution(self, order: Order, event: ExecutionApplied, ts: datetime) -> OrderId:
        """Apply an execution to every projection, its order already found."""
        self._executed(order, event, ts)
        self.exposure.order_changed(order)
        return order.order_id

    def take_execution(self, order: Order, event: ExecutionApplied, ts: datetime) -> None:
        """As ``apply_execution``, but the working-order sums (``exposure``) wait for ``settle``: a batch's many fills
        of one order then change them once (the venue path's plain reports come this way; the engine settles before
        the batch commits, and any other event settles first)."""
        self._executed(order, event, ts)
        self._exposure_due[order.order_id] = order

    def settle(self) -> None:
        """Bring the working-order sums up to date with every execution taken since the last settle: each order's
        stake is what it is now, so once per order gives the sums each fill in turn would have."""
        due = self._exposure_due
        if due:
            changed = self.exposure.order_changed
            for order in due.values():
                changed(order)
            due.clear()

    def _executed(self, order: Order, event: ExecutionApplied, ts: datetime) -> None:
        if self.before_change is not None:
            self.before_change(event)
        if self.reconciliation.watched:  # first: it keeps a fill a correction restates as it was
            self.reconciliation.order_fill(order, event, ts)
        executed(order, event, ts)
        if event.counted:
            self._fill(order, event, ts)

    def _fill(self, order: Order, event: ExecutionApplied, ts: datetime) -> None:
        """Move the position; what it realised counts toward the account's trading day, and what it held before
        the day's first fill is what it carried into the day."""
        position = self.positions.get(order.spec.account, order.spec.symbol)
        before, day = position.realized_pnl, self.daily.day_of(ts, self.limits.day_roll())
        self.daily.before_fill(position, day)
        apply_fill(position, order, event)
        self.positions.note(position)
        if position.realized_pnl != before:
            self.daily.realised(order.spec.account, position.realized_pnl - before, day)

    def _allocated(self, event: AllocationReleased, ts: datetime) -> None:
        """Move the block's position to its accounts; what that realises counts toward each account's day."""
        allocation = self.allocations.blocks[event.order_id].version(event.version).proposed
        order = self.ledger.orders[event.order_id]
        moved = move_block(self.positions, order, allocation)
        day = self.daily.day_of(ts, self.limits.day_roll())
        for account, realised in moved.items():
            self.positions.note(self.positions.get(account, order.spec.symbol))
            if realised:
                self.daily.realised(account, realised, day)


def _by_event_type(views: Sequence[DeskView]) -> dict[type, DeskView]:
    return {kind: view for view in views for kind in view.event_types}


_TRADE_CANCEL, _TRADE_CORRECT = ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT  # plain names: read per fill


def apply_fill(position: Position, order: Order, event: ExecutionApplied) -> None:
    """Move ``position`` by one execution of ``order``: a fill, a bust or a correction."""
    sign = SIDE_SIGNS[order.spec.side]
    kind = event.exec_type
    if kind is _TRADE_CANCEL and event.ref_exec_id:
        position.remove((order.order_id, event.ref_exec_id))
    elif kind is _TRADE_CORRECT and event.ref_exec_id:
        position.correct((order.order_id, event.ref_exec_id), sign * event.last_qty, event.last_px)
    else:
        position.add((order.order_id, event.exec_id), sign * event.last_qty, event.last_px)
