"""A table view that repaints only the changed rows it shows.

Qt's ``QTableView`` repaints its whole viewport when a model says a range of more than one cell changed and that
range is not on screen, the usual case in a burst of fills: the blotter's changed rows are mostly scrolled out of
sight, yet each of them cost a full repaint of every visible cell (a Python ``data`` call per cell and role, about
10 ms on a busy desk). This view clips each change to the rows on screen first: a change to rows out of sight
repaints nothing (they are drawn afresh, with what the model says then, when they are scrolled to), a change that
reaches the screen repaints those rows only.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QTableView

AnyIndex = QModelIndex | QPersistentModelIndex


class ShownRowsTable(QTableView):
    """A ``QTableView`` (of a flat table model) whose ``dataChanged`` repaints only the changed rows on screen."""

    def shown_rows(self) -> tuple[int, int] | None:
        """The first and last rows on screen (in part or whole), or None when none is."""
        model = self.model()
        if not model.rowCount() or not self.isVisible():
            return None
        first = self.rowAt(0)
        if first < 0:
            return None
        last = self.rowAt(self.viewport().height() - 1)
        return first, (model.rowCount() - 1 if last < 0 else last)

    def dataChanged(  # noqa: N802 - Qt override
        self,
        top_left: AnyIndex,
        bottom_right: AnyIndex,
        roles: Sequence[int] = (),
    ) -> None:
        """Repaint the changed cells on screen, and nothing for those out of sight."""
        shown = self.shown_rows()
        if shown is None or not top_left.isValid() or not bottom_right.isValid():
            return
        top, bottom = max(top_left.row(), shown[0]), min(bottom_right.row(), shown[1])
        if top > bottom:
            return
        model = self.model()
        clipped = model.index(top, top_left.column()), model.index(bottom, bottom_right.column())
        super().dataChanged(*clipped, list(roles))
