"""A desk for state-machine tests: one order driven by named steps through the real engine and store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import ChangeSet
from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyRecorded
from app.engine.ids import ExecId, OrderId
from app.engine.order import Amendment, Order, RequestKind
from app.engine.order_fsm import Trigger
from app.engine.venue_messages import ExecutionReport, VenueMessage
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder

S = OrderStatus
T = Trigger


class Desk:
    """One order of 100 at 10, a venue counterpart that writes consistent reports, and the engine."""

    def __init__(self, tmp_path: Path) -> None:
        self.engine, self.outbound = open_engine(tmp_path / "desk.sqlite3")
        result = self.engine.submit(SubmitOrder(spec(), TRADER))
        assert result.order_id is not None
        self.order_id: OrderId = result.order_id
        self.venue = VenueOrder(self.order_id, 100)
        self.fills: list[ExecutionReport] = []
        self.last: ChangeSet = ChangeSet()

    @property
    def order(self) -> Order:
        order = self.engine.ledger.get(self.order_id)
        assert order is not None
        return order

    def anomalies(self) -> list[AnomalyRecorded]:
        """Anomalies recorded by the last step."""
        return [r.event for r in self.last.recorded if isinstance(r.event, AnomalyRecorded)]

    def send(self, *messages: VenueMessage) -> None:
        self.last = self.engine.apply_venue_messages(messages)

    def steps(self, *names: str) -> None:
        for name in names:
            getattr(self, f"do_{name}")()

    # Named steps used to reach a state --------------------------------------------------------------
    def do_ack(self) -> None:
        self.send(self.venue.ack())

    def do_fill40(self) -> None:
        self.do_fill(Decimal(40))

    def do_fill_all(self) -> None:
        self.do_fill(self.venue.qty - self.venue.cum)

    def do_fill(self, qty: Decimal) -> None:
        report = self.venue.fill(qty, 10)
        self.fills.append(report)
        self.send(report)

    def do_cancel(self) -> None:
        assert self.engine.cancel(CancelOrder(self.order_id, TRADER)).accepted

    def do_replace(self) -> None:
        assert self.engine.replace(self._bigger()).accepted

    def _bigger(self) -> ReplaceOrder:
        return ReplaceOrder(self.order_id, Amendment(self.order.qty + 20, Decimal(10)), TRADER)

    def do_line_lost(self) -> None:
        self.last = self.engine.line_lost("SIM1")

    def do_canceled(self) -> None:
        pending = self.order.pending
        mine = pending.cl_ord_id if pending and pending.kind is RequestKind.CANCEL else None
        self.send(self.venue.canceled(mine))

    def do_replaced(self) -> None:
        pending = self.order.pending
        assert pending
        assert pending.amendment
        self.send(self.venue.replaced(pending.cl_ord_id, pending.amendment.qty))

    def do_rejected(self) -> None:
        self.send(self.venue.report(ExecType.REJECTED, S.REJECTED))

    def do_expired(self) -> None:
        self.send(self.venue.report(ExecType.EXPIRED, S.EXPIRED))

    def do_done_for_day(self) -> None:
        self.send(self.venue.report(ExecType.DONE_FOR_DAY, S.DONE_FOR_DAY))

    def do_suspended(self) -> None:
        self.send(self.venue.report(ExecType.SUSPENDED, S.SUSPENDED))

    # Triggers ---------------------------------------------------------------------------------------
    def trigger(self, trigger: Trigger) -> None:
        """Make ``trigger`` happen the way it happens in production: a command, a lost line or a report."""
        commands = {T.CANCEL_SENT: self._try_cancel, T.REPLACE_SENT: self._try_replace, T.LINE_LOST: self.do_line_lost}
        if trigger in commands:
            commands[trigger]()
        else:
            self.send(self._report_for(trigger))

    def _try_cancel(self) -> None:
        self.engine.cancel(CancelOrder(self.order_id, TRADER))

    def _try_replace(self) -> None:
        self.engine.replace(self._bigger())

    def _report_for(self, trigger: Trigger) -> VenueMessage:
        v, pending = self.venue, self.order.pending
        working = S.PARTIALLY_FILLED if v.cum else S.NEW
        if trigger is T.PARTIAL_FILL:
            return v.fill(10, 10)
        if trigger is T.FULL_FILL:
            return v.fill(v.qty - v.cum, 10)
        if trigger in (T.CANCEL_REJECTED, T.REPLACE_REJECTED):
            kind = RequestKind.CANCEL if trigger is T.CANCEL_REJECTED else RequestKind.REPLACE
            return v.reject_request(pending.cl_ord_id if pending else "NOT-PENDING", kind)
        if trigger is T.VENUE_CANCELED:
            return v.canceled(pending.cl_ord_id if pending and pending.kind is RequestKind.CANCEL else None)
        if trigger is T.VENUE_REPLACED:
            if pending and pending.amendment:
                return v.replaced(pending.cl_ord_id, pending.amendment.qty)
            return v.report(ExecType.REPLACED, S.REPLACED)
        if trigger in (T.FILL_BUSTED, T.FILL_CORRECTED):
            return self._bust_or_correct(trigger, working)
        exec_type, status = _PLAIN_REPORTS[trigger]
        return v.report(exec_type, status or working)

    def _bust_or_correct(self, trigger: Trigger, working: OrderStatus) -> ExecutionReport:
        """A bust or a same-terms correction of the last fill; of a fill nobody knows when there is none."""
        if trigger is T.FILL_BUSTED and self.fills:
            return self.venue.bust(self.fills[-1])
        ref = self.fills[-1] if self.fills else None
        exec_type = ExecType.TRADE_CANCEL if trigger is T.FILL_BUSTED else ExecType.TRADE_CORRECT
        if ref is None:
            return self.venue.report(exec_type, working, ref=ExecId("NONE"))
        return self.venue.report(exec_type, working, ref=ref.exec_id, last_qty=ref.last_qty, last_px=ref.last_px)


_PLAIN_REPORTS: dict[Trigger, tuple[ExecType, OrderStatus | None]] = {
    T.VENUE_PENDING_NEW: (ExecType.PENDING_NEW, S.PENDING_NEW),
    T.VENUE_NEW: (ExecType.NEW, S.NEW),
    T.VENUE_REJECTED: (ExecType.REJECTED, S.REJECTED),
    T.VENUE_PENDING_CANCEL: (ExecType.PENDING_CANCEL, S.PENDING_CANCEL),
    T.VENUE_PENDING_REPLACE: (ExecType.PENDING_REPLACE, S.PENDING_REPLACE),
    T.VENUE_EXPIRED: (ExecType.EXPIRED, S.EXPIRED),
    T.VENUE_DONE_FOR_DAY: (ExecType.DONE_FOR_DAY, S.DONE_FOR_DAY),
    T.VENUE_SUSPENDED: (ExecType.SUSPENDED, S.SUSPENDED),
    T.VENUE_RESTATED: (ExecType.RESTATED, None),
    T.VENUE_STATUS: (ExecType.ORDER_STATUS, None),
}
