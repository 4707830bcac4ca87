"""The executions view's model: each fill, bust and correction of the day, newest last (the view shows them through
``SortedRows``: newest on top until the trader sorts by another column).

The day's earlier executions are read from the event log on a worker thread when the window opens
(``todays_executions``, which the price chart's fill markers share) and go before those that arrive live.

Live executions are added at once after a quiet spell; while they keep coming, those that arrive within
``HOLD_MS`` of the last addition wait and go in together when it is up. Each addition lays the whole table out
afresh (Qt repaints every row on screen when rows are inserted, even below the screen), so in a burst of fills
the table is laid out four times a second instead of at every emit of the bridge; no execution is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, QTimer

from app.engine import history
from app.engine.engine import Engine
from app.engine.enums import ExecType
from app.engine.events import ExecutionApplied, Recorded
from app.engine.order import Order
from app.ui.background import BackgroundRead
from app.ui.order_text import px_text, qty_text, time_text
from app.ui.table_model import Cell, RowsModel

_KIND = {ExecType.TRADE_CANCEL: "Bust", ExecType.TRADE_CORRECT: "Correction"}
HOLD_MS = 250
"""How long executions that arrive right after an addition wait to be added together."""


class ExecutionRow(NamedTuple):
    """One execution as the view shows it (a tuple: tens of thousands are made in a burst of fills)."""

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
EXECUTION_SAMPLES: tuple[str, ...] = (
    "00:00:00.000", "Correction", "OEMS00AA-000000-00000", "Sell short", "WWWWW", "100,000", "10000.00", "SIMA",
    "ACC1", "",
)  # fmt: skip
"""The longest usual text of each column, for its default width (``fit_columns``); the last one stretches."""
EXECUTION_KEYS: tuple[Callable[[ExecutionRow], Any], ...] = tuple(
    {"Time": lambda r: r.ts, "Qty": lambda r: r.qty, "Price": lambda r: r.px}.get(title, text)
    for title, text, _ in EXECUTION_COLUMNS
)
"""What each column sorts by: times and numbers by value, the rest by their text."""
TIME_COLUMN = 0


class ExecutionsModel(RowsModel[ExecutionRow]):
    """Executions as the bridge reports them, after the day's earlier ones."""

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(EXECUTION_COLUMNS, parent, EXECUTION_KEYS)
        self._engine = engine
        self._waiting: list[ExecutionRow] = []
        """Executions held until ``_hold`` is up."""
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(HOLD_MS)
        self._hold.timeout.connect(self._add_waiting)

    @property
    def waiting(self) -> int:
        """How many executions are held, to be added when the hold is up."""
        return len(self._waiting)

    def show_earlier(self, found: list[Recorded]) -> None:
        """Put the day's executions recorded before the window opened (``todays_executions``) above the rows."""
        self.replace_all([*self._rows_of(found), *self._rows])

    def add(self, recorded: list[Recorded]) -> None:
        """Append the executions among ``recorded``: now after a quiet spell, else when the hold is up."""
        rows = self._rows_of(recorded)
        if not rows:
            return
        if self._hold.isActive():
            self._waiting += rows
            return
        self.append(rows)
        self._hold.start()

    def _add_waiting(self) -> None:
        rows, self._waiting = self._waiting, []
        if rows:
            self.append(rows)
            self._hold.start()

    def _rows_of(self, recorded: list[Recorded]) -> list[ExecutionRow]:
        rows = []
        orders, kinds = self._engine.ledger.orders, _KIND
        for item in recorded:
            event = item.event
            if isinstance(event, ExecutionApplied):
                order = orders[event.order_id]
                kind = kinds.get(event.exec_type, "Fill")
                rows.append(
                    ExecutionRow(
                        item.ts, kind, event.reported_cl_ord_id, event.exec_id, order, event.last_qty, event.last_px
                    )
                )
        return rows


def todays_executions(engine: Engine, parent: QObject) -> BackgroundRead:
    """A read (connect to its ``done``, then ``start`` it) of the executions recorded so far today (UTC day), on a
    worker thread: ``done`` carries them as ``Recorded`` events, oldest first. Those recorded from now on come
    live through the bridge."""
    end = engine.store.last_seq
    since = engine.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return BackgroundRead(lambda: history.executions_since(engine.store, since, end), parent)
