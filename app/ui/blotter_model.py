"""The blotter's table model over the engine's order ledger: it filters, searches and sorts the orders itself.

The model never re-reads the whole ledger after the first load (or a reload, ``reset``): ``refresh`` takes
the ids the bridge says changed, inserts orders that now pass the filter where the sort puts them
(``beginInsertRows``), removes those that no longer pass, and emits ``dataChanged`` for changed rows only.
Rows whose filled quantity grew flash for a moment. An order with open anomalies or an open quantity break carries a
warning icon on its ClOrdID, whose tooltip says what is wrong. Grouped by parent, each parent (care) order on the
desk is a row too (``parent_rows.py``), its children under it; the parents are few, so each is rebuilt from its
children whenever one of them changes.

There is no ``QSortFilterProxyModel``: a proxy asks ``data`` for two cells per comparison and calls a Python
``filterAcceptsRow`` per row on every change of layout, which costs most of a second at 100,000 orders,
while sorting the shown ids by a list of keys and filtering them with one comprehension costs tens of ms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from enum import Enum
from itertools import compress
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QElapsedTimer,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app.engine.enums import OrderStatus
from app.engine.foreign_orders import owner_label
from app.engine.ids import OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import ZERO, Order
from app.engine.parents import ParentBook, ParentFigures
from app.ui.anomaly_text import OpenAbout, no_open_anomalies, order_note
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
from app.ui.order_text import (
    SIDE_COLOURS,
    STATUS_LOOKS,
    qty_text,
    reads_plainly,
    status_icon,
    status_look,
    status_tooltip,
)
from app.ui.parent_rows import parent_row, parent_status_text

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
_STATUS_WORDS = {status: look.text.lower() for status, look in STATUS_LOOKS.items()}
_STATUS_BRUSHES = {status: QBrush(QColor(look.colour)) for status, look in STATUS_LOOKS.items()}
_SIDE_BRUSHES = {side: QBrush(QColor(colour)) for side, colour in SIDE_COLOURS.items()}


class StatusGroup(Enum):
    """Which orders the blotter shows."""

    WORKING = "Working"
    """Orders that may still execute, pending and unknown ones included."""
    DONE = "Done"
    """Filled, canceled, rejected, denied, expired and done-for-day orders."""
    ALL = "All"
    """Every order."""


_GROUP_STATUSES = {
    StatusGroup.WORKING: frozenset(s for s in OrderStatus if s.is_live),
    StatusGroup.DONE: frozenset(s for s in OrderStatus if not s.is_live),
}


class BlotterModel(QAbstractTableModel):
    """One row per order that passes the filter: in arrival order until sorted, then kept sorted as orders
    arrive and change.

    The filter is a status group and a search text (every word must appear in the ClOrdID, order id, symbol,
    account, trader, venue, parent or status). Grouped by parent, each child order follows its parent (the parent
    placed by the sort, its children sorted among themselves) and the parent's Filled and Leaves count its
    children's fills; the parents of ``parents`` (care orders) are rows then too.
    """

    def __init__(self, ledger: OrderLedger, parent: QObject | None = None, parents: ParentBook | None = None) -> None:
        super().__init__(parent)
        self._ledger, self._parents = ledger, parents
        self._parent_orders: dict[OrderId, Order] = {}
        """Each care order as its blotter row, by parent id."""
        self._parent_figures: dict[OrderId, ParentFigures] = {}
        self._group = StatusGroup.ALL
        self._words: list[str] = []
        self._sorted_by: tuple[int, bool] | None = None
        self.grouped = False
        """Whether child orders are shown under their parents."""
        self._ids: list[OrderId] = []
        """The orders shown, in row order."""
        self._keys: list[Any] = []
        """Each shown row's sort key (its arrival number until sorted), for placing rows that come and move."""
        self._row_of: dict[OrderId, int] = {}
        self._fixed_text: dict[OrderId, str] = {}
        """Each order's searchable words that never change (id, symbol, account, trader, venue), lower case, built
        as the order arrives so the first search over 100,000 orders builds nothing."""
        self._column_keys: dict[int, dict[OrderId, Any]] = {}
        """Each order's sort key by column, for the columns sorted by so far: a later sort, filter or search reuses
        them (a Decimal turned into a float key costs more than the sort itself); a change drops the order's."""
        self._flash_until: dict[OrderId, int] = {}
        self._clock = QElapsedTimer()
        self._clock.start()
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flashes)
        self._open_about: OpenAbout = no_open_anomalies
        self._warning: QIcon | None = None
        self._load()

    def reset(self, ledger: OrderLedger, parents: ParentBook | None = None) -> None:
        """Show ``ledger`` and ``parents`` instead (the engine reloaded its projections): one model reset, filter
        and sort kept."""
        self.beginResetModel()
        self._ledger, self._parents = ledger, parents
        self._flash_until.clear()
        self._fixed_text.clear()
        self._column_keys.clear()
        self._load()
        self.endResetModel()

    def _load(self) -> None:
        orders = self._ledger.orders
        self._arrival: dict[OrderId, int] = {}
        self._children: dict[OrderId, list[OrderId]] = {}
        self._cum = {order_id: order.cum_qty for order_id, order in orders.items()}
        self._status = {order_id: order.status for order_id, order in orders.items()}
        self.counts = Counter(self._status.values())
        """How many orders stand in each status (all of them, shown or not), kept as changes arrive."""
        for order in orders.values():
            self._adopt(order)
        self._parent_orders.clear()
        self._parent_figures.clear()
        self._rebuild_parents(list(self._parents.parents) if self._parents is not None else [])
        self._lay_out()

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
        """The order shown in ``row`` (a parent's row, for a care order)."""
        return self._find(self._ids[row])

    def is_parent(self, order_id: OrderId) -> bool:
        """Whether ``order_id`` is a parent (care) order's row."""
        return order_id in self._parent_orders

    def _find(self, order_id: OrderId) -> Order:
        return self._ledger.orders.get(order_id) or self._parent_orders[order_id]

    def row_of(self, order_id: OrderId) -> int | None:
        """The row showing ``order_id``, if it is shown."""
        return self._row_of.get(order_id)

    def shown_ids(self) -> list[OrderId]:
        """The orders shown, top to bottom."""
        return list(self._ids)

    def is_flashing(self, order_id: OrderId) -> bool:
        """Whether the order's row is highlighted because it just filled."""
        return order_id in self._flash_until

    def show_anomalies(self, open_about: OpenAbout) -> None:
        """Mark the orders with open anomalies, counted and named as ``open_about`` gives them."""
        self._open_about = open_about
        self.repaint_markers()

    def repaint_markers(self) -> None:
        """Redraw every row's marker (anomalies were recorded or acknowledged): one change over the column, so
        the view repaints only the rows on screen."""
        if self._ids:
            last = len(self._ids) - 1
            self.dataChanged.emit(self.index(0, CL_ORD_ID_COLUMN), self.index(last, CL_ORD_ID_COLUMN))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What a cell shows, for each role the view asks about."""
        order = self._find(self._ids[index.row()])
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if self.grouped and col in _GROUP_COLUMNS:
                return self._group_text(order, col)
            return self.status_text(order) if col == STATUS_COLUMN else COLUMNS[col].text(order)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == STATUS_COLUMN:
                return _STATUS_BRUSHES[order.status]
            return _SIDE_BRUSHES[order.spec.side] if col == SIDE_COLUMN else None
        if role == Qt.ItemDataRole.DecorationRole:
            if col == CL_ORD_ID_COLUMN:
                return self._marker(order)
            return status_icon(order.status) if col == STATUS_COLUMN else None
        if role == Qt.ItemDataRole.FontRole:
            return _ITALIC if STATUS_LOOKS[order.status].italic else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return _FLASH if order.order_id in self._flash_until else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if COLUMNS[col].numeric else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(order, col)
        return order.order_id if role == ORDER_ID_ROLE else None

    def status_text(self, order: Order) -> str:
        """What the Status cell of ``order``'s row says (a parent's state and figures, for a parent's row)."""
        figures = self._parent_figures.get(order.order_id)
        return status_look(order).text if figures is None else parent_status_text(figures)

    def _marker(self, order: Order) -> QIcon | None:
        if not (order.break_qty or (order.anomalies and self._open_about(order.order_id)[0])):
            return None
        if self._warning is None:
            self._warning = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._warning

    def _tooltip(self, order: Order, col: int) -> str | None:
        if col == CL_ORD_ID_COLUMN:
            note = order_note(order, *self._open_about(order.order_id)) if order.anomalies or order.break_qty else None
            return chain_text(order) if note is None else f"{note}\n\n{chain_text(order)}"
        if col == STATUS_COLUMN:
            return status_tooltip(order)
        return None

    # Filter, sort and groups: each change lays every row out afresh, in one layout change -----------------

    @property
    def group(self) -> StatusGroup:
        """The status group shown."""
        return self._group

    def set_group(self, group: StatusGroup) -> None:
        """Show only orders in ``group``."""
        self._group = group
        self._relayout()

    def set_search(self, text: str) -> None:
        """Show only orders whose ClOrdID, order id, symbol, account, trader, venue or status contain every word."""
        self._words = text.lower().split()
        self._relayout()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by ``column``'s key (arrival order for -1); later arrivals and changes keep their place
        in this order."""
        self._sorted_by = None if column < 0 else (column, order == Qt.SortOrder.DescendingOrder)
        self._relayout()

    def set_grouped(self, grouped: bool) -> None:
        """Show child orders under their parents (sorted by the current column, or by time), or not."""
        self.grouped = grouped
        self._sorted_by = self._sorted_by or (TIME_COLUMN, False)
        self._relayout()

    def _relayout(self) -> None:
        """Filter and sort every order afresh; selections and other persistent indexes follow their orders."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._ids[i.row()], i.column()) for i in persistent]
        self._lay_out()
        self.changePersistentIndexList(persistent, [self._index_of(i, c) for i, c in held])
        self.layoutChanged.emit()

    def _index_of(self, order_id: OrderId, column: int) -> QModelIndex:
        row = self._row_of.get(order_id)
        return _NO_PARENT if row is None else self.index(row, column)

    def _lay_out(self) -> None:
        orders = self._ledger.orders
        ids, shown = list(orders), list(orders.values())
        if self.grouped and self._parent_orders:
            ids += self._parent_orders
            shown += self._parent_orders.values()
        if self._group is not StatusGroup.ALL:
            wanted = _GROUP_STATUSES[self._group]
            ids, shown = _keep([o.status in wanted for o in shown], ids, shown)
        if self._words:
            texts = self._search_texts(shown)
            for word in self._words:
                passed = [word in text for text in texts]
                ids, shown, texts = (
                    list(compress(ids, passed)),
                    list(compress(shown, passed)),
                    list(compress(texts, passed)),
                )
        keys = self._sort_keys(ids, shown)
        places = sorted(range(len(shown)), key=keys.__getitem__, reverse=self._descending)
        self._ids, self._keys = _pick(ids, places), _pick(keys, places)
        self._row_of = dict(zip(self._ids, range(len(self._ids)), strict=True))

    @property
    def _descending(self) -> bool:
        return self._sorted_by is not None and self._sorted_by[1]

    def _accepts(self, order: Order) -> bool:
        """Whether ``order`` is in the group shown and matches every search word (a parent's row: grouped only)."""
        if not self.grouped and order.order_id in self._parent_orders:
            return False
        if self._group is not StatusGroup.ALL and order.status not in _GROUP_STATUSES[self._group]:
            return False
        if not self._words:
            return True
        text = self._search_texts([order])[0]
        return all(word in text for word in self._words)

    def _search_texts(self, orders: list[Order]) -> list[str]:
        """What the search looks in, per order: ids, symbol, account, trader, venue and the status as the row says
        it, in lower case.

        The part that never changes is kept per order (``_adopt``); only the ClOrdID and status are read afresh, the
        status from its status's words unless the row says more (a parent's row, an order the venue does not know).
        """
        fixed, status, parents, status_text = self._fixed_text, _STATUS_WORDS, self._parent_figures, self.status_text
        return [
            f"{fixed[o.order_id]} {o.cl_ord_id.lower()} "
            + (status[o.status] if reads_plainly(o) and o.order_id not in parents else status_text(o).lower())
            for o in orders
        ]

    def _sort_keys(self, ids: list[OrderId], shown: list[Order]) -> list[Any]:
        """The sort keys of ``shown`` (whose ids are ``ids``), from the column's kept keys where it has them."""
        if self._sorted_by is None or self.grouped:
            key = self._key_function()
            return [key(o) for o in shown]
        column = self._sorted_by[0]
        kept = self._column_keys.setdefault(column, {})
        missing = [o for o in shown if o.order_id not in kept]
        if missing:
            kept.update(zip([o.order_id for o in missing], map(COLUMNS[column].key, missing), strict=True))
        return list(map(kept.__getitem__, ids))

    def _key_function(self) -> Callable[[Order], Any]:
        """Each order's sort key: its column's key (its arrival number until sorted), or grouped by parent
        (parent's key, parent, parent first, own key)."""
        arrival = self._arrival
        own: Callable[[Order], Any] = (
            (lambda order: arrival[order.order_id]) if self._sorted_by is None else COLUMNS[self._sorted_by[0]].key
        )
        if not self.grouped:
            return own
        orders, parents, descending = self._ledger.orders, self._parent_orders, int(self._descending)

        def in_family(order: Order) -> Any:
            parent_id = order.spec.parent_id
            parent = (orders.get(parent_id) or parents.get(parent_id)) if parent_id else None
            if parent is None:
                return (own(order), order.order_id, descending, own(order))
            return (own(parent), parent.order_id, 1 - descending, own(order))

        return in_family

    def _adopt(self, order: Order) -> None:
        """Note a new order's arrival and its place among its parent's children."""
        if order.order_id not in self._arrival:
            self._arrival[order.order_id] = len(self._arrival)
            spec = order.spec
            owner = owner_label(spec)
            words = (order.order_id, spec.symbol, spec.account, owner, spec.destination, spec.parent_id or "")
            self._fixed_text[order.order_id] = " ".join(words).lower()
        parent_id = order.spec.parent_id
        if parent_id is not None and order.order_id not in self._children.get(parent_id, ()):
            self._children.setdefault(parent_id, []).append(order.order_id)

    def _group_text(self, order: Order, col: int) -> str:
        if col == CL_ORD_ID_COLUMN:
            parent_id = order.spec.parent_id
            under = parent_id is not None and (parent_id in self._ledger.orders or parent_id in self._parent_orders)
            return f"    ↳ {order.cl_ord_id}" if under else str(order.cl_ord_id)
        if order.order_id in self._parent_orders:
            return COLUMNS[col].text(order)  # its figures are its children's already
        children = [self._ledger.orders[i] for i in self._children.get(order.order_id, ())]
        filled = order.cum_qty + sum((c.cum_qty for c in children), ZERO)
        if not children:
            return COLUMNS[col].text(order)
        return qty_text(filled) if col == FILLED_COLUMN else qty_text(max(ZERO, order.qty - filled))

    # Changes from the engine: rows repainted, moved, added or dropped one by one ----------------------------

    def refresh(self, order_ids: list[OrderId]) -> None:
        """Show what changed for ``order_ids``: rows repainted, moved where their sort key now puts them, added
        when they now pass the filter, removed when they no longer do; fills flashed."""
        orders = self._ledger.orders
        wanted = [i for i in dict.fromkeys(order_ids) if i in orders]
        for order_id in wanted:
            self._adopt(orders[order_id])
        wanted += self._rebuild_parents(order_ids)
        for kept in self._column_keys.values():
            for order_id in wanted:
                kept.pop(order_id, None)
        if self.grouped:
            wanted = self._with_family(wanted)
        self._note_fills(wanted)
        self._count(wanted)
        leaving: list[int] = []
        entering: list[OrderId] = []
        repaint: list[int] = []
        key, keys, row_of, accepts, find = self._key_function(), self._keys, self._row_of, self._accepts, self._find
        for order_id in wanted:
            order = find(order_id)
            row = row_of.get(order_id)
            if not accepts(order):
                if row is not None:
                    leaving.append(row)
            elif row is None:
                entering.append(order_id)
            elif keys[row] != key(order):
                leaving.append(row)
                entering.append(order_id)
            else:
                repaint.append(row)
        for first, last in _runs(sorted(repaint)):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        if leaving or entering:
            self._move(sorted(leaving, reverse=True), [find(i) for i in entering])

    def refresh_parents(self) -> None:
        """Show the parents book as it stands (a parent was staged or closed)."""
        if self._parents is not None:
            self.refresh(list(self._parents.parents))

    def _rebuild_parents(self, order_ids: list[OrderId]) -> list[OrderId]:
        """Build afresh the rows of the parents among ``order_ids`` and of the parents of those orders (new ones
        too); return those parents' ids."""
        book = self._parents
        if book is None:
            return []
        orders, parents = self._ledger.orders, book.parents
        touched: dict[OrderId, None] = {}
        for order_id in order_ids:
            order = orders.get(order_id)
            parent_id = order.spec.parent_id if order is not None else order_id
            if parent_id is not None and parent_id in parents:
                touched[parent_id] = None
        for parent_id in touched:
            figures = self._parent_figures[parent_id] = parents[parent_id].figures(self._ledger)
            row = self._parent_orders[parent_id] = parent_row(parents[parent_id], figures)
            self._adopt(row)
            for kept in self._column_keys.values():
                kept.pop(parent_id, None)
        return list(touched)

    def _move(self, leaving: list[int], entering: list[Order]) -> None:
        """Take out the rows ``leaving`` (bottom up), put ``entering`` where they sort (orders that land side by
        side in one insert), and renumber the rows that moved."""
        moved_from = len(self._ids)
        for row in leaving:
            self.beginRemoveRows(_NO_PARENT, row, row)
            del self._row_of[self._ids[row]]
            del self._ids[row]
            del self._keys[row]
            self.endRemoveRows()
            moved_from = row
        key, descending = self._key_function(), self._descending
        keyed = sorted(((key(order), order.order_id) for order in entering), key=_first, reverse=descending)
        run: list[tuple[Any, OrderId]] = []
        at = -1
        for item in keyed:
            row = _insert_point(self._keys, item[0], descending)
            if run and row != at:
                self._insert(at, run)
                run = []
                row = _insert_point(self._keys, item[0], descending)
            at = row
            run.append(item)
            moved_from = min(moved_from, row)
        if run:
            self._insert(at, run)
        ids, row_of = self._ids, self._row_of
        for row in range(moved_from, len(ids)):
            row_of[ids[row]] = row

    def _insert(self, row: int, run: list[tuple[Any, OrderId]]) -> None:
        """Insert the keyed orders of ``run`` at ``row``, in one ``beginInsertRows``."""
        self.beginInsertRows(_NO_PARENT, row, row + len(run) - 1)
        self._keys[row:row] = [k for k, _ in run]
        self._ids[row:row] = [i for _, i in run]
        self.endInsertRows()

    def _with_family(self, order_ids: list[OrderId]) -> list[OrderId]:
        """``order_ids`` with their parents (whose totals change) and children (whose place follows them)."""
        family = list(order_ids)
        for order_id in order_ids:
            family += self._children.get(order_id, ())
            parent_id = self._find(order_id).spec.parent_id
            if parent_id is not None and (parent_id in self._ledger.orders or parent_id in self._parent_orders):
                family.append(parent_id)
        return list(dict.fromkeys(family))

    def _count(self, order_ids: list[OrderId]) -> None:
        orders, counts = self._ledger.orders, self.counts
        for order_id in order_ids:
            if order_id not in orders:
                continue  # a parent's row: not an order at a venue
            status = orders[order_id].status
            before = self._status.get(order_id)
            if status is not before:
                if before is not None:
                    counts[before] -= 1
                counts[status] += 1
                self._status[order_id] = status

    def _note_fills(self, order_ids: list[OrderId]) -> None:
        until = self._clock.elapsed() + FLASH_MS
        for order_id in order_ids:
            cum = self._find(order_id).cum_qty
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


def _keep(passed: list[bool], *columns: list[Any]) -> list[list[Any]]:
    """Each of ``columns`` (lists of equal length) with only the items where ``passed`` is true."""
    return [list(compress(column, passed)) for column in columns]


def _pick(items: list[Any], places: Sequence[int]) -> list[Any]:
    """``items`` at ``places``, in that order (one C-level gather rather than a Python loop)."""
    if len(places) < 2:
        return [items[p] for p in places]
    return list(itemgetter(*places)(items))


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


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as contiguous (first, last) runs, so one ``dataChanged`` covers each run."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
