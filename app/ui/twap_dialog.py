"""The TWAP dialog: hand a parent (care) order to the engine's TWAP slicer, over so many minutes in so many slices
to one venue (or SMART, each slice routed by the quotes at its time); the engine says what it made of it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from app.engine.commands import CommandResult
from app.engine.engine import Engine
from app.engine.ids import UserId
from app.engine.parents import Parent
from app.engine.smart_routing import SMART
from app.engine.twap import MAX_SLICES
from app.ui.order_text import qty_text

DEFAULT_MINUTES, DEFAULT_SLICES = 30, 6


class QtTwapDialog(QDialog):
    """Start a TWAP on ``parent`` through ``engine`` as ``user``, to one of ``destinations`` or SMART."""

    def __init__(
        self, engine: Engine, parent_order: Parent, user: UserId, destinations: Sequence[str], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self._engine, self._parent, self._user = engine, parent_order, user
        self.result_of_send: CommandResult | None = None
        spec = parent_order.spec
        self.setWindowTitle(f"TWAP {parent_order.parent_id}: {spec.side.label} {qty_text(spec.qty)} {spec.symbol}")
        self.minutes = QSpinBox(minimum=1, maximum=24 * 60, value=DEFAULT_MINUTES, suffix=" min")
        self.slices = QSpinBox(minimum=1, maximum=MAX_SLICES, value=DEFAULT_SLICES)
        self.destination = QComboBox()
        self.destination.addItems([*destinations, SMART])
        self.answer = QLabel(wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout(self)
        form.addRow("Over", self.minutes)
        form.addRow("Slices", self.slices)
        form.addRow("Venue", self.destination)
        form.addRow(self.answer)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)

    def send(self) -> CommandResult:
        """Start the TWAP; close on success, else say why and stay open."""
        result = self._engine.start_twap(
            self._parent.parent_id,
            self._user,
            minutes=self.minutes.value(),
            slices=self.slices.value(),
            destination=self.destination.currentText(),
        )
        self.result_of_send = result
        if result.accepted:
            self.accept()
        else:
            self.answer.setText(result.message)
        return result
