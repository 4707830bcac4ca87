"""Every view the engine keeps of the log (orders, positions), applied together, event by event."""

from __future__ import annotations

from datetime import datetime

from app.engine.enums import ExecType
from app.engine.events import Event, ExecutionApplied
from app.engine.ids import OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import Order
from app.engine.positions import Positions


class Projections:
    """The order ledger and the positions, always at the same point of the log."""

    def __init__(self) -> None:
        self.ledger = OrderLedger()
        self.positions = Positions()

    def apply(self, event: Event, ts: datetime) -> OrderId | None:
        """Apply one event to every projection; return the order it changed, if any."""
        order_id = self.ledger.apply(event, ts)
        if type(event) is ExecutionApplied and event.counted:
            _apply_fill(self.positions, self.ledger.orders[event.order_id], event)
        return order_id


def _apply_fill(positions: Positions, order: Order, event: ExecutionApplied) -> None:
    position = positions.get(order.spec.account, order.spec.symbol)
    sign = order.spec.side.sign
    if event.exec_type is ExecType.TRADE_CANCEL and event.ref_exec_id:
        position.remove((order.order_id, event.ref_exec_id))
    elif event.exec_type is ExecType.TRADE_CORRECT and event.ref_exec_id:
        position.correct((order.order_id, event.ref_exec_id), sign * event.last_qty, event.last_px)
    else:
        position.add((order.order_id, event.exec_id), sign * event.last_qty, event.last_px)
