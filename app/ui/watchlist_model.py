"""The watchlist's model: one row per symbol with bid, ask, last, change and the quote's time; ticks flash.

A row flashes green when its price went up and red when it went down, for ``FLASH_MS``; one timer fades
the flashes, so a burst of ticks costs one repaint per coalesced batch. Change is the mark now against the
first mark this window saw for the symbol (the desk's session open).
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor

from app.engine.prices import Quote, ReferencePrices
from app.ui.order_text import px_text, time_text
from app.ui.table_model import Cell, RowsModel

FLASH_MS = 600
"""How long a row stays lit after its price moved."""
CHANGE_COLUMN = 4
_UP, _DOWN = QColor(22, 163, 74, 110), QColor(220, 38, 38, 110)
_GAIN, _LOSS = QColor("#16a34a"), QColor("#dc2626")
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


WATCHLIST_SAMPLES = ("WWWW", "1000.00", "1000.00", "1000.00", "+10.00 (+1.00%)", "00:00:00.000")
"""The longest usual text of each column, for its default width (``fit_columns``)."""


class WatchlistModel(RowsModel[str]):
    """Symbols the trader watches, drawn from their latest quotes."""

    def __init__(self, prices: ReferencePrices, parent: QObject | None = None) -> None:
        self._prices = prices
        self._quotes: dict[str, Quote] = {}
        self._opens: dict[str, Decimal] = {}
        self._flashes: dict[str, tuple[QColor, float]] = {}
        self._rows_by_symbol: dict[str, int] = {}
        columns: tuple[Cell, ...] = (
            ("Symbol", lambda s: s, False),
            ("Bid", lambda s: px_text(self._field(s, "bid")), True),
            ("Ask", lambda s: px_text(self._field(s, "ask")), True),
            ("Last", lambda s: px_text(self._field(s, "last")), True),
            ("Change", self._change_text, True),
            ("Time", lambda s: time_text(self._quotes[s].ts) if s in self._quotes else "", True),
        )
        super().__init__(columns, parent)
        self._fader = QTimer(self, interval=FLASH_MS // 3)
        self._fader.timeout.connect(self._fade)

    def symbols(self) -> list[str]:
        """The watched symbols, in the order added."""
        return list(self._rows_by_symbol)

    def add(self, symbol: str) -> bool:
        """Watch ``symbol`` (upper case, trimmed); False if it is blank or already there."""
        symbol = symbol.strip().upper()
        if not symbol or symbol in self._rows_by_symbol:
            return False
        self._rows_by_symbol[symbol] = len(self._rows_by_symbol)
        quote = self._prices.quote(symbol)
        if quote is not None:
            self._take(quote)
        self.append([symbol])
        return True

    def update(self, quotes: list[Quote]) -> None:
        """Show new quotes; rows whose price moved flash up or down."""
        rows = []
        for quote in quotes:
            row = self._rows_by_symbol.get(quote.symbol)
            if row is not None:
                self._take(quote)
                rows.append(row)
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), self.columnCount() - 1))
            if self._flashes and not self._fader.isActive():
                self._fader.start()

    def flashing(self, symbol: str) -> str:
        """``"up"``, ``"down"`` or ``""``: how ``symbol``'s row is lit now."""
        lit = self._flashes.get(symbol)
        if lit is None or lit[1] < time.monotonic():
            return ""
        return "up" if lit[0] is _UP else "down"

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cells, lit while a row flashes; the change in green or red."""
        if role == Qt.ItemDataRole.BackgroundRole:
            lit = self._flashes.get(self.row(index.row()))
            return lit[0] if lit is not None and lit[1] >= time.monotonic() else None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == CHANGE_COLUMN:
            change = self._change(self.row(index.row()))
            return None if not change else (_GAIN if change > 0 else _LOSS)
        return super().data(index, role)

    def _take(self, quote: Quote) -> None:
        symbol, mark = quote.symbol, quote.mark
        before = self._quotes.get(symbol)
        self._quotes[symbol] = quote
        if mark is None:
            return
        self._opens.setdefault(symbol, mark)
        was = before.mark if before is not None else None
        if was is not None and mark != was:
            self._flashes[symbol] = (_UP if mark > was else _DOWN, time.monotonic() + FLASH_MS / 1000)

    def _fade(self) -> None:
        now = time.monotonic()
        done = [symbol for symbol, (_, until) in self._flashes.items() if until < now]
        for symbol in done:
            del self._flashes[symbol]
            row = self._rows_by_symbol[symbol]
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        if not self._flashes:
            self._fader.stop()

    def _field(self, symbol: str, name: str) -> Decimal | None:
        quote = self._quotes.get(symbol)
        return None if quote is None else getattr(quote, name)

    def _change(self, symbol: str) -> Decimal | None:
        quote, start = self._quotes.get(symbol), self._opens.get(symbol)
        mark = quote.mark if quote is not None else None
        return None if mark is None or start is None else mark - start

    def _change_text(self, symbol: str) -> str:
        change, start = self._change(symbol), self._opens.get(symbol)
        if change is None or not start:
            return ""
        pct = (change / start * _HUNDRED).quantize(_CENT)
        return f"{change.quantize(_CENT):+} ({pct:+}%)"
