"""How a venue report changes an order: the events it causes, decided once, by the transition table.

Rules from the venue's side of the truth: each ExecID counts once; CumQty only falls on a bust or a
correction; a report older than what we hold (lower CumQty) may still end an order but never revives
one; a fill for a finished order is counted (the venue says it traded) and flagged; our own sum of
fills is checked against the venue's CumQty and any difference is a break the user sees.
"""

from __future__ import annotations

from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyKind, AnomalyRecorded, Event, ExecutionApplied, RequestRejected
from app.engine.ids import ClOrdId
from app.engine.order import ZERO, Order, RequestKind
from app.engine.order_fsm import IllegalTransition, Situation, Trigger, resume_after, transition
from app.engine.venue_messages import CancelReject, ExecutionReport

_BY_EXEC_TYPE = {
    ExecType.NEW: Trigger.VENUE_NEW,
    ExecType.PENDING_NEW: Trigger.VENUE_PENDING_NEW,
    ExecType.REJECTED: Trigger.VENUE_REJECTED,
    ExecType.CANCELED: Trigger.VENUE_CANCELED,
    ExecType.PENDING_CANCEL: Trigger.VENUE_PENDING_CANCEL,
    ExecType.REPLACED: Trigger.VENUE_REPLACED,
    ExecType.PENDING_REPLACE: Trigger.VENUE_PENDING_REPLACE,
    ExecType.EXPIRED: Trigger.VENUE_EXPIRED,
    ExecType.DONE_FOR_DAY: Trigger.VENUE_DONE_FOR_DAY,
    ExecType.SUSPENDED: Trigger.VENUE_SUSPENDED,
    ExecType.RESTATED: Trigger.VENUE_RESTATED,
    ExecType.ORDER_STATUS: Trigger.VENUE_STATUS,
    ExecType.TRADE_CORRECT: Trigger.FILL_CORRECTED,
    ExecType.TRADE_CANCEL: Trigger.FILL_BUSTED,
}
_REJECT_TRIGGER = {RequestKind.CANCEL: Trigger.CANCEL_REJECTED, RequestKind.REPLACE: Trigger.REPLACE_REJECTED}


def execution_events(order: Order | None, report: ExecutionReport) -> list[Event]:
    """The events ``report`` causes; none when its ExecID was already applied."""
    if order is None:
        detail = (
            f"Execution report {report.exec_id} ({report.exec_type.name.lower()}) names ClOrdID "
            f"{report.cl_ord_id}, which is not one of ours; answered with DontKnowTrade."
        )
        return [AnomalyRecorded(AnomalyKind.UNKNOWN_ORDER, detail)]
    if report.exec_id in order.exec_ids:
        return []
    return _Application(order, report).events()


class _Application:
    """One report applied to one order: the quantities, then the state, then the checks."""

    def __init__(self, order: Order, report: ExecutionReport) -> None:
        self.order, self.report = order, report
        self.anomalies: list[Event] = []
        self.tally = order.tally_qty
        self.counted = False
        self._count_fill()
        busting = report.exec_type in (ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT)
        self.stale = report.cum_qty < order.cum_qty and not busting
        self.cum = report.cum_qty if busting else max(order.cum_qty, report.cum_qty)
        self.avg = order.avg_px if self.stale else report.avg_px
        pending = order.pending
        amending = pending and pending.kind is RequestKind.REPLACE and report.exec_type is ExecType.REPLACED
        amendment = pending.amendment if amending and pending else None
        self.qty = amendment.qty if amendment else order.qty
        self.limit_px = amendment.limit_px if amendment else order.limit_px
        self.stop_px = amendment.stop_px if amendment else order.stop_px

    def _count_fill(self) -> None:
        order, report = self.order, self.report
        if report.exec_type.is_trade:
            earlier = order.fills.get(report.exec_id)
            if earlier is None or not earlier.busted:  # a fill whose bust came first never counts
                self.tally += report.last_qty
                self.counted = True
        elif report.exec_type in (ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT):
            ref = order.fills.get(report.ref_exec_id) if report.ref_exec_id else None
            if ref is None or ref.busted:
                what = "kept in case the fill arrives later" if ref is None else "already busted"
                self._flag(AnomalyKind.UNKNOWN_FILL, f"ExecRefID {report.ref_exec_id} names no fill of ours ({what}).")
                return
            self.tally -= ref.qty
            if report.exec_type is ExecType.TRADE_CORRECT:
                self.tally += report.last_qty
            self.counted = True

    def events(self) -> list[Event]:
        status, resume = self._next_states()
        leaves = max(self.qty - self.cum, ZERO) if status.is_live else ZERO
        applied = ExecutionApplied(
            order_id=self.order.order_id,
            exec_id=self.report.exec_id,
            exec_type=self.report.exec_type,
            reported_cl_ord_id=self.report.cl_ord_id,
            venue_status=self.report.ord_status,
            status=status,
            resume_status=resume,
            last_qty=self.report.last_qty,
            last_px=self.report.last_px,
            cum_qty=self.cum,
            leaves_qty=leaves,
            avg_px=self.avg,
            qty=self.qty,
            limit_px=self.limit_px,
            stop_px=self.stop_px,
            tally_qty=self.tally,
            counted=self.counted,
            venue_order_id=self.report.venue_order_id,
            accepted_cl_ord_id=self._accepted(status),
            ref_exec_id=self.report.ref_exec_id,
            transact_time=self.report.transact_time,
            text=self.report.text,
        )
        self._check_quantities()
        return [applied, *self.anomalies]

    def _trigger(self) -> Trigger:
        kind = self.report.exec_type
        if not kind.is_trade:
            return _BY_EXEC_TYPE[kind]
        done = self.report.ord_status is OrderStatus.FILLED or self.cum >= self.qty
        return Trigger.FULL_FILL if done else Trigger.PARTIAL_FILL

    def _next_states(self) -> tuple[OrderStatus, OrderStatus]:
        order, trigger = self.order, self._trigger()
        now = Situation(order.status, order.resume_status, self.qty, self.cum, self.report.ord_status)
        try:
            status = transition(now, trigger)
        except IllegalTransition as illegal:
            kind = AnomalyKind.LATE_FILL if self.report.exec_type.is_trade else AnomalyKind.ILLEGAL_TRANSITION
            self._flag(kind, f"{self._what()} is not expected when the order is {illegal}; state kept.")
            return order.status, order.resume_status
        if self.stale and not (status.is_terminal or status is OrderStatus.DONE_FOR_DAY):
            return order.status, order.resume_status
        if status in (OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE, OrderStatus.UNKNOWN):
            return status, resume_after(now, trigger)
        return status, status

    def _accepted(self, status: OrderStatus) -> ClOrdId | None:
        pending = self.order.pending
        if pending is None or status in (OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE):
            return None
        answered = {RequestKind.REPLACE: ExecType.REPLACED, RequestKind.CANCEL: ExecType.CANCELED}
        return pending.cl_ord_id if answered[pending.kind] is self.report.exec_type else None

    def _check_quantities(self) -> None:
        if self.cum > self.qty:
            self._flag(AnomalyKind.OVERFILL, f"the venue reports {self.cum} filled of {self.qty}.")
        was, now = self.order.break_qty, self.cum - self.tally
        if now and not was:
            self._flag(
                AnomalyKind.QUANTITY_BREAK,
                f"the venue says {self.cum} filled, our fills add up to {self.tally} ({now:+} unexplained).",
            )
        elif was and not now:
            self._flag(AnomalyKind.BREAK_CLEARED, f"venue CumQty and our fills agree again at {self.cum}.")

    def _what(self) -> str:
        return f"Execution {self.report.exec_id} ({self.report.exec_type.name.lower().replace('_', ' ')})"

    def _flag(self, kind: AnomalyKind, detail: str) -> None:
        self.anomalies.append(AnomalyRecorded(kind, detail[0].upper() + detail[1:], self.order.order_id))


def reject_events(order: Order | None, reject: CancelReject) -> list[Event]:
    """The events an OrderCancelReject causes; none when it answers a request already settled."""
    if order is None:
        detail = f"A {reject.response_to.value} reject names ClOrdID {reject.cl_ord_id}, not one of ours."
        return [AnomalyRecorded(AnomalyKind.UNKNOWN_ORDER, detail)]
    pending = order.pending
    if pending is None or pending.cl_ord_id != reject.cl_ord_id:
        return []
    situation = Situation(order.status, order.resume_status, order.qty, order.cum_qty, reject.ord_status)
    try:
        status = transition(situation, _REJECT_TRIGGER[pending.kind])
    except IllegalTransition as illegal:
        detail = f"Reject not expected: {illegal}"
        return [AnomalyRecorded(AnomalyKind.ILLEGAL_TRANSITION, detail, order.order_id)]
    kind, cl_ord_id = pending.kind, pending.cl_ord_id
    return [RequestRejected(order.order_id, cl_ord_id, kind, status, reject.reason, reject.text)]
