"""The blotter's table model over the engine's order ledger, and the proxy that sorts and filters it.

The model never re-reads the whole ledger after the first load: ``refresh`` takes the ids the bridge says
changed, inserts new orders with ``beginInsertRows`` and emits ``dataChanged`` for changed rows only.
Rows whose filled quantity grew flash for a moment. An order with anomalies or an open quantity break carries a
warning icon on its ClOrdID, whose tooltip says what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QElapsedTimer,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app.engine.ids import OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import ZERO, Order
from app.ui.anomaly_text import order_note
from app.ui.blotter_columns import (
    CL_ORD_ID_COLUMN,
    COLUMNS,
    FILLED_COLUMN,
    LEAVES_COLUMN,
    SIDE_COLUMN,
    STATUS_COLUMN,
    TIME_COLUMN,
    chain_text,
)
from app.ui.order_text import SIDE_COLOURS, STATUS_LOOKS, qty_text

ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The role that gives the row's ``OrderId``."""
FLASH_MS = 800
"""How long a row that just filled stays highlighted."""

AnyIndex = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()
_FLASH = QBrush(QColor("#facc15"))
_ITALIC = QFont()
_ITALIC.setItalic(True)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_GROUP_COLUMNS = frozenset({CL_ORD_ID_COLUMN, FILLED_COLUMN, LEAVES_COLUMN})


class BlotterModel(QAbstractTableModel):
    """One row per order: in arrival order until sorted, then kept sorted as orders arrive and change.

    Sorting lives here rather than in the proxy: a proxy sort asks ``data`` for two cells per comparison,
    which costs seconds at 100,000 rows, while sorting the id list with the column's key takes milliseconds.

    Grouped by parent, each child order follows its parent (the parent placed by the sort, its children
    sorted among themselves) and the parent's Filled and Leaves count its children's fills.
    """

    def __init__(self, ledger: OrderLedger, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self._ids: list[OrderId] = list(ledger.orders)
        self._row_of = {order_id: row for row, order_id in enumerate(self._ids)}
        self._cum = {order_id: order.cum_qty for order_id, order in ledger.orders.items()}
        self._sorted_by: tuple[int, bool] | None = None
        self._keys: list[Any] = []
        self._children: dict[OrderId, list[OrderId]] = {}
        for order in ledger.orders.values():
            self._adopt(order)
        self.grouped = False
        """Whether child orders are shown under their parents."""
        self._flash_until: dict[OrderId, int] = {}
        self._clock = QElapsedTimer()
        self._clock.start()
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flashes)
        self._anomaly_words: Callable[[OrderId], str | None] = _unknown
        self._warning: QIcon | None = None

    def rowCount(self, parent: AnyIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        """Orders shown (none under a row: the table is flat)."""
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = _NO_PARENT) -> int:  # noqa: N802 - Qt override
        """The blotter's columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def order_at(self, row: int) -> Order:
        """The order shown in ``row``."""
        return self._ledger.orders[self._ids[row]]

    def row_of(self, order_id: OrderId) -> int | None:
        """The row showing ``order_id``, if it is shown."""
        return self._row_of.get(order_id)

    def is_flashing(self, order_id: OrderId) -> bool:
        """Whether the order's row is highlighted because it just filled."""
        return order_id in self._flash_until

    def show_anomalies(self, latest: Callable[[OrderId], str | None]) -> None:
        """Name each marked order's newest anomaly in its tooltip, as ``latest`` gives it."""
        self._anomaly_words = latest

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What a cell shows, for each role the view asks about."""
        order = self._ledger.orders[self._ids[index.row()]]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if self.grouped and col in _GROUP_COLUMNS:
                return self._group_text(order, col)
            return COLUMNS[col].text(order)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == STATUS_COLUMN:
                return QBrush(QColor(STATUS_LOOKS[order.status].colour))
            return QBrush(QColor(SIDE_COLOURS[order.spec.side])) if col == SIDE_COLUMN else None
        if role == Qt.ItemDataRole.FontRole:
            return _ITALIC if STATUS_LOOKS[order.status].italic else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return _FLASH if order.order_id in self._flash_until else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if COLUMNS[col].numeric else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(order, col)
        if role == Qt.ItemDataRole.DecorationRole and col == CL_ORD_ID_COLUMN:
            return self._marker(order)
        return order.order_id if role == ORDER_ID_ROLE else None

    def _marker(self, order: Order) -> QIcon | None:
        if not (order.anomalies or order.break_qty):
            return None
        if self._warning is None:
            self._warning = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._warning

    def _tooltip(self, order: Order, col: int) -> str | None:
        if col == CL_ORD_ID_COLUMN:
            note = order_note(order, self._anomaly_words(order.order_id))
            return chain_text(order) if note is None else f"{note}\n\n{chain_text(order)}"
        if col == STATUS_COLUMN:
            return "\n".join(filter(None, (order.status.label, order.text)))
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort every row by ``column``'s key; later arrivals and changes keep their place in this order."""
        descending = order == Qt.SortOrder.DescendingOrder
        orders = self._ledger.orders
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._ids[i.row()], i.column()) for i in persistent]
        self._sorted_by = (column, descending)
        keyed = sorted(((self._key(orders[i]), i) for i in self._ids), key=_first, reverse=descending)
        self._keys = [k for k, _ in keyed]
        self._ids = [i for _, i in keyed]
        self._row_of = {order_id: row for row, order_id in enumerate(self._ids)}
        self.changePersistentIndexList(persistent, [self.index(self._row_of[i], c) for i, c in held])
        self.layoutChanged.emit()

    def set_grouped(self, grouped: bool) -> None:
        """Show child orders under their parents (sorted by the current column, or by time), or not."""
        self.grouped = grouped
        column, descending = self._sorted_by or (TIME_COLUMN, False)
        self.sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    def _key(self, order: Order) -> Any:
        """Where ``order`` sorts: its column key, or in groups (parent's key, parent, parent first, own key)."""
        assert self._sorted_by is not None
        column, descending = self._sorted_by
        key = COLUMNS[column].key
        own = key(order)
        if not self.grouped:
            return own
        parent = self._ledger.orders.get(order.spec.parent_id) if order.spec.parent_id else None
        if parent is None:
            return (own, order.order_id, int(descending), own)
        return (key(parent), parent.order_id, int(not descending), own)

    def _adopt(self, order: Order) -> None:
        parent_id = order.spec.parent_id
        if parent_id is not None and order.order_id not in self._children.get(parent_id, ()):
            self._children.setdefault(parent_id, []).append(order.order_id)

    def _group_text(self, order: Order, col: int) -> str:
        children = [self._ledger.orders[i] for i in self._children.get(order.order_id, ())]
        if col == CL_ORD_ID_COLUMN:
            return f"    ↳ {order.cl_ord_id}" if order.spec.parent_id in self._ledger.orders else str(order.cl_ord_id)
        filled = order.cum_qty + sum((c.cum_qty for c in children), ZERO)
        if not children:
            return COLUMNS[col].text(order)
        return qty_text(filled) if col == FILLED_COLUMN else qty_text(max(ZERO, order.qty - filled))

    def refresh(self, order_ids: list[OrderId]) -> None:
        """Show what changed for ``order_ids``: new orders added, changed rows repainted, fills flashed."""
        wanted = [i for i in dict.fromkeys(order_ids) if i in self._ledger.orders]
        for order_id in wanted:
            self._adopt(self._ledger.orders[order_id])
        if self.grouped:
            wanted = self._with_family(wanted)
        self._note_fills(wanted)
        moving = self._moving(wanted)
        known = sorted(self._row_of[i] for i in wanted if i in self._row_of and i not in moving)
        for first, last in _runs(known):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        for row in sorted((self._row_of[i] for i in moving), reverse=True):
            self.beginRemoveRows(_NO_PARENT, row, row)
            del self._ids[row]
            del self._keys[row]
            self.endRemoveRows()
        fresh = [i for i in wanted if i not in self._row_of or i in moving]
        if self._sorted_by is None:
            self._append(fresh)
        else:
            for order_id in fresh:
                self._insert_sorted(order_id)
        if moving or (fresh and self._sorted_by is not None):
            self._row_of = {order_id: row for row, order_id in enumerate(self._ids)}

    def _with_family(self, order_ids: list[OrderId]) -> list[OrderId]:
        """``order_ids`` with their parents (whose totals change) and children (whose place follows them)."""
        family = list(order_ids)
        for order_id in order_ids:
            family += self._children.get(order_id, ())
            parent_id = self._ledger.orders[order_id].spec.parent_id
            if parent_id is not None and parent_id in self._ledger.orders:
                family.append(parent_id)
        return list(dict.fromkeys(family))

    def _moving(self, order_ids: list[OrderId]) -> set[OrderId]:
        """Shown orders whose sort key changed: they leave their row and are inserted where they now go."""
        if self._sorted_by is None:
            return set()
        return {
            i
            for i in order_ids
            if (row := self._row_of.get(i)) is not None and self._keys[row] != self._key(self._ledger.orders[i])
        }

    def _append(self, order_ids: list[OrderId]) -> None:
        if not order_ids:
            return
        start = len(self._ids)
        self.beginInsertRows(_NO_PARENT, start, start + len(order_ids) - 1)
        for order_id in order_ids:
            self._row_of[order_id] = len(self._ids)
            self._ids.append(order_id)
        self.endInsertRows()

    def _insert_sorted(self, order_id: OrderId) -> None:
        assert self._sorted_by is not None
        key = self._key(self._ledger.orders[order_id])
        row = _insert_point(self._keys, key, self._sorted_by[1])
        self.beginInsertRows(_NO_PARENT, row, row)
        self._ids.insert(row, order_id)
        self._keys.insert(row, key)
        self.endInsertRows()

    def _note_fills(self, order_ids: list[OrderId]) -> None:
        until = self._clock.elapsed() + FLASH_MS
        for order_id in order_ids:
            cum = self._ledger.orders[order_id].cum_qty
            if cum > self._cum.get(order_id, cum):
                self._flash_until[order_id] = until
            self._cum[order_id] = cum
        if self._flash_until and not self._flash_timer.isActive():
            self._flash_timer.start(FLASH_MS)

    def _end_flashes(self) -> None:
        now = self._clock.elapsed()
        ended = [i for i, until in self._flash_until.items() if until <= now]
        for order_id in ended:
            del self._flash_until[order_id]
        rows = sorted(self._row_of[i] for i in ended if i in self._row_of)
        for first, last in _runs(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        if self._flash_until:
            self._flash_timer.start(max(1, min(self._flash_until.values()) - now))


def _first(pair: tuple[Any, OrderId]) -> Any:
    return pair[0]


def _insert_point(keys: list[Any], key: Any, descending: bool) -> int:
    """Where ``key`` goes in sorted ``keys``: after any equal keys, so arrival order breaks ties."""
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        after = keys[mid] >= key if descending else keys[mid] <= key
        if after:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _unknown(_order_id: OrderId) -> str | None:
    """No anomaly's words to give (until a view that has them is plugged in)."""
    return None


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as contiguous (first, last) runs, so one ``dataChanged`` covers each run."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class StatusGroup(Enum):
    """Which orders the blotter shows."""

    WORKING = "Working"
    """Orders that may still execute, pending and unknown ones included."""
    DONE = "Done"
    """Filled, canceled, rejected, denied, expired and done-for-day orders."""
    ALL = "All"
    """Every order."""


class BlotterFilter(QSortFilterProxyModel):
    """Keeps the rows in a status group that match a search text; passes sorting on to the model."""

    def __init__(self, model: BlotterModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._group = StatusGroup.ALL
        self._words: list[str] = []
        self.setSourceModel(model)

    @property
    def group(self) -> StatusGroup:
        """The status group shown."""
        return self._group

    def set_group(self, group: StatusGroup) -> None:
        """Show only orders in ``group``."""
        self._group = group
        self._refilter()

    def set_search(self, text: str) -> None:
        """Show only orders whose ClOrdID, symbol, account, trader, venue or status contain every word."""
        self._words = text.lower().split()
        self._refilter()

    def _refilter(self) -> None:
        """Map every row afresh: one layout change, where an incremental refilter removes row ranges one by one
        (over a second at 100,000 rows)."""
        self.invalidate()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by asking the model, which sorts its id list by key (see ``BlotterModel``); filtering stays here."""
        self._model.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802 - Qt override
        """Whether the order in ``source_row`` is in the group and matches the search."""
        order = self._model.order_at(source_row)
        if self._group is not StatusGroup.ALL and order.status.is_live != (self._group is StatusGroup.WORKING):
            return False
        if not self._words:
            return True
        spec = order.spec
        haystack = (
            " ".join(
                (order.cl_ord_id, order.order_id, spec.symbol, spec.account, spec.trader, spec.destination)
            ).lower()
            + " "
            + STATUS_LOOKS[order.status].text.lower()
        )
        return all(word in haystack for word in self._words)
