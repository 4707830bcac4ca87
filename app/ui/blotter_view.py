"""The blotter widget: a filter bar over the order table, with cancel, amend and the timeline from the row.

Delete cancels the selected orders, F2 amends the current one, Ctrl+Shift+Delete cancels every working
order the filter shows, Shift+Delete every working order in the current order's symbol, Ctrl+Shift+F12 every
working order whether shown or not (each after a confirmation that says how many), Enter (or a double-click) opens
the current order's timeline; the same actions are on the right-click menu (and the first three on the bar's
buttons), and the menu also asks the venue where the selected orders stand (Request status: the one click that
settles an order whose fate is unknown). Each command's answer goes
out through ``said`` for the status bar. Selected orders stay selected when a change moves their rows.
Columns can be dragged into another order, resized, and hidden or shown from the header's right-click menu
(the main window keeps those choices for the next start).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine.commands import CancelOrder
from app.engine.engine import Engine
from app.engine.ids import OrderId, UserId
from app.ui.amend_dialog import QtAmendDialog
from app.ui.blotter_columns import COLUMNS
from app.ui.blotter_model import ORDER_ID_ROLE, BlotterModel, StatusGroup
from app.ui.order_timeline_view import QtOrderTimeline
from app.ui.table_view import ShownRowsTable


class QtBlotter(QWidget):
    """Every order of ``engine`` in a sortable, filterable table."""

    said = Signal(str)
    """What the last command came to, in words for the status bar."""

    def __init__(self, engine: Engine, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine, self._user = engine, user
        self.model = BlotterModel(engine.ledger, self, engine.book.parents)
        self.parent_actions: Callable[[QMenu, OrderId], None] | None = None
        """Puts a parent's actions on the menu of its row (the Parents dock's ``add_actions``)."""
        self.confirm: QMessageBox | None = None
        """The last cancel-all confirmation asked (kept for tests; it runs window-modal)."""
        self.table = ShownRowsTable()
        self.table.setObjectName("blotter_table")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # arrival order until a title is clicked
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSectionsMovable(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)
        for number, col in enumerate(COLUMNS):
            header.resizeSection(number, col.width)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.group = QComboBox()
        self.group.addItems([g.value for g in StatusGroup])
        self.group.setCurrentText(StatusGroup.ALL.value)
        self.group.currentTextChanged.connect(lambda text: self.model.set_group(StatusGroup(text)))
        self.search = QLineEdit(placeholderText="Search ClOrdID, symbol, account, trader, venue, parent, status")
        self.search.setMinimumWidth(160)
        self.search.textChanged.connect(self.model.set_search)
        self.group_by_parent = QCheckBox("Group by parent")
        self.group_by_parent.toggled.connect(self.model.set_grouped)
        self.cancel_action = self._action(
            "Cancel selected", QKeySequence(QKeySequence.StandardKey.Delete), self.cancel_selected
        )
        self.amend_action = self._action("Amend…", QKeySequence("F2"), self.amend_current)
        self.cancel_all_action = self._action(
            "Cancel all shown working…", QKeySequence("Ctrl+Shift+Del"), self.cancel_all
        )
        self.cancel_symbol_action = self._action(
            "Cancel all working in the order's symbol…", QKeySequence("Shift+Del"), self.cancel_current_symbol
        )
        self.cancel_everything_action = self._action(
            "Cancel every working order, shown or not…", QKeySequence("Ctrl+Shift+F12"), self.cancel_everything
        )
        self.status_action = self._action("Request status", QKeySequence(), self.request_status_selected)
        self.timeline_action = QAction("Timeline…", self.table, shortcut=QKeySequence(Qt.Key.Key_Return))
        self.timeline_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the ticket's Enter sends
        self.timeline_action.triggered.connect(self.open_timeline)
        self.table.addAction(self.timeline_action)
        self.table.doubleClicked.connect(lambda _index: self.open_timeline())
        self._lay_out()

    def _action(self, text: str, keys: QKeySequence, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self, shortcut=keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _lay_out(self) -> None:
        """The filters in one row and the commands under them, with short captions (the menus and tooltips say them
        in full): in one row they would make the blotter too wide to leave the watchlist and the chart their room on
        a 1280-pixel screen."""
        filters, commands = QHBoxLayout(), QHBoxLayout()
        filters.addWidget(self.group)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.group_by_parent)
        captions = {self.cancel_action: "Cancel", self.amend_action: "Amend…"}
        captions[self.cancel_all_action] = "Cancel all shown…"
        for action, caption in captions.items():
            button = QPushButton(f"{caption}  ({action.shortcut().toString()})")
            button.clicked.connect(action.trigger)
            action.changed.connect(lambda b=button, a=action: _follow(b, a))
            commands.addWidget(button)
        commands.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(filters)
        column.addLayout(commands)
        column.addWidget(self.table)

    def set_user(self, user: UserId, cancel_refusal: str | None = None, amend_refusal: str | None = None) -> None:
        """Act as ``user`` from now on; a refusal (why they may not cancel, or amend) disables those actions. An amend
        dialog the previous user left open closes: it would send in their name."""
        if user != self._user:
            for dialog in self.findChildren(QtAmendDialog):
                dialog.reject()
        self._user = user
        for action, refusal in (
            (self.cancel_action, cancel_refusal),
            (self.cancel_all_action, cancel_refusal),
            (self.cancel_symbol_action, cancel_refusal),
            (self.cancel_everything_action, cancel_refusal),
            (self.status_action, cancel_refusal),
            (self.amend_action, amend_refusal),
        ):
            action.setEnabled(refusal is None)
            action.setToolTip(refusal or action.text())

    def refresh(self, order_ids: list[OrderId]) -> None:
        """Show what changed for ``order_ids``; a selected order whose row moved (its sort key changed) is
        selected again where it now is, and stays the current one if it was."""
        selection = self.table.selectionModel()
        changed = set(order_ids)
        kept = [i for i in self.selected_ids() if i in changed] if selection.hasSelection() else []
        current = self.table.currentIndex().data(ORDER_ID_ROLE)
        self.model.refresh(order_ids)
        for order_id in kept:
            if (index := self._index(order_id)) is not None:
                flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
                selection.select(index, flags)
        if current in changed and (index := self._index(current)) is not None:
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _index(self, order_id: OrderId) -> QModelIndex | None:
        row = self.model.row_of(order_id)
        return None if row is None else self.model.index(row, 0)

    def selected_ids(self) -> list[OrderId]:
        """The orders of the selected rows, top to bottom."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.index(row, 0).data(ORDER_ID_ROLE) for row in rows]

    def reset(self, engine: Engine) -> None:
        """Show ``engine``'s orders afresh (its projections were rebuilt), keeping the filter and the sort."""
        self._engine = engine
        self.model.reset(engine.ledger, engine.book.parents)

    def select(self, order_id: OrderId) -> None:
        """Make ``order_id``'s row the current, only selected row (if the filter shows it)."""
        index = self._index(order_id)
        if index is None:
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)

    def cancel_selected(self) -> None:
        """Send a cancel for each selected order that can take one; say what happened."""
        self._cancel(self.selected_ids())

    def cancel_all(self) -> QMessageBox | None:
        """Ask to cancel every working order the filter shows, saying how many; cancel them if confirmed."""
        return self._confirm_cancel(self.model.shown_ids(), "shown")

    def cancel_symbol(self, symbol: str) -> QMessageBox | None:
        """Ask to cancel every working order in ``symbol`` (shown or not), saying how many; cancel if confirmed."""
        ids = [order.order_id for order in self._engine.ledger.live() if order.spec.symbol == symbol]
        return self._confirm_cancel(ids, f"in {symbol}")

    def cancel_current_symbol(self) -> QMessageBox | None:
        """Ask to cancel every working order in the current order's symbol (``cancel_symbol``)."""
        order_id = self.table.currentIndex().data(ORDER_ID_ROLE)
        if order_id is None:
            self.said.emit("Select an order to cancel the working orders in its symbol.")
            return None
        return self.cancel_symbol(self._engine.ledger.orders[order_id].spec.symbol)

    def cancel_everything(self) -> QMessageBox | None:
        """Ask to cancel every working order, whatever the filter shows, saying how many; cancel if confirmed."""
        return self._confirm_cancel([order.order_id for order in self._engine.ledger.live()], "shown or not")

    def _confirm_cancel(self, order_ids: list[OrderId], which: str) -> QMessageBox | None:
        """Ask (window-modal, not blocking) before cancelling the working ones among ``order_ids``; the box is
        returned. Orders that stopped working while the question was open are left alone."""
        working = self._working(order_ids)
        if not working:
            self.said.emit(f"No working order {which} to cancel.")
            return None
        count = f"{len(working)} working order{'s' if len(working) != 1 else ''}"
        box = self.confirm = QMessageBox(
            QMessageBox.Icon.Warning, "Cancel orders", f"Cancel {count} {which}?", parent=self
        )
        box.setInformativeText("Each shows Cancel pending until its venue confirms; a fill may still beat it.")
        yes = box.addButton(f"Cancel {count}", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton("Keep them", QMessageBox.ButtonRole.RejectRole))
        box.finished.connect(lambda _code: self._cancel(self._working(working)) if box.clickedButton() is yes else None)
        box.open()
        return box

    def _working(self, order_ids: list[OrderId]) -> list[OrderId]:
        orders = self._engine.ledger.orders
        return [i for i in order_ids if i in orders and orders[i].status.is_live]

    def _cancel(self, order_ids: list[OrderId]) -> None:
        if not order_ids:
            self.said.emit("No order selected to cancel.")
            return
        refused = []
        for order_id in order_ids:
            result = self._engine.cancel(CancelOrder(order_id, self._user))
            if not result.accepted:
                refused.append(result.message)
        sent = len(order_ids) - len(refused)
        plural = "s" if sent != 1 else ""
        summary = f"Cancel sent for {sent} order{plural}; each shows Cancel pending until the venue confirms."
        self.said.emit(" ".join([summary, *refused]) if sent else " ".join(refused))

    def request_status_selected(self) -> None:
        """Ask the venue where each selected order stands (35=H); the answer updates the row. Say what happened."""
        order_ids = self.selected_ids()
        if not order_ids:
            self.said.emit("Select an order to ask the venue about.")
            return
        results = [self._engine.request_status(order_id, self._user) for order_id in order_ids]
        refused = [result.message for result in results if not result.accepted]
        sent = len(results) - len(refused)
        summary = f"Status asked for {sent} order{'s' if sent != 1 else ''}; the venue's answer updates the blotter."
        self.said.emit(" ".join([summary, *refused]) if sent else " ".join(refused))

    def amend_current(self) -> QtAmendDialog | None:
        """Open the amend dialog for the current row's order (returned, for tests; it runs modeless)."""
        ids = self.selected_ids()
        if not ids:
            self.said.emit("Select an order to amend.")
            return None
        dialog = QtAmendDialog(self._engine, self._engine.ledger.orders[ids[0]], self._user, self)
        dialog.accepted.connect(
            lambda: self.said.emit(f"Amend sent for {ids[0]}; it shows Amend pending until the venue confirms.")
        )
        dialog.show()
        return dialog

    def open_timeline(self) -> QtOrderTimeline | None:
        """Open the current order's timeline (returned, for tests; it runs modeless)."""
        order_id = self.table.currentIndex().data(ORDER_ID_ROLE)
        if order_id is None:
            self.said.emit("Select an order to see its timeline.")
            return None
        window = QtOrderTimeline(self._engine, order_id, self)
        window.show()
        return window

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        menu = self.row_menu(index.row() if index.isValid() else -1)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def row_menu(self, row: int) -> QMenu:
        """The right-click menu of ``row`` (-1: below the rows): a parent's actions on a parent's row, else the
        order actions."""
        menu = QMenu(self)
        order_id = self.model.order_at(row).order_id if row >= 0 else None
        if order_id is not None and self.model.is_parent(order_id):
            if self.parent_actions is not None:
                self.parent_actions(menu, order_id)
            return menu
        menu.addActions(
            [self.timeline_action, self.cancel_action, self.amend_action, self.status_action, self.cancel_all_action]
        )
        if order_id is not None:
            symbol = self.model.order_at(row).spec.symbol
            by_symbol = menu.addAction(f"Cancel all working in {symbol}…  ({_keys(self.cancel_symbol_action)})")
            by_symbol.setEnabled(self.cancel_symbol_action.isEnabled())
            by_symbol.triggered.connect(lambda: self.cancel_symbol(symbol))
        menu.addAction(self.cancel_everything_action)
        return menu

    def column_menu(self) -> QMenu:
        """A menu with a tick for each column: untick to hide it (one column always stays)."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for number, col in enumerate(COLUMNS):
            action = menu.addAction(col.title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(number))
            action.toggled.connect(lambda shown, n=number: self.show_column(n, shown))
        return menu

    def show_column(self, number: int, shown: bool) -> None:
        """Show or hide column ``number``; the last column shown is never hidden."""
        header = self.table.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return
        header.setSectionHidden(number, not shown)

    def _on_header_menu(self, pos: QPoint) -> None:
        self.column_menu().popup(self.table.horizontalHeader().mapToGlobal(pos))


def _follow(button: QPushButton, action: QAction) -> None:
    """Keep a bar button as enabled as its action, with the same tooltip (which says why when it is not)."""
    button.setEnabled(action.isEnabled())
    button.setToolTip(action.toolTip())


def _keys(action: QAction) -> str:
    """``action``'s shortcut as the menus write it."""
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
