"""The allocation editor: a PM splits a block's fills over its accounts, previews, proposes and releases.

Pick a block (or select it in the blotter): the legs table shows each account's quantity, the block's average
price, the notional, the commission and its rate, pro-rata at the block's template's rates at first. Editing a
quantity or a rate ("5 bps", "0.02/sh") previews at once, with the sums and the residual rule under the table
and any problem in words. Propose records a new version (the rates with it); Release moves the positions and
locks the allocation. Every version is listed with who made it and when. A role that may not allocate (trader,
viewer) sees all of it read-only, with the reason on the buttons.
Templates are saved below: a name, % or quantities, and ``ACCOUNT target`` pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.allocation import rules
from app.engine.allocation.book import Block
from app.engine.allocation.split import PX_PLACES, RESIDUAL_RULE
from app.engine.allocation.terms import AllocationTemplate, CommissionRate, TargetBasis, TemplateLeg
from app.engine.allocation.words import corrective_text
from app.engine.commands import CommandResult
from app.engine.engine import Engine
from app.engine.events import AllocationProposed
from app.engine.ids import AccountId, OrderId, UserId
from app.engine.order import Order
from app.engine.roles import Action, allows, refusal

COLUMNS = ("Account", "Quantity", "Avg price", "Notional", "Commission", "Commission rate")
QTY_COLUMN = 1
RATE_COLUMN = 5
_EDITABLE = (QTY_COLUMN, RATE_COLUMN)
_ERROR_STYLE = "color: #dc2626;"
_BASES = {"% of the fill": TargetBasis.PCT, "Target quantities": TargetBasis.QTY}


class QtAllocationEditor(QWidget):
    """The blocks of ``engine`` allocated as ``user``; ``accounts`` are the desk's (for templates)."""

    def __init__(self, engine: Engine, user: UserId, accounts: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine, self._user, self._accounts = engine, user, list(accounts)
        self._refusal: str | None = None
        self._filling = False
        self._shown: AllocationProposed | None = None
        self.blocks = QComboBox()
        self.state = QLabel(wordWrap=True)
        self.legs = QTableWidget(0, len(COLUMNS))
        self.legs.setHorizontalHeaderLabels(COLUMNS)
        self.legs.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.legs.verticalHeader().setVisible(False)
        self.sums = QLabel(wordWrap=True)
        self.rule = QLabel(f"Residual rule: {RESIDUAL_RULE}", wordWrap=True)
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet(_ERROR_STYLE)
        self.pro_rata_button = QPushButton("Pro-rata")
        self.propose_button = QPushButton("Propose")
        self.release_button = QPushButton("Release")
        self.versions = QListWidget()
        self.template_name = QLineEdit(placeholderText="template name")
        self.template_basis = QComboBox()
        self.template_basis.addItems(list(_BASES))
        self.template_legs = QLineEdit(placeholderText="e.g. FUND1 50, FUND2 30, FUND3 20")
        self.template_rate = QLineEdit("0", placeholderText="commission, bps")
        self.save_template_button = QPushButton("Save template")
        self.result = QLabel(wordWrap=True)
        self._lay_out()
        self.blocks.currentIndexChanged.connect(lambda _index: self.show_block())
        self.legs.itemChanged.connect(lambda _item: self.preview())
        self.pro_rata_button.clicked.connect(self.pro_rata)
        self.propose_button.clicked.connect(self.propose)
        self.release_button.clicked.connect(self.release)
        self.save_template_button.clicked.connect(self.save_template)
        self.set_user(user)
        self.reload()

    def _lay_out(self) -> None:
        column = QVBoxLayout(self)
        column.addWidget(self.blocks)
        column.addWidget(self.state)
        column.addWidget(self.legs)
        column.addWidget(self.sums)
        column.addWidget(self.rule)
        column.addWidget(self.problem)
        buttons = QHBoxLayout()
        for button in (self.pro_rata_button, self.propose_button, self.release_button):
            buttons.addWidget(button)
        column.addLayout(buttons)
        column.addWidget(QLabel("Versions"))
        column.addWidget(self.versions)
        form = QFormLayout()
        form.addRow("Template", self.template_name)
        form.addRow("Targets are", self.template_basis)
        form.addRow("Accounts", self.template_legs)
        form.addRow("Commission (bps)", self.template_rate)
        form.addRow(self.save_template_button)
        column.addLayout(form)
        column.addWidget(self.result)

    # Reading the engine ----------------------------------------------------------------------------

    def set_user(self, user: UserId) -> None:
        """Act as ``user``: a role that may not allocate sees everything read-only, the buttons saying why."""
        self._user = user
        role = self._engine.directory.role_of(user)
        self._refusal = None if allows(role, Action.ALLOCATE) else refusal(user, role, Action.ALLOCATE)
        for button in (self.propose_button, self.release_button, self.pro_rata_button, self.save_template_button):
            button.setEnabled(self._refusal is None)
            button.setToolTip(self._refusal or "")
        self.show_block()

    def reload(self) -> None:
        """Read the blocks afresh (a block entered, an allocation proposed or released, the engine reloaded)."""
        current = self.current_block()
        self.blocks.blockSignals(True)
        self.blocks.clear()
        for order_id in self._engine.book.allocations.blocks:
            self.blocks.addItem(self._describe(order_id), order_id)
        index = self.blocks.findData(current) if current is not None else 0
        self.blocks.setCurrentIndex(max(index, 0))
        self.blocks.blockSignals(False)
        self.show_block()

    def follow_orders(self, order_ids: list[OrderId]) -> None:
        """Orders changed: a fill on the block shown changes what can be allocated."""
        current = self.current_block()
        if current is not None and current in order_ids:
            self.blocks.setItemText(self.blocks.currentIndex(), self._describe(current))
            self.show_block()

    def select(self, order_id: OrderId) -> bool:
        """Show ``order_id`` if it is a block (the blotter's selection); whether it was."""
        index = self.blocks.findData(order_id)
        if index >= 0:
            self.blocks.setCurrentIndex(index)
        return index >= 0

    def current_block(self) -> OrderId | None:
        """The block shown, if any."""
        data = self.blocks.currentData()
        return OrderId(data) if data else None

    def _describe(self, order_id: OrderId) -> str:
        order = self._engine.ledger.orders[order_id]
        spec = order.spec
        return f"{order_id}  {spec.side.label} {spec.qty:,} {spec.symbol}  filled {order.cum_qty:,} @ {order.avg_px}"

    def _block(self) -> tuple[Order, Block] | None:
        order_id = self.current_block()
        if order_id is None:
            return None
        return self._engine.ledger.orders[order_id], self._engine.book.allocations.blocks[order_id]

    # Showing a block --------------------------------------------------------------------------------

    def show_block(self) -> None:
        """Show the block: its latest version, else the pro-rata split of its fill, and every version."""
        found = self._block()
        self.versions.clear()
        if found is None:
            self.state.setText("No block orders yet: enter an order with an allocation template.")
            self._fill_legs(None)
            return
        order, block = found
        self.state.setText(_state_text(order, block))
        self.versions.addItems([_version_text(block, v.proposed, v.at.strftime("%H:%M:%S")) for v in block.versions])
        latest = block.latest
        locked = latest is not None and block.released(latest.proposed.version)
        settling = locked and block.out_of_date(order)  # filled since the release: a supplement can be proposed
        if latest is not None and locked and not settling:
            self.problem.clear()
            self._fill_legs(latest.proposed)
        elif latest is None or latest.stale_for(order):
            self._fill_legs(self._preview(None))
        else:
            self.problem.clear()
            self._fill_legs(latest.proposed)
        editable = (settling or not locked) and self._refusal is None
        shown = self._shown
        pro_rata_only = shown is not None and shown.is_corrective  # a corrective version goes by the released legs
        self.legs.setEditTriggers(
            QTableWidget.EditTrigger.AllEditTriggers
            if editable and not pro_rata_only
            else QTableWidget.EditTrigger.NoEditTriggers
        )
        for button in (self.propose_button, self.release_button, self.pro_rata_button):
            button.setEnabled(editable)

    def pro_rata(self) -> None:
        """Back to the block's template, pro-rata over what is filled."""
        self._fill_legs(self._preview(None))

    def _preview(
        self, legs: list[rules.LegQty] | None, rates: dict[AccountId, CommissionRate] | None = None
    ) -> AllocationProposed | None:
        """What proposing would record now (nothing is recorded); a problem goes under the table."""
        order_id = self.current_block()
        if order_id is None:
            return None
        book, order = self._engine.book.allocations, self._engine.ledger.get(order_id)
        proposed = rules.proposal(book, order, order_id, self._user, legs, rates)
        self.problem.setText(proposed if isinstance(proposed, str) else "")
        return None if isinstance(proposed, str) else proposed

    def _fill_legs(self, proposed: AllocationProposed | None) -> None:
        self._filling = True
        self._shown = proposed
        legs = proposed.legs if proposed is not None else ()
        self.legs.setRowCount(len(legs))
        for row, leg in enumerate(legs):
            assert proposed is not None
            texts = (leg.account, str(leg.qty), str(proposed.px), f"{leg.notional:,}", f"{leg.commission:,}")
            for col, text in enumerate((*texts, str(leg.rate))):
                item = QTableWidgetItem(text)
                if col not in _EDITABLE:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.legs.setItem(row, col, item)
        self._filling = False
        self._show_sums(proposed)

    def _show_sums(self, proposed: AllocationProposed | None) -> None:
        if proposed is None:
            self.sums.clear()
            return
        allocated = sum((leg.qty for leg in proposed.legs), Decimal(0))
        left = proposed.qty - allocated
        since = " since the release (supplement)" if proposed.is_supplement else ""
        self.sums.setText(
            f"Allocated {allocated:,} of {proposed.qty:,} filled{since} (left in the block's account: {left:,}) · "
            f"notional {proposed.notional:,} · commission {proposed.commission:,}"
        )

    def edited_legs(self) -> list[rules.LegQty] | None:
        """The legs as edited (account, quantity); None when a quantity is not a number (said under the table)."""
        legs: list[rules.LegQty] = []
        for row in range(self.legs.rowCount()):
            account, text = self._cell(row, 0), self._cell(row, QTY_COLUMN)
            qty = _decimal(text or "0")
            if qty is None:
                self.problem.setText(f"The quantity for {account} must be a number, not '{text}'.")
                return None
            legs.append((AccountId(account), qty))
        return legs

    def edited_rates(self) -> dict[AccountId, CommissionRate] | None:
        """Each leg's commission rate as edited ("5 bps", "0.02 per share"); None when one cannot be read (said)."""
        rates: dict[AccountId, CommissionRate] = {}
        for row in range(self.legs.rowCount()):
            account, text = self._cell(row, 0), self._cell(row, RATE_COLUMN)
            rate = CommissionRate.parse(text or "0")
            if rate is None:
                self.problem.setText(
                    f"The commission rate for {account} must be basis points (5 or 5 bps) or an amount per share "
                    f"(0.02/sh or 0.02 per share), not '{text}'."
                )
                return None
            rates[AccountId(account)] = rate
        return rates

    def _cell(self, row: int, column: int) -> str:
        item = self.legs.item(row, column)
        return item.text() if item is not None else ""

    def preview(self) -> None:
        """A quantity was edited: recompute each leg's notional and commission and the sums."""
        if self._filling:
            return
        legs, rates = self.edited_legs(), self.edited_rates()
        if legs is not None and rates is not None and (proposed := self._preview(legs, rates)) is not None:
            self._fill_legs(proposed)

    # Commands ---------------------------------------------------------------------------------------

    def propose(self) -> CommandResult | None:
        """Record the legs as shown as a new version."""
        order_id, legs, rates = self.current_block(), self.edited_legs(), self.edited_rates()
        if order_id is None or legs is None or rates is None:
            return None
        return self._said(self._engine.propose_allocation(order_id, self._user, legs, rates))

    def release(self) -> CommandResult | None:
        """Release the latest version: the positions move and the allocation locks."""
        found = self._block()
        if found is None:
            return None
        order, block = found
        version = block.latest.proposed.version if block.latest is not None else 0
        return self._said(self._engine.release_allocation(order.order_id, version, self._user))

    def save_template(self) -> CommandResult:
        """Save the template typed in the form (``ACCOUNT target`` pairs, commas between)."""
        parsed = _template_legs(self.template_legs.text())
        rate = _decimal(self.template_rate.text() or "0")
        if isinstance(parsed, str):
            return self._said(CommandResult.refused(parsed))
        if rate is None:
            return self._said(
                CommandResult.refused(f"The commission must be a number of bps, not '{self.template_rate.text()}'.")
            )
        basis = _BASES[self.template_basis.currentText()]
        template = AllocationTemplate(self.template_name.text().strip(), basis, parsed, rate)
        return self._said(self._engine.save_allocation_template(template, self._user, self._accounts))

    def _said(self, result: CommandResult) -> CommandResult:
        self.result.setText(result.message)
        self.result.setStyleSheet("" if result.accepted else _ERROR_STYLE)
        self.reload()
        return result


def _state_text(order: Order, block: Block) -> str:
    text = f"Template {block.basis.name} · filled {order.cum_qty:,} of {order.qty:,} at {order.avg_px}"
    if order.status.is_live and order.leaves_qty:
        text += f" · still working ({order.leaves_qty:,} to fill): a release now covers what is filled; later fills"
        text += " need a supplement"
    latest = block.latest
    if block.release is not None:
        text += f" · version {block.release.version} RELEASED by {block.release.user}: locked"
        if block.out_of_date(order):
            text += " · OUT OF DATE: changed since release: propose and release a "
            text += "corrective version" if block.released_fills_changed(order) else "supplement"
    if latest is not None and not block.released(latest.proposed.version):
        kind = "supplement" if latest.proposed.is_supplement else "version"
        text += f" · {kind} {latest.proposed.version} proposed"
        if latest.stale_for(order):
            text += " (filled since: propose again)"
    return text


def _version_text(block: Block, proposed: AllocationProposed, at: str) -> str:
    released = " · released" if block.released(proposed.version) else ""
    if proposed.is_corrective:
        return f"v{proposed.version} by {proposed.user} at {at}: {corrective_text(proposed)}{released}"
    legs = ", ".join(f"{leg.account} {leg.qty:,}" for leg in proposed.legs)
    kind = f" supplement of {proposed.qty:,}" if proposed.is_supplement else ""
    places = f" (the late fills' average to {PX_PLACES} places, half-even)" if proposed.is_supplement else ""
    return f"v{proposed.version}{kind} by {proposed.user} at {at}: {legs} @ {proposed.px}{places}{released}"


def _template_legs(text: str) -> tuple[TemplateLeg, ...] | str:
    """``ACCOUNT target`` pairs separated by commas, or what is wrong with them."""
    legs: list[TemplateLeg] = []
    for piece in filter(None, (p.strip() for p in text.split(","))):
        words = piece.split()
        target = _decimal(words[1]) if len(words) == 2 else None
        if target is None:
            return f"Write each account as 'ACCOUNT target' (e.g. FUND1 50), not '{piece}'."
        legs.append(TemplateLeg(AccountId(words[0]), target))
    return tuple(legs)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
