"""The order ticket: every field of a new order, keyboard first, checked next to each field before sending.

Tab walks the fields in reading order, Enter sends, Esc clears. The side sets the colour of the ticket's
Submit button and side box (buy blue, sell red, sell short purple) so the side is never a guess. While the
trader types, each touched field shows its problem right under it, in words wrapped to the ticket's width (so
every message reads whole however narrow the dock; a field that is right takes no room for one). Once the
order is complete the risk gate's findings show above Submit, one line each (blocks red, warnings amber), under
the symbol's bid, ask and last (with their age once stale); what the engine answered shows below it. When only
warnings stand in the way and the user's role may override them, a reason box appears (``QtRiskVerdict``, shared
with the amend dialog): a reason typed there goes with the order, and the override is recorded. Each symbol
remembers the account, quantity and type last sent for it (in ``QSettings``); leaving the symbol field fills
those in, unless the trader has already typed them. Choosing an allocation template instead of an account makes
the order a block, booked to the template's first account until a PM allocates it.

"Stage as parent" turns Submit into staging a parent (care) order that stays on the desk; ``slice_from`` opens
the ticket on a parent (symbol and side locked, its unsliced quantity filled in) so the order sent is one of its
children. The destination ``SMART`` (offered when the engine routes) lets the engine choose the venue. With the
venues' ``listings`` the ticket defaults the destination per symbol to a venue that lists it, and says under the
destination, before Submit, when the one chosen does not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, QSettings, Qt, QTimeZone, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.engine.commands import CommandResult, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import OrdType, Side, TimeInForce
from app.engine.ids import OrderId, UserId
from app.engine.listings import VenueListings
from app.engine.order import FieldError, OrderSpec
from app.engine.parent_terms import ParentSpec
from app.engine.parents import Parent
from app.engine.prices import PriceBook, ReferencePrices
from app.engine.smart_routing import SMART
from app.ui.message_label import QtMessageLabel
from app.ui.order_text import SIDE_COLOURS
from app.ui.quote_line import QtQuoteLine
from app.ui.risk_verdict import QtRiskVerdict
from app.ui.ticket_form import TicketEntry, read_entry

_TYPES = {"Limit": OrdType.LIMIT, "Market": OrdType.MARKET, "Stop": OrdType.STOP, "Stop limit": OrdType.STOP_LIMIT}
_TIFS = {"DAY": TimeInForce.DAY, "GTC": TimeInForce.GTC, "IOC": TimeInForce.IOC, "FOK": TimeInForce.FOK}
_TIFS["GTD"] = TimeInForce.GTD
_ERROR_STYLE = "color: #dc2626;"
_WARNING_STYLE = "color: #d97706;"
NO_TEMPLATE = "None: one account"
"""The allocation choice of an order that is not a block."""
_REMEMBERED = ("account", "qty", "ord_type")
"""What the ticket remembers per symbol, in this order."""


class QtOrderTicket(QWidget):
    """A new-order ticket over ``engine``; ``destinations`` and ``accounts`` fill its choice boxes."""

    submitted = Signal(object)
    """The engine's ``CommandResult`` for each order sent."""

    def __init__(
        self,
        engine: Engine,
        destinations: Sequence[str],
        accounts: Sequence[str],
        user: UserId,
        parent: QWidget | None = None,
        *,
        prices: ReferencePrices | None = None,
        settings: QSettings | None = None,
        listings: VenueListings | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine, self._user = engine, user
        self._listings = listings or VenueListings()
        self._settings = settings
        self._touched: set[str] = set()
        self.symbol = QLineEdit(placeholderText="e.g. AAPL")
        self.side = _combo([side.label for side in Side])
        self.qty = QLineEdit(placeholderText="shares")
        self.ord_type = _combo(list(_TYPES))
        self.limit_px = QLineEdit(placeholderText="limit price")
        self.stop_px = QLineEdit(placeholderText="stop price")
        self.tif = _combo(list(_TIFS))
        self.expire_at = QDateTimeEdit(displayFormat="yyyy-MM-dd HH:mm 'UTC'", calendarPopup=True)
        self.expire_at.setTimeZone(QTimeZone.utc())
        self.account = _combo(list(accounts), editable=True)
        self.allocation = _combo([NO_TEMPLATE])
        self.destination = _combo([*destinations, *([SMART] if engine.router is not None else [])])
        self.venue_note = QtMessageLabel(_WARNING_STYLE)
        self.venue_note.setObjectName("ticket_venue_note")
        self.stage_parent = QCheckBox("Stage as parent (work it by slicing)")
        self.slicing = QLabel()
        self._parent_id: OrderId | None = None
        self.quote = QtQuoteLine(prices or PriceBook(), engine.clock)
        self.submit_button = QPushButton("Buy")
        self.verdict = QtRiskVerdict()
        self.risk, self.override = self.verdict.findings, self.verdict.override
        self.result = QLabel(wordWrap=True)
        self.errors = {name: QtMessageLabel(_ERROR_STYLE) for name in self._fields()}
        self._lay_out()
        self._connect()
        self.clear()
        self.show_templates()

    def _fields(self) -> dict[str, tuple[str, QWidget]]:
        """Each field as (label, widget), keyed by the name ``FieldError.field`` uses, in tab order."""
        return {
            "symbol": ("Symbol", self.symbol),
            "side": ("Side", self.side),
            "qty": ("Quantity", self.qty),
            "ord_type": ("Type", self.ord_type),
            "limit_px": ("Limit", self.limit_px),
            "stop_px": ("Stop", self.stop_px),
            "tif": ("Time in force", self.tif),
            "expire_at": ("Expires", self.expire_at),
            "allocation": ("Allocation", self.allocation),
            "account": ("Account", self.account),
            "destination": ("Destination", self.destination),
        }

    def _lay_out(self) -> None:
        """Each field on a row, its label before it and its problem (when it has one) under both, wrapped to the
        ticket's width: at any width the ticket gets, every word of every message shows."""
        grid = QGridLayout(self)
        grid.setVerticalSpacing(2)
        previous: QWidget | None = None
        for n, (name, (label, widget)) in enumerate(self._fields().items()):
            grid.addWidget(QLabel(label), 2 * n, 0)
            grid.addWidget(widget, 2 * n, 1)
            grid.addWidget(self.errors[name], 2 * n + 1, 0, 1, 2)
            widget.setObjectName(f"ticket_{name}")
            if previous is not None:
                QWidget.setTabOrder(previous, widget)
            previous = widget
        last = 2 * len(self._fields())
        below = (self.venue_note, self.stage_parent, self.slicing, self.quote, self.verdict, self.submit_button)
        for n, widget in enumerate(below):
            grid.addWidget(widget, last + n, 0, 1, 2)
        grid.addWidget(self.result, last + len(below), 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(last + len(below) + 1, 1)
        if previous is not None:
            QWidget.setTabOrder(previous, self.override)
            QWidget.setTabOrder(self.override, self.submit_button)

    def _connect(self) -> None:
        for name, (_, widget) in self._fields().items():
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _text, n=name: self._on_edited(n))
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _index, n=name: self._on_edited(n))
                widget.editTextChanged.connect(lambda _text, n=name: self._on_edited(n))
        self.expire_at.dateTimeChanged.connect(lambda _value: self._on_edited("expire_at"))
        self.symbol.editingFinished.connect(self.use_symbol_defaults)
        self.submit_button.clicked.connect(self.submit)
        self.stage_parent.toggled.connect(lambda _on: self._refresh())
        self.symbol.textChanged.connect(self.quote.show_symbol)

    def entry(self) -> TicketEntry:
        """What the fields hold now."""
        expiry = datetime.fromtimestamp(self.expire_at.dateTime().toSecsSinceEpoch(), UTC)
        return TicketEntry(
            symbol=self.symbol.text(),
            side=list(Side)[self.side.currentIndex()],
            qty=self.qty.text(),
            ord_type=_TYPES[self.ord_type.currentText()],
            limit_px=self.limit_px.text(),
            stop_px=self.stop_px.text(),
            tif=_TIFS[self.tif.currentText()],
            expire_at=expiry,
            account=self.account.currentText(),
            destination=self.destination.currentText(),
        )

    def template(self) -> str:
        """The allocation template chosen (the order is then a block), or ""."""
        return "" if self.allocation.currentIndex() <= 0 else self.allocation.currentText()

    def show_templates(self) -> None:
        """Offer the desk's allocation templates as they are now (keeping the one chosen if it still exists)."""
        chosen = self.template()
        self.allocation.blockSignals(True)
        self.allocation.clear()
        self.allocation.addItems([NO_TEMPLATE, *sorted(self._engine.book.allocations.templates)])
        self.allocation.setCurrentIndex(max(self.allocation.findText(chosen), 0) if chosen else 0)
        self.allocation.blockSignals(False)
        self._refresh()

    def set_user(self, user: UserId, refusal: str | None = None) -> None:
        """Send orders as ``user`` from now on; ``refusal`` (why they may not enter orders) disables Submit."""
        self._user = user
        self.submit_button.setEnabled(refusal is None)
        self.submit_button.setToolTip(refusal or "")
        self._refresh()

    def prepare(self, side: Side) -> None:
        """Set the side and put the cursor in the symbol, ready to type an order (the buy/sell hotkeys)."""
        self.side.setCurrentIndex(list(Side).index(side))
        self.symbol.setFocus()
        self.symbol.selectAll()

    def slice_from(self, parent: Parent) -> None:
        """Fill the ticket with a slice of ``parent`` (its symbol and side locked, what is left unsliced, its
        account, limit and allocation); what is sent is one of its children, until the ticket is cleared."""
        self.clear()
        terms, unsliced = parent.spec, parent.figures(self._engine.ledger).unsliced
        self._parent_id = parent.parent_id
        self.symbol.setText(terms.symbol)
        self.side.setCurrentIndex(list(Side).index(terms.side))
        self.qty.setText(str(unsliced))
        self.ord_type.setCurrentText("Limit" if terms.limit_px is not None else "Market")
        self.limit_px.setText("" if terms.limit_px is None else str(terms.limit_px))
        self.allocation.setCurrentText(terms.allocation_template or NO_TEMPLATE)
        self.account.setCurrentText(terms.account)
        for widget in (self.symbol, self.side, self.stage_parent):
            widget.setEnabled(False)
        self.slicing.setText(f"Slice of {parent.parent_id}: {unsliced} of {terms.qty} left unsliced (Esc to stop)")
        self.quote.show_symbol(terms.symbol)
        self._refresh()
        self.qty.setFocus()
        self.qty.selectAll()

    def clear(self) -> None:
        """Back to a blank buy-limit-day ticket, with no messages (and no longer slicing a parent)."""
        self._parent_id = None
        self.slicing.clear()
        self.stage_parent.setChecked(False)
        for widget in (self.symbol, self.side, self.stage_parent):
            widget.setEnabled(True)
        for line in (self.symbol, self.qty, self.limit_px, self.stop_px, self.override):
            line.clear()
        for box in (self.side, self.ord_type, self.tif, self.destination, self.allocation):
            box.setCurrentIndex(0)
        self.account.setCurrentIndex(0)
        tomorrow = self._engine.clock.now().replace(second=0, microsecond=0) + timedelta(days=1)
        self.expire_at.setDateTime(QDateTime.fromSecsSinceEpoch(int(tomorrow.timestamp()), QTimeZone.utc()))
        self._touched.clear()
        self.result.clear()
        self._refresh()
        self.symbol.setFocus()

    def submit(self) -> CommandResult | None:
        """Send the order if every field is right; say what the engine answered. None if nothing was sent."""
        self._touched.update(self._fields())
        spec, problems = read_entry(self.entry(), self._user)
        self._refresh()
        if problems:
            self._say("Not sent: correct the fields marked in red.", ok=False)
            return None
        template = self.template()
        if self.stage_parent.isChecked():
            return self._stage(spec, template)
        spec = dataclasses.replace(spec, parent_id=self._parent_id)
        command = SubmitOrder(spec, self._user, override_reason=self.verdict.reason(), allocation_template=template)
        result = self._engine.submit(command)
        self._show_result(spec, result)
        self.submitted.emit(result)
        return result

    def _stage(self, spec: OrderSpec, template: str) -> CommandResult:
        """Stage the ticket's terms as a parent order (nothing goes to a venue) and say what the engine answered."""
        terms = ParentSpec(spec.symbol, spec.side, spec.qty, spec.account, self._user, spec.limit_px, template)
        result = self._engine.stage_parent(terms, self._user)
        if result.accepted:
            self._say(
                f"Staged {result.order_id}: {spec.side.label} {spec.qty:,} {spec.symbol}; slice it to work it.", ok=True
            )
            self._touched.clear()
        else:
            self._show_problems(list(result.problems))
            self._say(f"Not staged: {result.message}", ok=False)
        self.submitted.emit(result)
        return result

    def _show_result(self, spec: OrderSpec, result: CommandResult) -> None:
        if result.accepted:
            self._remember(spec)
            what = f"{spec.side.label} {spec.qty:,} {spec.symbol}"
            self._say(f"Sent {result.order_id}: {what} to {spec.destination}, pending new.", ok=True)
            self._touched.clear()
            self.override.clear()
            return
        self._show_problems(list(result.problems))
        self._say(f"Denied: {result.message}", ok=False)

    def _remember(self, spec: OrderSpec) -> None:
        if self._settings is not None:
            self._settings.setValue(f"ticket/{spec.symbol}", [spec.account, str(spec.qty), self.ord_type.currentText()])

    def use_symbol_defaults(self) -> None:
        """Fill account, quantity and type with what was last sent for this symbol, where still untouched; and,
        unless the trader chose one, a destination that lists the symbol when the one shown does not."""
        symbol = self.symbol.text().strip().upper()
        venues = self._listings.venues_for(symbol)
        if "destination" not in self._touched and venues and self._listings.not_listed(self._destination(), symbol):
            self.destination.blockSignals(True)  # chosen for the symbol, not by the trader: the next symbol may
            self.destination.setCurrentText(venues[0])  # change it again
            self.destination.blockSignals(False)
            self._refresh()
        remembered = self._settings.value(f"ticket/{symbol}") if self._settings is not None and symbol else None
        if not isinstance(remembered, list) or len(remembered) != len(_REMEMBERED):
            return
        values = dict(zip(_REMEMBERED, remembered, strict=True))
        filled = [name for name in _REMEMBERED if name not in self._touched]
        for name in filled:
            if name == "account":
                self.account.setCurrentText(values[name])
            elif name == "qty":
                self.qty.setText(values[name])
            elif values[name] in _TYPES:
                self.ord_type.setCurrentText(values[name])
        self._touched.difference_update(filled)  # set by us, not typed: another symbol's defaults may replace them
        self._refresh()

    def _on_edited(self, name: str) -> None:
        self._touched.add(name)
        self._refresh()

    def _refresh(self) -> None:
        """Enable the fields this type and time in force use, recolour by side, re-check every field."""
        template = self._engine.book.allocations.templates.get(self.template())
        if template is not None:  # a block is booked to its template's first account until it is allocated
            self.account.setCurrentText(template.legs[0].account)
        self.account.setEnabled(template is None)
        entry = self.entry()
        self.limit_px.setEnabled(entry.ord_type.needs_limit_price)
        self.stop_px.setEnabled(entry.ord_type.needs_stop_price)
        self.expire_at.setEnabled(entry.tif is TimeInForce.GTD)
        colour = SIDE_COLOURS[entry.side]
        verb = f"Stage {entry.side.label.lower()} parent" if self.stage_parent.isChecked() else entry.side.label
        self.submit_button.setText(f"{verb}  (Enter)")
        self.submit_button.setStyleSheet(f"background: {colour}; color: white; font-weight: bold; padding: 6px;")
        self.side.setStyleSheet(f"color: {colour}; font-weight: bold;")
        spec, problems = read_entry(entry, self._user)
        self._show_problems(problems)
        self._show_venue_note(entry)
        self._show_risk(dataclasses.replace(spec, parent_id=self._parent_id), problems)

    def _destination(self) -> str:
        return self.destination.currentText().strip()

    def _show_venue_note(self, entry: TicketEntry) -> None:
        """Say under the destination, before Submit, when the venue chosen does not list the symbol."""
        note = self._listings.not_listed(entry.destination.strip(), entry.symbol.strip().upper())
        self.venue_note.say(note or "")

    def _show_problems(self, problems: list[FieldError]) -> None:
        by_field = {p.field: p.message for p in reversed(problems)}
        for name, label in self.errors.items():
            label.say(by_field.get(name, "") if name in self._touched else "")

    def _show_risk(self, spec: OrderSpec, problems: list[FieldError]) -> None:
        verdict = None if problems else self._engine.check_new(spec)
        self.verdict.show_verdict(verdict, self._engine.directory.role_of(self._user))

    def _say(self, text: str, *, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet("color: #16a34a;" if ok else _ERROR_STYLE)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter sends the order; Esc clears the ticket."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Escape:
            self.clear()
        else:
            super().keyPressEvent(event)


def _combo(items: list[str], *, editable: bool = False) -> QComboBox:
    box = QComboBox()
    box.addItems(items)
    box.setEditable(editable)
    return box
