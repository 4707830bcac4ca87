"""A read-only table model over a list of rows, for the small views (executions, positions), and a proxy that
shows one sorted by any column.

Each view names its columns as (title, text function, numeric); the blotter has its own model because it
keeps rows sorted and repaints by order id.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Row = TypeVar("Row")
Cell = tuple[str, Callable[[Any], str], bool]
"""A column: its title, the text it shows for a row, and whether it is a number (right-aligned)."""

_NO_PARENT = QModelIndex()
Index = QModelIndex | QPersistentModelIndex
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


class SortedRows(QAbstractTableModel):
    """``source`` sorted by the column its view's header says, by each column's sort key; rows with equal keys keep
    the order they have in ``source`` (reversed when descending). Before any sort, ``source``'s own order.

    Rows appended to ``source`` go straight to their place: each is found by bisection on the kept keys (compared
    in C, no Python call per comparison), and a batch that lands in one place (the newest on top: every batch of
    fills) is one row insertion. A batch scattered through the table is merged in one layout change, the selection
    kept on its rows."""

    def __init__(self, source: RowsModel[Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._column = -1
        self._descending = False
        self._sorted: list[tuple[Any, int]] = []
        """(sort key, source row), ascending: a row's place when ascending, counted from the end when descending."""
        source.rowsInserted.connect(self._on_appended)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._on_reset)
        source.dataChanged.connect(self._on_changed)
        self._rekey()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        """How many rows (as many as the source's)."""
        return 0 if parent.isValid() else len(self._sorted)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        """The source's columns."""
        return 0 if parent.isValid() else self._source.columnCount()

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The source's column titles."""
        return self._source.headerData(section, orientation, role)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What the source shows for the row drawn here."""
        return self._source.data(self._source.index(self.source_row(index.row()), index.column()), role)

    def source_row(self, row: int) -> int:
        """The source's row drawn at ``row``."""
        return self._sorted[len(self._sorted) - 1 - row if self._descending else row][1]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (-1: the source's order, whichever ``order``), as the view's header asks."""

        def by_column() -> None:
            self._column, self._descending = column, column >= 0 and order is Qt.SortOrder.DescendingOrder
            self._rekey()

        self._relayout(by_column)

    def _key(self, row: int) -> Any:
        return self._source.sort_key(row, self._column) if self._column >= 0 else row

    def _keyed(self, rows: Iterable[int]) -> list[tuple[Any, int]]:
        return sorted((self._key(row), row) for row in rows)

    def _rekey(self) -> None:
        self._sorted = self._keyed(range(self._source.rowCount()))

    def _on_appended(self, parent: Index, first: int, last: int) -> None:
        if first != len(self._sorted):  # not an append: RowsModel only appends, but stay right whatever comes
            self.beginResetModel()
            self._on_reset()
            return
        new = self._keyed(range(first, last + 1))
        place = bisect_left(self._sorted, new[0])
        if place != bisect_left(self._sorted, new[-1]):  # scattered: drawn at the end first, then merged in place
            end = len(self._sorted)
            self.beginInsertRows(_NO_PARENT, end, end + len(new) - 1)
            self._sorted = new + self._sorted if self._descending else self._sorted + new
            self.endInsertRows()
            self._relayout(self._sorted.sort)  # two sorted runs: merged in one pass
            return
        row = len(self._sorted) - place if self._descending else place
        self.beginInsertRows(_NO_PARENT, row, row + len(new) - 1)
        self._sorted[place:place] = new
        self.endInsertRows()

    def _on_reset(self) -> None:
        self._rekey()
        self.endResetModel()

    def _on_changed(self, top_left: Index, bottom_right: Index, roles: object = None) -> None:
        """Rows repainted in place may sort elsewhere now: lay them out again."""
        self._relayout(self._rekey)

    def _relayout(self, arrange: Callable[[], None]) -> None:
        """Lay every row out again as ``arrange`` sorts them, in one layout change; persistent indexes (the selection,
        the current row) follow their source rows."""
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        rows = [self.source_row(index.row()) for index in kept]
        arrange()
        if kept:
            place = {row: n for n, (_, row) in enumerate(self._sorted)}
            last = len(self._sorted) - 1
            moved = [
                self.index(last - place[row] if self._descending else place[row], index.column())
                for row, index in zip(rows, kept, strict=True)
            ]
            self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()
