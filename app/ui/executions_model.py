"""The executions view's model: each fill, bust and correction of the day, newest last.

The day's earlier executions are read from the event log on a worker thread when the view opens
(``load_today``) and go before those that arrive live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QObject

from app.engine import history
from app.engine.engine import Engine
from app.engine.enums import ExecType
from app.engine.events import ExecutionApplied, Recorded
from app.engine.ledger import OrderLedger
from app.engine.order import Order
from app.ui.background import BackgroundRead
from app.ui.order_text import px_text, qty_text, time_text
from app.ui.table_model import Cell, RowsModel

_KIND = {ExecType.TRADE_CANCEL: "Bust", ExecType.TRADE_CORRECT: "Correction"}


@dataclass(frozen=True, slots=True)
class ExecutionRow:
    """One execution as the view shows it."""

    ts: datetime
    kind: str
    cl_ord_id: str
    exec_id: str
    order: Order
    qty: Decimal
    px: Decimal


EXECUTION_COLUMNS: tuple[Cell, ...] = (
    ("Time", lambda r: time_text(r.ts), False),
    ("Kind", lambda r: r.kind, False),
    ("ClOrdID", lambda r: r.cl_ord_id, False),
    ("Side", lambda r: r.order.spec.side.label, False),
    ("Symbol", lambda r: r.order.spec.symbol, False),
    ("Qty", lambda r: qty_text(r.qty), True),
    ("Price", lambda r: px_text(r.px), True),
    ("Venue", lambda r: r.order.spec.destination, False),
    ("Account", lambda r: str(r.order.spec.account), False),
    ("ExecID", lambda r: r.exec_id, False),
)


class ExecutionsModel(RowsModel[ExecutionRow]):
    """Executions as the bridge reports them."""

    def __init__(self, ledger: OrderLedger, parent: QObject | None = None) -> None:
        super().__init__(EXECUTION_COLUMNS, parent)
        self._ledger = ledger

    def load_today(self, engine: Engine) -> BackgroundRead:
        """Read the day's executions recorded so far (UTC day) on a worker thread; they go before the rows
        added live from now on. Returns the read (its ``done`` fires once they are shown)."""
        end = engine.store.last_seq
        since = engine.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        read = BackgroundRead(lambda: history.executions_since(engine.store, since, end), self)
        read.done.connect(lambda found: self.replace_all([*self._rows_of(found), *self._rows]))
        read.start()
        self._history = read
        return read

    def add(self, recorded: list[Recorded]) -> None:
        """Append the executions among ``recorded``."""
        self.append(self._rows_of(recorded))

    def _rows_of(self, recorded: list[Recorded]) -> list[ExecutionRow]:
        rows = []
        for item in recorded:
            event = item.event
            if isinstance(event, ExecutionApplied):
                order = self._ledger.orders[event.order_id]
                kind = _KIND.get(event.exec_type, "Fill")
                rows.append(
                    ExecutionRow(
                        item.ts, kind, event.reported_cl_ord_id, event.exec_id, order, event.last_qty, event.last_px
                    )
                )
        return rows
