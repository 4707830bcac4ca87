"""The watchlist dock: type a symbol and press Enter to watch it; click a row to chart it. Every column opens wide
enough for its usual text (``wanted_width`` says how wide that makes the list)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTableView, QVBoxLayout, QWidget

from app.ui.column_widths import fit_columns
from app.ui.watchlist_model import WATCHLIST_SAMPLES, WatchlistModel


class QtWatchlist(QWidget):
    """A symbol entry over the watchlist table."""

    added = Signal(str)
    """A symbol the trader added (upper case); the price feed subscribes to it."""
    chosen = Signal(str)
    """A symbol the trader clicked."""

    def __init__(self, model: WatchlistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.entry = QLineEdit(placeholderText="Add a symbol and press Enter")
        self.entry.setObjectName("watchlist_entry")
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.wanted_width = fit_columns(self.table, WATCHLIST_SAMPLES) + 4
        """How wide the watchlist must be to show every column whole (the main window's first layout gives it that)."""
        layout.addWidget(self.entry)
        layout.addWidget(self.table)
        self.entry.returnPressed.connect(self._on_enter)
        self.table.clicked.connect(self._on_clicked)

    def add(self, symbol: str) -> None:
        """Watch ``symbol`` and say so (nothing if it is blank or already watched)."""
        if self.model.add(symbol):
            self.added.emit(symbol.strip().upper())

    def _on_enter(self) -> None:
        self.add(self.entry.text())
        self.entry.clear()

    def _on_clicked(self, index: QModelIndex) -> None:
        self.chosen.emit(self.model.row(index.row()))
