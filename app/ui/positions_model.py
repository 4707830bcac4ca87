"""The positions view's model: each account's position per symbol with average cost and P&L."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QObject

from app.engine.positions import Position, Positions
from app.ui.order_text import px_text, qty_text
from app.ui.table_model import Cell, RowsModel

_CENT = Decimal("0.01")
MARK_COLUMN = 4
"""The first of the columns that move with prices (mark, realised, unrealised P&L)."""


def money_text(value: Decimal | None) -> str:
    """A P&L figure to the cent with separators; a dash when there is no price to value it at."""
    return "—" if value is None else f"{value.quantize(_CENT):,}"


class PositionsModel(RowsModel[Position]):
    """Positions, re-read from the engine's projection when the bridge says one moved."""

    def __init__(self, positions: Positions, parent: QObject | None = None) -> None:
        columns: tuple[Cell, ...] = (
            ("Account", lambda p: str(p.account), False),
            ("Symbol", lambda p: p.symbol, False),
            ("Net qty", lambda p: qty_text(p.net_qty), True),
            ("Avg cost", lambda p: px_text(p.avg_cost) if p.net_qty else "", True),
            ("Mark", lambda p: px_text(positions.marks.get(p.symbol)), True),
            ("Realised P&L", lambda p: money_text(p.realized_pnl), True),
            ("Unrealised P&L", lambda p: money_text(positions.unrealized_pnl(p)), True),
        )
        super().__init__(columns, parent)
        self._positions = positions
        self.reload()

    def refresh_prices(self) -> None:
        """Marks moved: repaint the mark and unrealised P&L of every row (the rows stay as they are)."""
        if self.rowCount():
            self.dataChanged.emit(self.index(0, MARK_COLUMN), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def reload(self) -> None:
        """Show every position as the engine has it now (they are few: one per account and symbol)."""
        self.replace_all(sorted(self._positions.by_key.values(), key=lambda p: (p.account, p.symbol)))
