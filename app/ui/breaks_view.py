"""The drop-copy breaks view: each execution a venue's drop copy and the desk's order session disagree about,
open ones first, then the ones cleared today, with the open count for the status bar.

Open breaks come from the engine's reconciliation (a desk view, so they are exact after any restart, whatever
day they opened); breaks cleared earlier today are read from the event log on a worker thread when the view
opens; the bridge's ``breaksChanged`` brings the rest as they are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.engine import history
from app.engine.engine import Engine
from app.engine.events import BreakKind, ExecutionBreak, ExecutionBreakCleared, Recorded
from app.engine.reconciliation import Account, Key, Pair, Reconciliation
from app.ui.background import BackgroundRead
from app.ui.order_text import time_text
from app.ui.table_model import Cell, RowsModel

CLEARED_SHOWN = 500
"""Cleared breaks kept on screen, newest first."""

_PROBLEM = {
    BreakKind.MISSING_ON_ORDER_SESSION: "Missing on the order session",
    BreakKind.MISSING_ON_DROP_COPY: "Missing on the drop copy",
    BreakKind.MISMATCH: "The sessions differ",
}


@dataclass(frozen=True, slots=True)
class BreakRow:
    """One break as the view shows it."""

    venue: str
    exec_id: str
    order_id: str
    """Ours, or empty when the drop copy names an order the desk never sent."""
    problem: str
    differs: str
    since: datetime
    """When the first of the two reports arrived (for a break read from the log: when it opened)."""
    cleared_at: datetime | None = None


def _state(row: BreakRow) -> str:
    return "Open" if row.cleared_at is None else f"Cleared {time_text(row.cleared_at)}"


BREAK_COLUMNS: tuple[Cell, ...] = (
    ("State", _state, False),
    ("Since", lambda r: time_text(r.since), False),
    ("Venue", lambda r: r.venue, False),
    ("ExecID", lambda r: r.exec_id, False),
    ("Order", lambda r: r.order_id or "not ours", False),
    ("Break", lambda r: r.problem, False),
    ("What differs", lambda r: r.differs, False),
)


def _said(account: Account | None) -> str:
    return "no report" if account is None else str(account)


def open_row(pair: Pair) -> BreakRow:
    """An open break, from the reconciliation's pair."""
    problem = _PROBLEM[pair.broken] if pair.broken is not None else ""
    differs = f"order session: {_said(pair.on_orders)} · drop copy: {_said(pair.on_copy)}"
    return BreakRow(pair.venue, pair.exec_id, pair.order_id or "", problem, differs, pair.since)


class BreaksModel(RowsModel[BreakRow]):
    """Open breaks (oldest first), then cleared ones (newest first)."""

    def __init__(self, reconciliation: Reconciliation, parent: QObject | None = None) -> None:
        super().__init__(BREAK_COLUMNS, parent)
        self._reconciliation = reconciliation
        self._open: dict[Key, BreakRow] = {}
        self._cleared: list[BreakRow] = []
        self.refresh()

    @property
    def open_count(self) -> int:
        """How many breaks are open."""
        return len(self._open)

    def refresh(self) -> None:
        """Show the reconciliation's open breaks and the cleared ones known so far."""
        self._open = {(p.venue, p.exec_id): open_row(p) for p in self._reconciliation.breaks}
        self.replace_all([*self._open.values(), *self._cleared])

    def take(self, recorded: list[Recorded]) -> None:
        """Breaks opened or cleared since the last call (the bridge's ``breaksChanged``)."""
        self._clear([r for r in recorded if isinstance(r.event, ExecutionBreakCleared)], self._open)
        self.refresh()

    def load_cleared(self, recorded: list[Recorded]) -> None:
        """Today's breaks read from the log: the cleared ones go in with when each had opened."""
        opened: dict[Key, BreakRow] = {}
        cleared: list[Recorded] = []
        for item in recorded:
            event = item.event
            if isinstance(event, ExecutionBreak):
                row = BreakRow(event.venue, event.exec_id, event.order_id or "", _PROBLEM[event.kind], "", item.ts)
                opened[(event.venue, event.exec_id)] = row
            elif isinstance(event, ExecutionBreakCleared):
                cleared.append(item)
        self._clear(cleared, opened)
        self.refresh()

    def _clear(self, cleared: list[Recorded], opened: dict[Key, BreakRow]) -> None:
        rows = []
        for item in cleared:
            event = item.event
            assert isinstance(event, ExecutionBreakCleared)
            was = opened.get((event.venue, event.exec_id))
            problem = was.problem if was is not None else ""
            since = was.since if was is not None else item.ts
            order_id = event.order_id or (was.order_id if was is not None else "")
            rows.append(BreakRow(event.venue, event.exec_id, order_id, problem, event.detail, since, item.ts))
        merged = sorted([*self._cleared, *rows], key=lambda r: r.cleared_at or r.since, reverse=True)
        self._cleared = merged[:CLEARED_SHOWN]


class QtBreaks(QWidget):
    """The breaks table over ``engine``'s reconciliation, with a line saying how many are open."""

    countChanged = Signal(int)  # noqa: N815 - Qt signal naming
    """How many breaks are open, whenever that changes."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BreaksModel(engine.reconciliation, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # a few rows: cheap, nothing cut off
        header.setStretchLastSection(True)
        self.said = QLabel(wordWrap=True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.said)
        column.addWidget(self.table)
        self._count = -1
        self._announce()
        end = engine.store.last_seq  # breaks up to here are read; later ones arrive live
        since = engine.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.loading = BackgroundRead(lambda: history.breaks_since(engine.store, since, end), self)
        self.loading.done.connect(self._loaded)
        self.loading.failed.connect(self.said.setText)
        self.loading.start()

    def take(self, recorded: list[Recorded]) -> None:
        """Breaks opened or cleared (connect the bridge's ``breaksChanged`` here)."""
        self.model.take(recorded)
        self._announce()

    def _loaded(self, recorded: list[Recorded]) -> None:
        self.model.load_cleared(recorded)
        self._announce()

    def _announce(self) -> None:
        count = self.model.open_count
        cleared = self.model.rowCount() - count
        self.said.setText(f"{count} open · {cleared} cleared today" if count or cleared else "No breaks.")
        if count != self._count:
            self._count = count
            self.countChanged.emit(count)
