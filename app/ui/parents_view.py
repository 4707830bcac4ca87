"""The Parents dock: every parent (care) order on the desk with its filled, average price, working and unsliced
quantities and state, read from its children; "Slice..." opens the ticket on a parent, "Close" ends it, and
"Cancel" ends it and cancels its live children; "Algo: TWAP..." hands it to the engine's TWAP slicer (the Algo
column says how far that has got). The blotter's menu on a parent's row offers the same
(``add_actions``).

Parents are few, so the view re-reads them all when any order or the parents book changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.engine.engine import Engine
from app.engine.ids import OrderId, UserId
from app.engine.parents import Parent, ParentFigures, ParentState
from app.engine.twap import Twap
from app.ui.order_text import qty_text
from app.ui.table_model import Cell, RowsModel
from app.ui.twap_dialog import QtTwapDialog


@dataclass(frozen=True, slots=True)
class ParentRow:
    """One parent as the view shows it."""

    parent: Parent
    figures: ParentFigures
    algo: str = ""
    """What its TWAP has done, if it has one."""


def _px(row: ParentRow) -> str:
    return f"{row.figures.avg_px:.4f}" if row.figures.filled else ""


PARENT_COLUMNS: tuple[Cell, ...] = (
    ("Parent", lambda r: r.parent.parent_id, False),
    ("State", lambda r: r.figures.state.label, False),
    ("Side", lambda r: r.parent.spec.side.label, False),
    ("Symbol", lambda r: r.parent.spec.symbol, False),
    ("Qty", lambda r: qty_text(r.parent.spec.qty), True),
    ("Filled", lambda r: qty_text(r.figures.filled), True),
    ("Avg px", _px, True),
    ("Working", lambda r: qty_text(r.figures.working), True),
    ("Unsliced", lambda r: qty_text(r.figures.unsliced), True),
    ("Algo", lambda r: r.algo, False),
    ("Account", lambda r: r.parent.spec.account, False),
    ("Trader", lambda r: r.parent.spec.trader, False),
    ("Text", lambda r: r.parent.spec.text, False),
)

_OPEN = frozenset({ParentState.STAGED, ParentState.WORKING})


class QtParents(QWidget):
    """The parents table and its buttons; ``sliceAsked`` carries the parent to open the ticket on."""

    sliceAsked = Signal(object)  # noqa: N815 - Qt signal naming
    said = Signal(str)

    def __init__(
        self, engine: Engine, user: UserId, parent: QWidget | None = None, destinations: Sequence[str] = ()
    ) -> None:
        super().__init__(parent)
        self._engine, self.user, self._destinations = engine, user, tuple(destinations)
        self.twap_dialog: QtTwapDialog | None = None
        """The last TWAP dialog opened (kept for tests; it runs modeless)."""
        self.model: RowsModel[ParentRow] = RowsModel(PARENT_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.slice_button = QPushButton("Slice...")
        self.close_button = QPushButton("Close")
        self.cancel_button = QPushButton("Cancel with children")
        self.twap_button = QPushButton("Algo: TWAP...")
        buttons = QHBoxLayout()
        for button in (self.slice_button, self.twap_button, self.close_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.slice_button.clicked.connect(self.slice_selected)
        self.close_button.clicked.connect(lambda: self.close_selected(cancel_children=False))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.twap_button.clicked.connect(self.twap_selected)
        self.refresh()

    def refresh(self, *_changed: object) -> None:
        """Show every parent as it stands now (the selection stays on the same parent)."""
        selected = self.selected()
        book, ledger, twaps = self._engine.book.parents, self._engine.ledger, self._engine.book.twaps
        rows = [ParentRow(p, p.figures(ledger), _algo(twaps.get(p.parent_id))) for p in reversed(book.parents.values())]
        self.model.replace_all(rows)
        if selected is not None:
            self.select(selected.parent_id)

    def select(self, parent_id: OrderId) -> None:
        """Make ``parent_id``'s row the selected one."""
        for n in range(self.model.rowCount()):
            if self.model.row(n).parent.parent_id == parent_id:
                self.table.selectRow(n)

    def selected(self) -> Parent | None:
        """The parent selected, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).parent if rows else None

    def add_actions(self, menu: QMenu, parent_id: OrderId) -> None:
        """Put "Slice...", "Close" and "Cancel with children..." for ``parent_id`` on ``menu`` (the blotter's)."""
        parent = self._engine.book.parents.get(parent_id)
        if parent is None:
            return
        menu.addAction("Slice...").triggered.connect(lambda: self.slice_parent(parent))
        menu.addAction("Algo: TWAP...").triggered.connect(lambda: self.open_twap(parent))
        menu.addAction("Close").triggered.connect(lambda: self.close_parent(parent, cancel_children=False))
        menu.addAction("Cancel with children...").triggered.connect(lambda: self.cancel_parent(parent))

    def slice_selected(self) -> None:
        """Ask for the ticket on the selected parent, if it is still open."""
        parent = self.selected()
        if parent is None:
            self.said.emit("Select a parent to slice.")
        else:
            self.slice_parent(parent)

    def slice_parent(self, parent: Parent) -> None:
        """Ask for the ticket on ``parent``, if it is still open."""
        if parent.figures(self._engine.ledger).state not in _OPEN:
            self.said.emit(f"{parent.parent_id} is closed or done; nothing is left to slice.")
        else:
            self.sliceAsked.emit(parent)

    def twap_selected(self) -> QtTwapDialog | None:
        """Open the TWAP dialog on the selected parent."""
        parent = self.selected()
        if parent is None:
            self.said.emit("Select a parent to hand to the TWAP slicer.")
            return None
        return self.open_twap(parent)

    def open_twap(self, parent: Parent) -> QtTwapDialog:
        """Open the TWAP dialog on ``parent`` (returned, for tests; it runs modeless)."""
        dialog = QtTwapDialog(self._engine, parent, self.user, self._destinations, self)
        dialog.accepted.connect(lambda: self._twap_started(dialog))
        dialog.show()
        self.twap_dialog = dialog
        return dialog

    def _twap_started(self, dialog: QtTwapDialog) -> None:
        if dialog.result_of_send is not None:
            self.said.emit(dialog.result_of_send.message)
        self.refresh()

    def cancel_selected(self) -> None:
        """Offer to cancel the selected parent with its live children."""
        parent = self.selected()
        if parent is not None:
            self.cancel_parent(parent)

    def cancel_parent(self, parent: Parent) -> None:
        """Offer to cancel ``parent`` with its live children."""
        live = len(parent.figures(self._engine.ledger).live_children)
        asked = QMessageBox.question(
            self, "Cancel parent", f"Cancel {parent.parent_id} and its {live} live child order(s)?"
        )
        if asked == QMessageBox.StandardButton.Yes:
            self.close_parent(parent, cancel_children=True)

    def close_selected(self, *, cancel_children: bool) -> None:
        """End the selected parent (cancelling its live children if asked) and say what happened."""
        parent = self.selected()
        if parent is not None:
            self.close_parent(parent, cancel_children=cancel_children)

    def close_parent(self, parent: Parent, *, cancel_children: bool) -> None:
        """End ``parent`` (cancelling its live children if asked) and say what happened."""
        result = self._engine.close_parent(parent.parent_id, self.user, cancel_children=cancel_children)
        self.said.emit(result.message)
        self.refresh()


def _algo(twap: Twap | None) -> str:
    return "" if twap is None else twap.describe()
