"""The amend dialog: new quantity and prices for one working order, checked before the replace is sent.

It says whether the amend costs the order its place in the venue's queue, shows the risk gate's findings on
the new terms as the ticket does (``QtRiskVerdict``: a reason box to override warnings for roles that may),
and what the engine answered; the order itself shows "Amend pending" in the blotter until the venue confirms.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.engine.commands import CommandResult, ReplaceOrder
from app.engine.engine import Engine
from app.engine.ids import UserId
from app.engine.order import Amendment, FieldError, Order
from app.ui.order_text import px_text, qty_text
from app.ui.risk_verdict import QtRiskVerdict
from app.ui.ticket_form import parse_number


class QtAmendDialog(QDialog):
    """Amend ``order`` through ``engine`` as ``user``."""

    def __init__(self, engine: Engine, order: Order, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine, self._order, self._user = engine, order, user
        self.result_of_send: CommandResult | None = None
        self.setWindowTitle(f"Amend {order.cl_ord_id}: {order.spec.side.label} {order.spec.symbol}")
        self.qty = QLineEdit(qty_text(order.qty).replace(",", ""))
        self.limit_px = QLineEdit(px_text(order.limit_px))
        self.stop_px = QLineEdit(px_text(order.stop_px))
        self.limit_px.setEnabled(order.spec.ord_type.needs_limit_price)
        self.stop_px.setEnabled(order.spec.ord_type.needs_stop_price)
        self.problems = QLabel(wordWrap=True)
        self.problems.setStyleSheet("color: #dc2626;")
        self.priority = QLabel(wordWrap=True)
        self.verdict = QtRiskVerdict()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout(self)
        form.addRow(f"Quantity (filled {qty_text(order.cum_qty)})", self.qty)
        form.addRow("Limit", self.limit_px)
        form.addRow("Stop", self.stop_px)
        form.addRow(self.priority)
        form.addRow(self.verdict)
        form.addRow(self.problems)
        form.addRow(self.buttons)
        for line in (self.qty, self.limit_px, self.stop_px):
            line.textEdited.connect(self._check)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        self._check()

    def _read(self) -> tuple[Amendment, list[FieldError]]:
        found: list[FieldError] = []
        qty = parse_number(self.qty.text(), "qty", "Quantity", found)
        spec = self._order.spec
        limit = parse_number(self.limit_px.text(), "limit_px", "Limit price", found)
        stop = parse_number(self.stop_px.text(), "stop_px", "Stop price", found)
        amendment = Amendment(
            qty if qty is not None else self._order.qty,
            limit if spec.ord_type.needs_limit_price else None,
            stop if spec.ord_type.needs_stop_price else None,
        )
        return amendment, found or amendment.problems(self._order)

    def _check(self) -> None:
        amendment, problems = self._read()
        self.problems.setText("\n".join(p.message for p in problems))
        loses = amendment.loses_priority(self._order)
        self.priority.setText(
            "This amend loses the order's place in the queue." if loses else "The order keeps its place in the queue."
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)
        verdict = None if problems else self._engine.gate.check_amend(self._order, amendment, self._engine.book)
        self.verdict.show_verdict(verdict, self._engine.directory.role_of(self._user))

    def send(self) -> None:
        """Send the replace; close if the engine took it, else say why and stay open."""
        amendment, problems = self._read()
        if problems:
            return
        command = ReplaceOrder(self._order.order_id, amendment, self._user, override_reason=self.verdict.reason())
        self.result_of_send = self._engine.replace(command)
        if self.result_of_send.accepted:
            self.accept()
        else:
            self.problems.setText(self.result_of_send.message)
