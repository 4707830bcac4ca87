"""A read-only table model over a list of rows, for the small views (executions, positions), and a proxy that
shows one sorted by any column.

Each view names its columns as (title, text function, numeric); the blotter has its own model because it
keeps rows sorted and repaints by order id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

Row = TypeVar("Row")
Cell = tuple[str, Callable[[Any], str], bool]
"""A column: its title, the text it shows for a row, and whether it is a number (right-aligned)."""

_NO_PARENT = QModelIndex()
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowsModel(QAbstractTableModel, Generic[Row]):
    """Rows of one kind, drawn through ``columns``; ``keys`` (one per column) give the values a column sorts by
    (``SortedRows``), its text where there are none."""

    def __init__(
        self, columns: Sequence[Cell], parent: QObject | None = None, keys: Sequence[Callable[[Any], Any]] = ()
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._keys = tuple(keys) or tuple(text for _, text, _ in self._columns)
        self._rows: list[Row] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        """How many rows."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        """How many columns."""
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, right-aligned for numbers."""
        _, text, numeric = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text(self._rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and numeric:
            return _RIGHT
        return None

    def row(self, n: int) -> Row:
        """The row at ``n``."""
        return self._rows[n]

    def sort_key(self, n: int, column: int) -> Any:
        """What row ``n`` sorts by in ``column``."""
        return self._keys[column](self._rows[n])

    def append(self, rows: Sequence[Row]) -> None:
        """Add ``rows`` at the end."""
        if rows:
            start = len(self._rows)
            self.beginInsertRows(_NO_PARENT, start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def repaint_all(self, rows: Sequence[Row]) -> None:
        """Show ``rows``, as many as before and in the same places, by repainting every cell (no reset: the
        selection and the scroll position stay)."""
        self._rows = list(rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))

    def replace_all(self, rows: Sequence[Row]) -> None:
        """Show ``rows`` instead of what was there."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()


class SortedRows(QSortFilterProxyModel):
    """``source`` sorted by the column its view's header says, by each column's sort key; rows with equal keys keep
    the order they have in ``source`` (reversed when descending). Rows added to ``source`` go straight to their
    place."""

    def __init__(self, source: RowsModel[Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.setSourceModel(source)
        self.setDynamicSortFilter(True)

    def lessThan(  # noqa: N802 - Qt override
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Whether ``left`` sorts before ``right``: by key, then by their order in the source."""
        column, first, second = left.column(), left.row(), right.row()
        mine, theirs = self._source.sort_key(first, column), self._source.sort_key(second, column)
        return bool(mine < theirs) if mine != theirs else first < second
