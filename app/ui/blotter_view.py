"""The blotter widget: a filter bar over the order table, with cancel and amend from the row.

Delete cancels the selected orders, F2 amends the current one, Ctrl+Shift+Delete cancels every working
order the filter shows; the same actions are on the right-click menu and the bar's buttons. Each
command's answer goes out through ``said`` for the status bar.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.engine.commands import CancelOrder
from app.engine.engine import Engine
from app.engine.ids import OrderId, UserId
from app.ui.amend_dialog import QtAmendDialog
from app.ui.blotter_columns import COLUMNS
from app.ui.blotter_model import ORDER_ID_ROLE, BlotterFilter, BlotterModel, StatusGroup


class QtBlotter(QWidget):
    """Every order of ``engine`` in a sortable, filterable table."""

    said = Signal(str)
    """What the last command came to, in words for the status bar."""

    def __init__(self, engine: Engine, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine, self._user = engine, user
        self.model = BlotterModel(engine.ledger, self)
        self.proxy = BlotterFilter(self.model, self)
        self.table = QTableView()
        self.table.setObjectName("blotter_table")
        self.table.setModel(self.proxy)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # arrival order until a title is clicked
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self.proxy.sort)
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
        self.group.currentTextChanged.connect(lambda text: self.proxy.set_group(StatusGroup(text)))
        self.search = QLineEdit(placeholderText="Search ClOrdID, symbol, account, trader, venue, status")
        self.search.textChanged.connect(self.proxy.set_search)
        self.cancel_action = self._action(
            "Cancel selected", QKeySequence(QKeySequence.StandardKey.Delete), self.cancel_selected
        )
        self.amend_action = self._action("Amend…", QKeySequence("F2"), self.amend_current)
        self.cancel_all_action = self._action(
            "Cancel all shown working", QKeySequence("Ctrl+Shift+Del"), self.cancel_all
        )
        self._lay_out()

    def _action(self, text: str, keys: QKeySequence, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self, shortcut=keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.group)
        bar.addWidget(self.search, 1)
        for action in (self.cancel_action, self.amend_action, self.cancel_all_action):
            button = QPushButton(f"{action.text()}  ({action.shortcut().toString()})")
            button.clicked.connect(action.trigger)
            action.changed.connect(lambda b=button, a=action: _follow(b, a))
            bar.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.table)

    def set_user(self, user: UserId, cancel_refusal: str | None = None, amend_refusal: str | None = None) -> None:
        """Act as ``user`` from now on; a refusal (why they may not cancel, or amend) disables those actions."""
        self._user = user
        for action, refusal in (
            (self.cancel_action, cancel_refusal),
            (self.cancel_all_action, cancel_refusal),
            (self.amend_action, amend_refusal),
        ):
            action.setEnabled(refusal is None)
            action.setToolTip(refusal or action.text())

    def selected_ids(self) -> list[OrderId]:
        """The orders of the selected rows, top to bottom."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.proxy.index(row, 0).data(ORDER_ID_ROLE) for row in rows]

    def select(self, order_id: OrderId) -> None:
        """Make ``order_id``'s row the current, only selected row (if the filter shows it)."""
        row = self.model.row_of(order_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)

    def cancel_selected(self) -> None:
        """Send a cancel for each selected order that can take one; say what happened."""
        self._cancel(self.selected_ids())

    def cancel_all(self) -> None:
        """Send a cancel for every working order the filter shows."""
        shown = [self.proxy.index(row, 0).data(ORDER_ID_ROLE) for row in range(self.proxy.rowCount())]
        self._cancel([i for i in shown if self._engine.ledger.orders[i].status.is_live])

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

    def _on_context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addActions([self.cancel_action, self.amend_action, self.cancel_all_action])
        menu.popup(self.table.viewport().mapToGlobal(pos))


def _follow(button: QPushButton, action: QAction) -> None:
    """Keep a bar button as enabled as its action, with the same tooltip (which says why when it is not)."""
    button.setEnabled(action.isEnabled())
    button.setToolTip(action.toolTip())
