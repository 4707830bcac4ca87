"""One order's timeline in a window: each event, risk decision and raw FIX message in and out, in time order,
with who and when; any rows (or all) copy as text.

The read (``order_timeline``) runs on a worker thread; the window says so until the rows arrive.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.engine.engine import Engine
from app.engine.ids import OrderId
from app.engine.order_timeline import Source, TimelineEntry, order_timeline
from app.ui.background import BackgroundRead
from app.ui.order_text import time_text
from app.ui.table_model import Cell, RowsModel

_SOURCE_WORDS = {Source.RECEIVED: "FIX in", Source.EVENT: "event", Source.SENT: "FIX out"}

TIMELINE_COLUMNS: tuple[Cell, ...] = (
    ("Time", lambda e: time_text(e.ts), False),
    ("Kind", lambda e: _SOURCE_WORDS[e.source], False),
    ("Who", lambda e: e.who, False),
    ("What", lambda e: e.what, False),
    ("FIX", lambda e: e.fix, False),
)


def entry_text(entry: TimelineEntry) -> str:
    """One entry as a line of text (tab-separated, as a spreadsheet takes it)."""
    return "\t".join(text(entry) for _, text, _ in TIMELINE_COLUMNS).rstrip("\t")


class TimelineModel(RowsModel[TimelineEntry]):
    """The timeline's rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(TIMELINE_COLUMNS, parent)

    def entries(self) -> list[TimelineEntry]:
        """Every row, oldest first."""
        return list(self._rows)


class QtOrderTimeline(QDialog):
    """The audit timeline of ``order_id``, read from ``engine``'s store when the window opens."""

    def __init__(self, engine: Engine, order_id: OrderId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Timeline of {order_id}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.order_id = order_id
        self.model = TimelineModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((100, 60, 70, 420)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show(current.row()))
        self.detail = QPlainTextEdit(readOnly=True)
        self.status = QLabel("Reading the order's history…")
        self.copy_button = QPushButton("Copy all")
        self.copy_button.clicked.connect(self.copy_all)
        copy = QAction("Copy", self.table, shortcut=QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selected)
        self.table.addAction(copy)
        self._lay_out()
        self.resize(1100, 600)
        self._read = BackgroundRead(lambda: order_timeline(engine.store, order_id), self)
        self._read.done.connect(self._on_read)
        self._read.failed.connect(self.status.setText)
        self._read.start()

    def _lay_out(self) -> None:
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.copy_button)
        column = QVBoxLayout(self)
        column.addWidget(split)
        column.addLayout(bar)

    @property
    def loaded(self) -> bool:
        """Whether the rows have arrived."""
        return not self.status.text().startswith("Reading")

    def _on_read(self, entries: list[TimelineEntry]) -> None:
        self.model.replace_all(entries)
        self.status.setText(f"{len(entries)} entries: events, risk decisions and FIX messages, oldest first.")
        if entries:
            self.table.selectRow(0)

    def _show(self, row: int) -> None:
        entries = self.model.entries()
        if 0 <= row < len(entries):
            entry = entries[row]
            head = f"{time_text(entry.ts)}  {_SOURCE_WORDS[entry.source]}  {entry.who}\n{entry.what}"
            self.detail.setPlainText(head + (f"\n\n{entry.fix}" if entry.fix else ""))

    def text(self, rows: list[int] | None = None) -> str:
        """The given rows (all by default) as lines of text."""
        entries = self.model.entries()
        chosen = entries if rows is None else [entries[r] for r in rows]
        return "\n".join(entry_text(e) for e in chosen)

    def copy_all(self) -> None:
        """Put the whole timeline on the clipboard."""
        QGuiApplication.clipboard().setText(self.text())

    def copy_selected(self) -> None:
        """Put the selected rows on the clipboard."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        QGuiApplication.clipboard().setText(self.text(rows))
