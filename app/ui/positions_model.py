"""The positions view's model: each account's position per symbol with average cost and P&L.

It reads the engine's positions each time (never a ``Positions`` it was once given), so after the engine
reloads its projections the next ``reload`` shows the new ones.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QObject

from app.engine.engine import Engine
from app.engine.positions import Position
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

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        columns: tuple[Cell, ...] = (
            ("Account", lambda p: str(p.account), False),
            ("Symbol", lambda p: p.symbol, False),
            ("Net qty", lambda p: qty_text(p.net_qty), True),
            ("Avg cost", lambda p: px_text(p.avg_cost) if p.net_qty else "", True),
            ("Mark", lambda p: px_text(engine.positions.marks.get(p.symbol)), True),
            ("Realised P&L", lambda p: money_text(p.realized_pnl), True),
            ("Unrealised P&L", lambda p: money_text(engine.positions.unrealized_pnl(p)), True),
        )
        super().__init__(columns, parent)
        self._engine = engine
        self.reload()

    def refresh_prices(self) -> None:
        """Marks moved: repaint the mark and unrealised P&L of every row (the rows stay as they are)."""
        if self.rowCount():
            self.dataChanged.emit(self.index(0, MARK_COLUMN), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def reload(self) -> None:
        """Show every position as the engine has it now (they are few: one per account and symbol): the rows are
        repainted in place while the same positions are listed, and laid out afresh when one comes or goes."""
        rows = sorted(self._engine.positions.by_key.values(), key=_place)
        if rows and [_place(p) for p in rows] == [_place(self.row(n)) for n in range(self.rowCount())]:
            self.repaint_all(rows)
        else:
            self.replace_all(rows)


def _place(position: Position) -> tuple[str, str]:
    return (position.account, position.symbol)
