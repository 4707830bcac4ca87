"""Which working orders a cancel-working kill switch cancels, and by which route.

Per venue: one OrderMassCancelRequest when the venue takes them and the scope is all of our orders there
(everything, that venue) or one symbol; otherwise one cancel per order (an account's or a trader's orders
share the venue's session with other orders, which a mass cancel would take too). An order with a
cancel or amend already awaiting the venue, or whose fate is unknown, is deferred: its cancel goes as
soon as that answer comes. Orders finished for good are left alone; one done for the day (39=3) is
canceled too, since the venue may restate it the next morning.

Each order's pending cancel is recorded (durably, in the switch's transaction) before any request is
sent; an order covered by a mass cancel reserves its cancel ClOrdID, which its own 35=F carries if the
venue refuses the mass cancel (35=r with 531=0) and the switch falls back to one cancel per order.

Retries: a caught order still working ``kill_cancel_retry_s`` (a risk limit per venue, default 5 s) after its
cancel last went is sent again, and each retry is an event (``KillCancelRetried``), so the switch's status
can say how many went again. FIX allows one outstanding cancel per order, so an order still pending cancel
gets the same request again (its reserved 35=F, if a mass cancel was to cover it; the venue either acts on
it now or refuses a ClOrdID it has seen, which brings the order back to working); an order working with no
request pending (the venue refused the cancel, or lost it) gets a new cancel under a new ClOrdID. An order
whose fate is unknown (the line dropped) waits for the status request that follows the next logon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from app.engine.enums import OrderStatus
from app.engine.events import (
    AnomalyKind,
    AnomalyRecorded,
    Event,
    KillCancelQueued,
    KillCancelRetried,
    MassCancelAnswered,
    MassCancelSent,
)
from app.engine.ids import SYSTEM_USER, ClOrdId, OrderId, UserId
from app.engine.kill_switch import CaughtOrder, KillSwitch, KillSwitchBoard
from app.engine.kill_terms import CancelRoute, KillGrade, Scope, ScopeKind
from app.engine.ledger import OrderLedger
from app.engine.order import Order, RequestKind
from app.engine.order_fsm import IllegalTransition, Situation, Trigger, transition
from app.engine.venue_messages import MassCancelReport, MassCancelRequest, OutboundRequest, VenueRequest

_MASS_SCOPES = frozenset({ScopeKind.ALL, ScopeKind.VENUE, ScopeKind.SYMBOL})


class CancelBatch(Protocol):
    """The engine's open transaction, as the kill switch uses it."""

    def record(self, event: Event, user: UserId) -> None:
        """Append ``event`` and apply it to the projections."""
        ...

    def send(self, request: OutboundRequest) -> None:
        """Stage a request for the wire (released after the commit)."""
        ...

    def cancel(self, order: Order, status: OrderStatus, user: UserId, *, send: bool = True) -> None:
        """Record ``order`` pending cancel under a new ClOrdID and, if ``send``, stage its 35=F."""
        ...

    @property
    def changed(self) -> set[OrderId]:
        """Ids of the orders this transaction has changed so far."""
        ...


Caught = tuple[Order, OrderStatus]
"""An order to cancel now and the state its cancel moves it to."""


@dataclass(slots=True)
class CancelPlan:
    """The orders a switch cancels, by route."""

    symbol: str | None
    """The one symbol mass cancels are limited to (530=1), or None for every order (530=7)."""
    single: list[Caught] = field(default_factory=list)
    mass: dict[str, list[Caught]] = field(default_factory=dict)
    """By destination."""
    deferred: list[Order] = field(default_factory=list)


def plan_cancels(scope: Scope, orders: Iterable[Order], takes_mass_cancel: Callable[[str], bool]) -> CancelPlan:
    """How each of ``orders`` in ``scope`` not finished for good gets canceled (one done for the day too: the
    venue may restate it the next morning)."""
    plan = CancelPlan(scope.target if scope.kind is ScopeKind.SYMBOL else None)
    by_mass = scope.kind in _MASS_SCOPES
    for order in orders:
        if order.status.is_terminal or not scope.covers(order.spec):
            continue
        if awaiting_answer(order):
            plan.deferred.append(order)
            continue
        status = cancel_target(order)
        if status is None:
            continue
        destination = order.spec.destination
        if by_mass and takes_mass_cancel(destination):
            plan.mass.setdefault(destination, []).append((order, status))
        else:
            plan.single.append((order, status))
    return plan


def awaiting_answer(order: Order) -> bool:
    """Whether a request of ours about ``order`` awaits the venue, or its answer was lost."""
    return order.pending is not None or order.status is OrderStatus.UNKNOWN


def cancel_target(order: Order) -> OrderStatus | None:
    """The state a cancel sent now moves ``order`` to, or None when it cannot be canceled (not working)."""
    situation = Situation(order.status, order.resume_status, order.qty, order.cum_qty)
    try:
        return transition(situation, Trigger.CANCEL_SENT)
    except IllegalTransition:
        return None


def due_cancel(order: Order) -> OrderStatus | None:
    """For a deferred order: the state its cancel moves it to once nothing is pending, else None (not yet, or done)."""
    return None if awaiting_answer(order) else cancel_target(order)


def cancel_working(
    batch: CancelBatch,
    switch: KillSwitch,
    orders: Iterable[Order],
    takes_mass_cancel: Callable[[str], bool],
    mass_id_prefix: str,
) -> None:
    """Cancel every order of ``orders`` in the switch's scope not finished for good; a mass cancel's ClOrdID is the
    prefix and the venue."""
    plan = plan_cancels(switch.scope, orders, takes_mass_cancel)
    user, switch_id = switch.user, switch.switch_id
    for order, status in plan.single:
        batch.cancel(order, status, user)
        batch.record(KillCancelQueued(switch_id, order.order_id, CancelRoute.SINGLE, order.cum_qty), user)
    for order in plan.deferred:
        batch.record(KillCancelQueued(switch_id, order.order_id, CancelRoute.DEFERRED, order.cum_qty), user)
    for destination, caught in plan.mass.items():
        for order, status in caught:
            batch.cancel(order, status, user, send=False)
            batch.record(KillCancelQueued(switch_id, order.order_id, CancelRoute.MASS, order.cum_qty), user)
        cl_ord_id = ClOrdId(f"{mass_id_prefix}-{destination}")
        batch.record(MassCancelSent(switch_id, destination, cl_ord_id, len(caught), plan.symbol), user)
        batch.send(MassCancelRequest(destination, cl_ord_id, plan.symbol))


def mass_cancel_answered(
    batch: CancelBatch, board: KillSwitchBoard, ledger: OrderLedger, report: MassCancelReport
) -> None:
    """Record a venue's answer to a mass cancel; if it refused, send each order its own cancel."""
    found = board.by_mass_id.get(report.cl_ord_id) if report.cl_ord_id else None
    if report.cl_ord_id is None or found is None:
        detail = (
            f"{report.session} answered a mass cancel with ClOrdID {report.cl_ord_id}, which is not one of a kill "
            "switch still on."
        )
        batch.record(AnomalyRecorded(AnomalyKind.UNKNOWN_ORDER, detail), SYSTEM_USER)
        return
    switch_id, destination = found
    text = "; ".join(words for words in (report.reject_reason, report.text) if words)
    answer = MassCancelAnswered(switch_id, destination, report.cl_ord_id, report.accepted, report.affected_orders, text)
    batch.record(answer, SYSTEM_USER)
    if report.accepted:
        return
    for order_id, caught in list(board.active[switch_id].caught.items()):
        order = ledger.orders[order_id]
        pending = order.pending
        if caught.route is not CancelRoute.MASS or order.spec.destination != destination or pending is None:
            continue
        batch.send(_again(order, pending.cl_ord_id, pending.orig_cl_ord_id))
        batch.record(KillCancelQueued(switch_id, order_id, CancelRoute.SINGLE, caught.cum_qty), SYSTEM_USER)


def cancel_deferred(batch: CancelBatch, board: KillSwitchBoard, ledger: OrderLedger) -> None:
    """Orders a switch deferred whose pending request this transaction answered: send their cancels now."""
    changed = list(batch.changed)
    for switch in list(board.active.values()):
        if switch.grade is not KillGrade.CANCEL_WORKING:
            continue
        for order_id in changed:
            caught = switch.caught.get(order_id)
            if caught is None or caught.route is not CancelRoute.DEFERRED:
                continue
            order = ledger.orders[order_id]
            status = due_cancel(order)
            if status is not None:
                batch.cancel(order, status, SYSTEM_USER)
                queued = KillCancelQueued(switch.switch_id, order.order_id, CancelRoute.SINGLE, caught.cum_qty)
                batch.record(queued, SYSTEM_USER)


def _again(order: Order, cl_ord_id: ClOrdId, orig: ClOrdId | None) -> VenueRequest:
    """The order's recorded cancel, sent (perhaps again) under its ClOrdID with PossResend (97=Y): a venue that
    saw it checks it against what it has rather than refusing a duplicate ClOrdID (102=6)."""
    request = VenueRequest.for_order(order, RequestKind.CANCEL, cl_ord_id, orig)
    return replace(request, poss_resend=True)


@dataclass(frozen=True, slots=True)
class Retry:
    """A caught order whose cancel is due to go again, and how long it has waited."""

    switch_id: str
    order: Order
    caught: CaughtOrder
    waited: timedelta


def due_retries(
    board: KillSwitchBoard, ledger: OrderLedger, now: datetime, retry_after: Callable[[str], Decimal]
) -> list[Retry]:
    """The caught orders still working longer than ``retry_after(venue)`` seconds after their cancel last went."""
    due: list[Retry] = []
    for switch in board.active.values():
        if switch.grade is not KillGrade.CANCEL_WORKING:
            continue
        for order_id, caught in switch.caught.items():
            order = ledger.orders[order_id]
            if caught.route is CancelRoute.DEFERRED or order.status.is_terminal:
                continue
            if order.status is OrderStatus.UNKNOWN:
                continue
            waited = now - caught.sent_at
            if waited >= timedelta(seconds=float(retry_after(order.spec.destination))):
                due.append(Retry(switch.switch_id, order, caught, waited))
    return due


def retry(batch: CancelBatch, due: Iterable[Retry]) -> None:
    """Send each due cancel again (see the module docstring for which request goes), recording each retry."""
    for item in due:
        order, waited = item.order, f"{item.waited.total_seconds():.0f} s"
        pending = order.pending
        if pending is not None and pending.kind is RequestKind.CANCEL:
            batch.send(_again(order, pending.cl_ord_id, pending.orig_cl_ord_id))
            cl_ord_id, why = pending.cl_ord_id, f"no answer to cancel {pending.cl_ord_id} in {waited}: sent it again"
        elif pending is None and (status := cancel_target(order)) is not None:
            batch.cancel(order, status, SYSTEM_USER)
            cl_ord_id = order.chain[-1].cl_ord_id  # the cancel just recorded (the ledger updates the order in place)
            why = f"still working {waited} after its cancel went: a new cancel {cl_ord_id} was sent"
        else:
            continue
        attempt = item.caught.retries + 1
        batch.record(KillCancelRetried(item.switch_id, order.order_id, cl_ord_id, attempt, why), SYSTEM_USER)
