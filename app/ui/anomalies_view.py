"""The Anomalies tab: the anomalies nobody has acknowledged yet (late fills, overfills, quantity breaks, reports
the order's state does not allow, executions for orders we do not know), newest first, with the count for the
status bar and each order's latest open anomaly for the blotter's marker.

Everything shown is the engine's ``AnomalyBook`` (a desk view): read at once when the view opens, whatever
the day or the log's length, and read again when the bridge says the view changed (``refresh``). A trader
acknowledges one anomaly or a selection (with an optional note); the engine checks who may and records it,
and the row leaves the list. Double-click (or Enter) on a row opens its order's timeline.
"""

from __future__ import annotations

from itertools import islice

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.engine.anomaly_book import AnomalyBook, OpenAnomaly
from app.engine.engine import Engine
from app.engine.ids import OrderId, UserId
from app.ui.anomaly_text import KIND_TEXT
from app.ui.order_text import time_text
from app.ui.order_timeline_view import QtOrderTimeline
from app.ui.table_model import Cell, RowsModel

SHOWN = 1000
"""Open anomalies kept on screen, newest first."""
ACKNOWLEDGE_TIP = "Take the selected anomalies off the list; who and when are recorded."
ALARM_STYLE = "color: white; background: #dc2626; font-weight: bold; padding: 0 6px; border: none;"


def anomaly_words(anomaly: OpenAnomaly) -> str:
    """The kind and the detail in one line."""
    return f"{KIND_TEXT[anomaly.kind]}: {anomaly.detail}"


ANOMALY_COLUMNS: tuple[Cell, ...] = (
    ("No.", lambda r: str(r.number), True),
    ("Time", lambda r: f"{r.at:%Y-%m-%d} {time_text(r.at)}", False),
    ("Order", lambda r: r.order_id or "none of ours", False),
    ("Anomaly", lambda r: KIND_TEXT[r.kind], False),
    ("Detail", lambda r: r.detail, False),
)


class AnomaliesModel(RowsModel[OpenAnomaly]):
    """The newest ``SHOWN`` open anomalies, newest first, and each order's latest one."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(ANOMALY_COLUMNS, parent)
        self._latest: dict[OrderId, OpenAnomaly] = {}

    def show_book(self, book: AnomalyBook) -> None:
        """Show the book's open anomalies as they are now."""
        newest = list(islice(reversed(book.open.values()), SHOWN))
        self._latest = {}
        for anomaly in reversed(newest):
            if anomaly.order_id is not None:
                self._latest[anomaly.order_id] = anomaly
        self.replace_all(newest)

    def latest(self, order_id: OrderId) -> str | None:
        """The words of ``order_id``'s newest open anomaly shown here, if any."""
        anomaly = self._latest.get(order_id)
        return None if anomaly is None else anomaly_words(anomaly)


class QtAnomalies(QWidget):
    """The open anomalies over ``engine``, a line saying how many, and the means to acknowledge them as ``user``."""

    countChanged = Signal(int)  # noqa: N815 - Qt signal naming
    """How many anomalies are open (not yet acknowledged), whenever that changes."""
    said = Signal(str)
    """What became of an acknowledgement, for the status bar."""

    def __init__(self, engine: Engine, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine, self.user = engine, user
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
        self.said_line = QLabel(wordWrap=True)
        self.note = QLineEdit(placeholderText="Note (optional): what you checked")
        self.note.setObjectName("anomaly_note")
        self.acknowledge_button = QPushButton("Acknowledge selected")
        self.acknowledge_button.setObjectName("acknowledge_anomalies")
        self.acknowledge_button.setToolTip(ACKNOWLEDGE_TIP)
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.note, 1)
        actions.addWidget(self.acknowledge_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.said_line)
        column.addLayout(actions)
        column.addWidget(self.table)
        self.count = -1
        self.refresh()

    def set_user(self, user: UserId, refusal: str | None = None) -> None:
        """Acknowledge as ``user`` from now on; ``refusal`` (words) disables it for a role that may not."""
        self.user = user
        self.acknowledge_button.setEnabled(refusal is None)
        self.acknowledge_button.setToolTip(
            refusal or "Take the selected anomalies off the list; who and when are recorded."
        )

    def refresh(self) -> None:
        """Show the engine's open anomalies as they are now (connect the bridge's ``deskChanged`` here, through
        ``on_views``), and say the count if it changed."""
        book = self._engine.book.anomalies
        self.model.show_book(book)
        count = len(book.open)
        self.said_line.setText(
            f"{count} anomal{'y' if count == 1 else 'ies'} to acknowledge (of {book.recorded} recorded); "
            "double-click one for its order's timeline."
            if count
            else f"No anomalies to acknowledge ({book.recorded} recorded, all acknowledged)."
        )
        if count != self.count:
            self.count = count
            self.countChanged.emit(count)

    def on_views(self, views: list[str]) -> None:
        """Desk views changed: refresh if the anomalies are among them."""
        if self._engine.book.anomalies.name in views:
            self.refresh()

    def acknowledge_selected(self) -> bool:
        """Acknowledge the selected anomalies with the note typed; whether the engine accepted."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        numbers = [self.model.row(r).number for r in rows]
        result = self._engine.acknowledge_anomalies(numbers, self.user, self.note.text())
        if result.accepted:
            self.note.clear()
        self.said.emit(result.message)
        return result.accepted

    def open_timeline(self, row: int) -> QtOrderTimeline | None:
        """Open the timeline of the order the anomaly in ``row`` is about (returned, for tests); None if it has
        no order of ours."""
        if not 0 <= row < self.model.rowCount():
            return None
        order_id = self.model.row(row).order_id
        if order_id is None:
            self.said_line.setText("That execution names no order of ours, so there is no timeline: see its detail.")
            return None
        window = QtOrderTimeline(self._engine, order_id, self)
        window.show()
        return window


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
