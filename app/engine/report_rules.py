"""How a venue report changes an order: the events it causes, decided once, by the transition table.

Rules from the venue's side of the truth: each ExecID counts once; CumQty only falls on a bust or a
correction; a report older than what we hold (lower CumQty) may still end an order but never revives
one; a fill for a finished order is counted (the venue says it traded) and flagged; our own sum of
fills is checked against the venue's CumQty and any difference is a break the user sees.
"""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import LIVE_STATUSES, TERMINAL_STATUSES, ExecType, OrderStatus
from app.engine.events import (
    TRADE_EXEC_TYPES,
    AnomalyKind,
    AnomalyRecorded,
    Event,
    ExecutionApplied,
    RequestLost,
    RequestRejected,
)
from app.engine.foreign_orders import status_events
from app.engine.ids import ClOrdId
from app.engine.ledger import OrderLedger
from app.engine.order import ZERO, LinkOutcome, Order, RequestKind
from app.engine.order_fsm import IllegalTransition, Situation, Trigger, resume_after, transition
from app.engine.venue_messages import CancelReject, ExecutionReport, UnreadableReport

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
    """The events ``report`` causes; none when its ExecID was already applied (status answers are read each time)."""
    if order is None:
        if report.exec_type is ExecType.ORDER_STATUS:
            return status_events(report)  # not refused: a status answer is no execution (foreign_orders.py)
        detail = (
            f"Execution report {report.exec_id} ({report.exec_type.name.lower()}) names ClOrdID "
            f"{report.cl_ord_id}, which is not one of ours; answered with DontKnowTrade."
        )
        return [AnomalyRecorded(AnomalyKind.UNKNOWN_ORDER, detail)]
    if report.exec_id in order.exec_ids and report.exec_type is not ExecType.ORDER_STATUS:
        return []  # a status answer changes no quantity and may reuse an ExecID (FIX 4.4 lets it be 0): read each
    return _Application(order, report).events()


def plain_report(order: Order, report: ExecutionReport) -> ExecutionApplied | None:
    """The one event of the commonest reports (a plain fill, a plain ack), decided in one pass; None for anything
    the general rules (``execution_events``) must weigh."""
    kind = report.exec_type
    if kind is _NEW:
        return _plain_ack(order, report)
    return _plain_fill(order, report) if kind is _TRADE or kind in TRADE_EXEC_TYPES else None


def _plain_fill(order: Order, report: ExecutionReport) -> ExecutionApplied | None:
    """The event of a plain fill, or None when the report is not one.

    A plain fill is a trade (150=F) for a working order with no cancel or replace awaiting an answer, under an
    ExecID never seen (nor busted before it came), whose CumQty moves on from ours by at least nothing and stays
    within the order, with our tally and the venue's CumQty agreeing before and after. For such a report the
    general rules come to exactly this event and no anomaly; a test runs random report streams through both and
    compares every event and every projection.
    """
    exec_id, held, cum = report.exec_id, order.cum_qty, report.cum_qty
    if (
        order.status not in _PLAINLY_WORKING
        or cum < held
        or exec_id in order.fills  # a fill seen before, or one whose bust came first
        or exec_id in order.exec_ids
        or order.pending is not None
    ):
        return None
    if cum == held:  # as the general rules keep it: ours, with its own exponent
        cum = held
    qty, tally = order.qty, order.tally_qty + report.last_qty
    if cum > qty or cum != tally or held != order.tally_qty:
        return None
    filled = report.ord_status is _FILLED or cum >= qty
    status = _FILLED if filled else _PARTIALLY_FILLED
    return _applied(order, report, status, cum, ZERO if filled else qty - cum, tally, counted=True)


def _plain_ack(order: Order, report: ExecutionReport) -> ExecutionApplied | None:
    """The event of a plain ack, or None when the report is not one.

    A plain ack is a 150=0 for an order pending new with no cancel or replace awaiting an answer, under an ExecID
    never seen, restating the CumQty we hold (within the order) with our tally agreeing: the order is now new and
    nothing else changes. The general rules come to exactly this event and no anomaly (the same test compares).
    """
    held = order.cum_qty
    if (
        order.status is not _PENDING_NEW
        or report.cum_qty != held
        or held != order.tally_qty
        or held > order.qty
        or report.exec_id in order.exec_ids
        or order.pending is not None
    ):
        return None
    return _applied(order, report, _NEW_STATUS, held, order.qty - held, held, counted=False)


def _applied(
    order: Order,
    report: ExecutionReport,
    status: OrderStatus,
    cum: Decimal,
    leaves: Decimal,
    tally: Decimal,
    *,
    counted: bool,
) -> ExecutionApplied:
    """The event of a plain report: the order's own terms, the report's facts, moving to ``status`` outright."""
    return ExecutionApplied(
        order.order_id,
        report.exec_id,
        report.exec_type,
        report.cl_ord_id,
        report.ord_status,
        status,
        status,
        report.last_qty,
        report.last_px,
        cum,
        leaves,
        report.avg_px,
        order.qty,
        order.limit_px,
        order.stop_px,
        tally,
        counted,
        report.venue_order_id,
        None,
        report.ref_exec_id,
        report.transact_time,
        report.text,
    )


def unreadable_events(ledger: OrderLedger, report: UnreadableReport) -> list[Event]:
    """The anomaly an execution report we could not read leaves: what was wrong, the order it names (when its
    11, 41 or 37 name one of ours) and the raw message. It changes no order (see ``UnreadableReport``)."""
    order = ledger.find(report.cl_ord_id) or ledger.find(report.orig_cl_ord_id)
    if order is None and report.venue_order_id is not None:  # rare enough for a walk over the orders
        venue_id, session = report.venue_order_id, report.session
        order = next((o for o in ledger if o.venue_order_id == venue_id and o.spec.destination == session), None)
    names = order.order_id if order is not None else None
    about = f"order {order.order_id}" if order is not None else "no order of ours"
    session = f" from {report.session}" if report.session else ""
    detail = f"Execution report{session} not applied ({about}): {report.problem} Raw: {report.raw}"
    return [AnomalyRecorded(AnomalyKind.UNREADABLE_REPORT, detail, names)]


_BUSTS = frozenset({ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT})
_AWAITING_ANSWER = frozenset({OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE})
_KEEPS_RESUME = frozenset({OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE, OrderStatus.UNKNOWN})
_ANSWERED_BY = {RequestKind.REPLACE: ExecType.REPLACED, RequestKind.CANCEL: ExecType.CANCELED}
"""The ExecType that accepts a pending request of each kind."""
# Members read for every report, as plain names (an enum member costs a class attribute lookup each time).
_REPLACE, _REPLACED, _TRADE_CORRECT = RequestKind.REPLACE, ExecType.REPLACED, ExecType.TRADE_CORRECT
_FILLED, _DONE_FOR_DAY, _UNKNOWN = OrderStatus.FILLED, OrderStatus.DONE_FOR_DAY, OrderStatus.UNKNOWN
_ORDER_STATUS, _IN_DOUBT = ExecType.ORDER_STATUS, LinkOutcome.IN_DOUBT
_FULL_FILL, _PARTIAL_FILL = Trigger.FULL_FILL, Trigger.PARTIAL_FILL
_REJECTED, _REJECTED_STATUS = ExecType.REJECTED, OrderStatus.REJECTED
_PARTIALLY_FILLED = OrderStatus.PARTIALLY_FILLED
_NEW, _TRADE = ExecType.NEW, ExecType.TRADE
_NEW_STATUS, _PENDING_NEW = OrderStatus.NEW, OrderStatus.PENDING_NEW
_PLAINLY_WORKING = frozenset({OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED, OrderStatus.REPLACED})
"""The states where the transition table takes a fill to partially filled or filled, by the quantities alone."""


class _Application:
    """One report applied to one order: the quantities, then the state, then the checks."""

    __slots__ = (
        "anomalies", "avg", "counted", "cum", "limit_px", "order", "pending", "qty", "report", "stale", "stop_px",
        "tally", "trade",
    )  # fmt: skip

    def __init__(self, order: Order, report: ExecutionReport) -> None:
        self.order, self.report = order, report
        self.anomalies: list[Event] = []
        self.tally = order.tally_qty
        self.counted = False
        kind = report.exec_type
        self.trade = kind in TRADE_EXEC_TYPES
        busting = kind in _BUSTS
        self._count_fill(busting)
        held, reported = order.cum_qty, report.cum_qty
        self.stale = reported < held and not busting
        self.cum = reported if busting or reported > held else held
        self.avg = order.avg_px if self.stale else report.avg_px
        self.pending = pending = order.pending
        amendment, asked = (
            (pending.amendment, pending.cl_ord_id) if pending and pending.kind is _REPLACE else (None, None)
        )
        if amendment is not None and (kind is _REPLACED or (kind is _ORDER_STATUS and report.cl_ord_id == asked)):
            self.qty, self.limit_px, self.stop_px = amendment.qty, amendment.limit_px, amendment.stop_px
            if report.order_qty is not None:  # the venue's word: a replace below CumQty is amended up to CumQty
                self.qty = report.order_qty
        else:
            self.qty, self.limit_px, self.stop_px = order.qty, order.limit_px, order.stop_px

    def _count_fill(self, busting: bool) -> None:
        order, report = self.order, self.report
        if self.trade:
            earlier = order.fills.get(report.exec_id)
            if earlier is None or not earlier.busted:  # a fill whose bust came first never counts
                self.tally += report.last_qty
                self.counted = True
        elif busting:
            ref = order.fills.get(report.ref_exec_id) if report.ref_exec_id else None
            if ref is None or ref.busted:
                what = "kept in case the fill arrives later" if ref is None else "already busted"
                self._flag(AnomalyKind.UNKNOWN_FILL, f"ExecRefID {report.ref_exec_id} names no fill of ours ({what}).")
                return
            self.tally -= ref.qty
            if report.exec_type is _TRADE_CORRECT:
                self.tally += report.last_qty
            self.counted = True

    def events(self) -> list[Event]:
        status, resume = self._next_states()
        cum, qty, report = self.cum, self.qty, self.report
        leaves = qty - cum if status in LIVE_STATUSES and qty >= cum else ZERO  # as max(qty - cum, ZERO) would
        applied = ExecutionApplied(
            self.order.order_id,
            report.exec_id,
            report.exec_type,
            report.cl_ord_id,
            report.ord_status,
            status,
            resume,
            report.last_qty,
            report.last_px,
            cum,
            leaves,
            self.avg,
            qty,
            self.limit_px,
            self.stop_px,
            self.tally,
            self.counted,
            report.venue_order_id,
            self._accepted(status),
            report.ref_exec_id,
            report.transact_time,
            report.text,
        )
        self._check_quantities()
        lost = self._lost_request(status) or self._refused_request(status)
        if lost is not None:
            return [applied, lost, *self.anomalies]
        if self.anomalies:
            return [applied, *self.anomalies]
        return [applied]

    def _lost_request(self, status: OrderStatus) -> RequestLost | None:
        """After a lost line or a restart, a status answer that shows no request pending and names another
        ClOrdID than ours says the venue never had our cancel or replace: it is lost, and the order is free again.
        Fills resent before that answer may have moved the order out of UNKNOWN; the request stays in doubt."""
        pending, report = self.pending, self.report
        if (
            pending is None
            or report.exec_type is not _ORDER_STATUS
            or (pending.outcome is not _IN_DOUBT and self.order.status is not _UNKNOWN)
            or report.cl_ord_id == pending.cl_ord_id
            or status in _AWAITING_ANSWER
        ):
            return None
        return RequestLost(self.order.order_id, pending.cl_ord_id, pending.kind, status)

    def _refused_request(self, status: OrderStatus) -> RequestRejected | None:
        """A 150=8 that leaves the order working (39=0/1) while a cancel or replace awaited its answer refused
        that request, as a 35=9 would: settle it as rejected."""
        pending, report = self.pending, self.report
        if pending is None or report.exec_type is not _REJECTED or status is _REJECTED_STATUS:
            return None
        if self.order.status not in _AWAITING_ANSWER:
            return None
        reason = f"the venue rejected the {pending.kind.value} with an execution report; the order still works"
        return RequestRejected(self.order.order_id, pending.cl_ord_id, pending.kind, status, reason, report.text)

    def _trigger(self) -> Trigger:
        if not self.trade:
            return _BY_EXEC_TYPE[self.report.exec_type]
        done = self.report.ord_status is _FILLED or self.cum >= self.qty
        return _FULL_FILL if done else _PARTIAL_FILL

    def _next_states(self) -> tuple[OrderStatus, OrderStatus]:
        order, trigger = self.order, self._trigger()
        now = Situation(order.status, order.resume_status, self.qty, self.cum, self.report.ord_status)
        try:
            status = transition(now, trigger)
        except IllegalTransition as illegal:
            kind = AnomalyKind.LATE_FILL if self.trade else AnomalyKind.ILLEGAL_TRANSITION
            self._flag(kind, f"{self._what()} is not expected when the order is {illegal}; state kept.")
            return order.status, order.resume_status
        if self.stale and not (status in TERMINAL_STATUSES or status is _DONE_FOR_DAY):
            return order.status, order.resume_status
        if status in _KEEPS_RESUME:
            return status, resume_after(now, trigger)
        return status, status

    def _accepted(self, status: OrderStatus) -> ClOrdId | None:
        pending = self.pending
        if pending is None or status in _AWAITING_ANSWER:
            return None
        kind = self.report.exec_type
        if kind is _ORDER_STATUS:  # a status answer under the request's ClOrdID: the venue acted on it
            return pending.cl_ord_id if self.report.cl_ord_id == pending.cl_ord_id else None
        return pending.cl_ord_id if _ANSWERED_BY[pending.kind] is kind else None

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
