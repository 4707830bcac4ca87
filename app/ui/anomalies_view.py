"""The Anomalies tab: the anomalies nobody has acknowledged yet (late fills, overfills, quantity breaks, reports
the order's state does not allow, executions for orders we do not know), newest first, with the count for the
status bar and each order's open anomalies for the blotter's marker.

Everything shown is the engine's ``AnomalyBook`` (a desk view): read at once when the view opens, whatever
the day or the log's length, and read again when the bridge says the view changed (``refresh``). A runaway
venue can record 100,000 anomalies: the table holds the newest ``SHOWN`` only, a line says how many more are
open and since when, and the counts (status bar, per kind) are the book's, exact. A trader acknowledges one
anomaly or a selection (with an optional note), one audited event each; a supervisor can acknowledge every
open anomaly of one kind up to the newest on screen, as one event naming the rule (see
``AnomaliesAcknowledged``). The engine checks who may and records it, and the rows leave the list; the
selection survives the refreshes a flood brings. Double-click (or Enter) on a row opens its order's timeline.
"""

from __future__ import annotations

from itertools import islice

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from app.engine.commands import CommandResult
from app.engine.engine import Engine
from app.engine.events import AnomalyKind
from app.engine.ids import OrderId, UserId
from app.engine.roles import Role
from app.ui.anomaly_text import KIND_TEXT
from app.ui.order_text import time_text
from app.ui.order_timeline_view import QtOrderTimeline
from app.ui.table_model import Cell, RowsModel

SHOWN = 1000
"""Open anomalies kept on screen, newest first."""
SIZED_BY = 50
"""Rows the columns are sized to: measuring all the shown ones on every change of a flood costs a tenth of a second."""
ACKNOWLEDGE_TIP = "Take the selected anomalies off the list; who and when are recorded."
SWEEP_TIP = "Take every open anomaly of the chosen kind, up to the newest on screen, off the list in one audited step."
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
    """The newest ``shown`` open anomalies, newest first."""

    def __init__(self, shown: int = SHOWN, parent: QObject | None = None) -> None:
        super().__init__(ANOMALY_COLUMNS, parent)
        self.shown = shown

    def show_book(self, book: AnomalyBook) -> None:
        """Show the book's newest open anomalies as they are now."""
        self.replace_all(list(islice(reversed(book.open.values()), self.shown)))


def plural(count: int) -> str:
    """``count`` anomalies, in words, with thousands separated."""
    return f"{count:,} anomal{'y' if count == 1 else 'ies'}"


def more_text(book: AnomalyBook, shown: int) -> str:
    """The line under a table that holds only the newest ``shown``: how many more are open, and since when; empty
    when all are on screen."""
    hidden = len(book.open) - shown
    if hidden <= 0:
        return ""
    oldest = next(iter(book.open.values())).at
    return (
        f"{hidden:,} more not shown, the oldest from {oldest:%H:%M} ({oldest:%Y-%m-%d}): acknowledge these, or a "
        "whole kind, to bring them up."
    )


class QtAnomalies(QWidget):
    """The open anomalies over ``engine``, a line saying how many, and the means to acknowledge them as ``user``."""

    countChanged = Signal(int)  # noqa: N815 - Qt signal naming
    """How many anomalies are open (not yet acknowledged), whenever that changes."""
    refreshed = Signal()
    """The open anomalies were read again (some recorded or acknowledged): the blotter redraws its markers."""
    said = Signal(str)
    """What became of an acknowledgement, for the status bar."""

    def __init__(self, engine: Engine, user: UserId, parent: QWidget | None = None, *, shown: int = SHOWN) -> None:
        super().__init__(parent)
        self._engine, self.user = engine, user
        self.model = AnomaliesModel(shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(SIZED_BY)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_timeline(index.row()))
        enter = QAction("Timeline…", self.table, shortcut=QKeySequence(Qt.Key.Key_Return))
        enter.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        enter.triggered.connect(lambda: self.open_timeline(self.table.currentIndex().row()))
        self.table.addAction(enter)
        self.said_line = QLabel(wordWrap=True)
        self.more_line = QLabel(wordWrap=True)
        self.more_line.setObjectName("anomalies_not_shown")
        self.note = QLineEdit(placeholderText="Note (optional): what you checked")
        self.note.setObjectName("anomaly_note")
        self.acknowledge_button = QPushButton("Acknowledge selected")
        self.acknowledge_button.setObjectName("acknowledge_anomalies")
        self.acknowledge_button.setToolTip(ACKNOWLEDGE_TIP)
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        self.kind_choice = QComboBox()
        self.kind_choice.setObjectName("anomaly_kind")
        self.kind_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sweep_button = QPushButton("Acknowledge all of this kind")
        self.sweep_button.setObjectName("acknowledge_anomaly_kind")
        self.sweep_button.clicked.connect(self.acknowledge_kind)
        actions = QHBoxLayout()
        actions.addWidget(self.note, 1)
        actions.addWidget(self.acknowledge_button)
        actions.addWidget(self.kind_choice)
        actions.addWidget(self.sweep_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.said_line)
        column.addLayout(actions)
        column.addWidget(self.table)
        column.addWidget(self.more_line)
        self.count = -1
        self.seen_through = 0
        """The newest anomaly number this view has shown: a sweep by kind goes no further."""
        self.set_user(user)
        self.refresh()

    def set_user(self, user: UserId, refusal: str | None = None) -> None:
        """Acknowledge as ``user`` from now on; ``refusal`` (words) disables it for a role that may not; a whole
        kind at once only a supervisor may."""
        self.user = user
        self.acknowledge_button.setEnabled(refusal is None)
        self.acknowledge_button.setToolTip(refusal or ACKNOWLEDGE_TIP)
        sweeps = refusal is None and self._engine.directory.role_of(user) is Role.SUPERVISOR
        self.sweep_button.setEnabled(sweeps)
        self.sweep_button.setToolTip(SWEEP_TIP if sweeps else refusal or f"{user} may not: a supervisor may.")

    def refresh(self) -> None:
        """Show the engine's open anomalies as they are now (connect the bridge's ``deskChanged`` here, through
        ``on_views``), keeping the selection, and say the count if it changed."""
        book = self._engine.book.anomalies
        chosen = {self.model.row(i.row()).number for i in self.table.selectionModel().selectedRows()}
        self.model.show_book(book)
        self._select(chosen)
        self.seen_through = book.recorded
        count = len(book.open)
        self.said_line.setText(
            f"{plural(count)} to acknowledge (of {book.recorded:,} recorded); "
            "double-click one for its order's timeline."
            if count
            else f"No anomalies to acknowledge ({book.recorded:,} recorded, all acknowledged)."
        )
        more = more_text(book, self.model.rowCount())
        self.more_line.setText(more)
        self.more_line.setVisible(bool(more))
        self._show_kinds(book)
        if count != self.count:
            self.count = count
            self.countChanged.emit(count)
        self.refreshed.emit()

    def _select(self, numbers: set[int]) -> None:
        if not numbers:
            return
        selection = QItemSelection()
        for row in range(self.model.rowCount()):
            if self.model.row(row).number in numbers:
                selection.select(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _show_kinds(self, book: AnomalyBook) -> None:
        kinds = sorted(book.kinds, key=lambda kind: KIND_TEXT[kind])
        choice = self.kind_choice
        if [choice.itemData(i) for i in range(choice.count())] != [kind.value for kind in kinds]:
            current = choice.currentData()
            choice.clear()
            for kind in kinds:
                choice.addItem("", kind.value)  # Qt hands an enum back as its plain value anyway
            choice.setCurrentIndex(max(0, choice.findData(current)))
        for i, kind in enumerate(kinds):
            choice.setItemText(i, f"{KIND_TEXT[kind]} ({book.kinds[kind]:,})")
        choice.setVisible(bool(kinds))
        self.sweep_button.setVisible(bool(kinds))

    def on_views(self, views: list[str]) -> None:
        """Desk views changed: refresh if the anomalies are among them."""
        if self._engine.book.anomalies.name in views:
            self.refresh()

    def open_about(self, order_id: OrderId) -> tuple[int, str | None]:
        """How many anomalies about ``order_id`` are open, and the newest one's words (for the blotter's marker)."""
        count, latest = self._engine.book.anomalies.about(order_id)
        return count, None if latest is None else anomaly_words(latest)

    def acknowledge_selected(self) -> bool:
        """Acknowledge the selected anomalies with the note typed; whether the engine accepted."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        numbers = [self.model.row(r).number for r in rows]
        return self._said(self._engine.acknowledge_anomalies(numbers, self.user, self.note.text()))

    def acknowledge_kind(self) -> bool:
        """Acknowledge every open anomaly of the chosen kind up to the newest shown, with the note typed, as one
        audited step (a supervisor's); whether the engine accepted."""
        chosen = self.kind_choice.currentData()
        if chosen is None:
            self.said.emit("No anomaly is open, so there is no kind to acknowledge.")
            return False
        kind = AnomalyKind(chosen)
        return self._said(self._engine.acknowledge_anomaly_kind(kind, self.seen_through, self.user, self.note.text()))

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

    def _said(self, result: CommandResult) -> bool:
        if result.accepted:
            self.note.clear()
        self.said.emit(result.message)
        return result.accepted


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
