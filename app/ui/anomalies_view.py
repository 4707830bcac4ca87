"""The Anomalies tab: every anomaly the engine recorded (late fills, overfills, quantity breaks, reports the
order's state does not allow, executions for orders we do not know), newest first, with the count for the
status bar and each order's latest anomaly for the blotter's marker.

The newest ``SHOWN`` are read from the event log on a worker thread when the view opens (any day: an anomaly
stays something to look at until someone has); the bridge's ``anomaliesRecorded`` brings the rest as they
are recorded. The count is the engine's own (every order's anomalies plus those about no order), so it is
exact after any restart whatever was read. Double-click (or Enter) on a row opens its order's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from app.engine import history
from app.engine.engine import Engine
from app.engine.events import AnomalyKind, AnomalyRecorded, Recorded
from app.engine.ids import OrderId
from app.ui.anomaly_text import KIND_TEXT
from app.ui.background import BackgroundRead
from app.ui.order_text import time_text
from app.ui.order_timeline_view import QtOrderTimeline
from app.ui.table_model import Cell, RowsModel

SHOWN = 1000
"""Anomalies kept on screen, newest first."""
ALARM_STYLE = "color: white; background: #dc2626; font-weight: bold; padding: 0 6px; border: none;"


@dataclass(frozen=True, slots=True)
class AnomalyRow:
    """One anomaly as the view shows it."""

    seq: int
    at: datetime
    order_id: OrderId | None
    kind: AnomalyKind
    detail: str

    @property
    def words(self) -> str:
        """The kind and the detail in one line."""
        return f"{KIND_TEXT[self.kind]}: {self.detail}"


ANOMALY_COLUMNS: tuple[Cell, ...] = (
    ("Time", lambda r: f"{r.at:%Y-%m-%d} {time_text(r.at)}", False),
    ("Order", lambda r: r.order_id or "none of ours", False),
    ("Anomaly", lambda r: KIND_TEXT[r.kind], False),
    ("Detail", lambda r: r.detail, False),
)


def anomaly_row(recorded: Recorded) -> AnomalyRow:
    """The row for a recorded ``AnomalyRecorded``."""
    event = recorded.event
    assert isinstance(event, AnomalyRecorded)
    return AnomalyRow(recorded.seq, recorded.ts, event.order_id, event.kind, event.detail)


class AnomaliesModel(RowsModel[AnomalyRow]):
    """The newest ``SHOWN`` anomalies, newest first, and each order's latest one."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(ANOMALY_COLUMNS, parent)
        self._by_seq: dict[int, AnomalyRow] = {}
        self._latest: dict[OrderId, AnomalyRow] = {}

    def take(self, recorded: list[Recorded]) -> None:
        """Anomalies recorded (live from the bridge, or read from the log: each shows once either way)."""
        rows = [anomaly_row(r) for r in recorded if isinstance(r.event, AnomalyRecorded) and r.seq not in self._by_seq]
        if not rows:
            return
        for row in rows:
            self._by_seq[row.seq] = row
            if row.order_id is not None:
                was = self._latest.get(row.order_id)
                if was is None or was.seq < row.seq:
                    self._latest[row.order_id] = row
        newest = sorted(self._by_seq.values(), key=lambda r: r.seq, reverse=True)[:SHOWN]
        self._by_seq = {r.seq: r for r in newest}
        self.replace_all(newest)

    def latest(self, order_id: OrderId) -> str | None:
        """The words of ``order_id``'s newest anomaly seen here, if any."""
        row = self._latest.get(order_id)
        return None if row is None else row.words


class QtAnomalies(QWidget):
    """The anomalies table over ``engine``, with a line saying how many there are."""

    countChanged = Signal(int)  # noqa: N815 - Qt signal naming
    """How many anomalies the engine has recorded, whenever that changes."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self.model = AnomaliesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_timeline(index.row()))
        enter = QAction("Timeline…", self.table, shortcut=QKeySequence(Qt.Key.Key_Return))
        enter.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        enter.triggered.connect(lambda: self.open_timeline(self.table.currentIndex().row()))
        self.table.addAction(enter)
        self.said = QLabel(wordWrap=True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.said)
        column.addWidget(self.table)
        ledger = engine.ledger
        self.count = ledger.orphan_anomalies + sum(order.anomalies for order in ledger.orders.values())
        self._announce()
        end = engine.store.last_seq  # anomalies up to here are read; later ones arrive live
        self.loading = BackgroundRead(lambda: history.anomalies_up_to(engine.store, end, SHOWN), self)
        self.loading.done.connect(self.model.take)
        self.loading.failed.connect(self.said.setText)
        self.loading.start()

    def take(self, recorded: list[Recorded]) -> None:
        """Anomalies just recorded (connect the bridge's ``anomaliesRecorded`` here)."""
        self.model.take(recorded)
        self.count += len(recorded)
        self._announce()
        self.countChanged.emit(self.count)

    def open_timeline(self, row: int) -> QtOrderTimeline | None:
        """Open the timeline of the order the anomaly in ``row`` is about (returned, for tests); None if it has
        no order of ours."""
        if not 0 <= row < self.model.rowCount():
            return None
        order_id = self.model.row(row).order_id
        if order_id is None:
            self.said.setText("That execution names no order of ours, so there is no timeline: see its detail.")
            return None
        window = QtOrderTimeline(self._engine, order_id, self)
        window.show()
        return window

    def _announce(self) -> None:
        count = self.count
        self.said.setText(
            f"{count} anomal{'y' if count == 1 else 'ies'} recorded; double-click one for its order's timeline."
            if count
            else "No anomalies."
        )


class QtAnomalyCount(QPushButton):
    """The status bar's red "N anomalies", shown while there are any; a click asks for the Anomalies tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("anomaly_count")
        self.setFlat(True)
        self.setStyleSheet(ALARM_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Late fills, overfills, quantity breaks or reports that do not fit: click to see them.")
        self.show_count(0)

    def show_count(self, count: int) -> None:
        """Say ``count``; hidden at none."""
        self.setText(f"{count} anomal{'y' if count == 1 else 'ies'}")
        self.setVisible(count > 0)
