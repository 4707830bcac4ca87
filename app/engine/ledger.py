"""The order ledger: every order, rebuilt by applying events. Applying never decides anything.

Decisions (which state an order moves to, whether a report is a duplicate) are made once, when an event
is recorded; the ledger only writes down what the event says, so a replay gives exactly the same book.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from app.engine.enums import PENDING_STATUSES, ExecType, OrderStatus
from app.engine.events import (
    TRADE_EXEC_TYPES,
    AnomalyRecorded,
    CancelRequested,
    Event,
    ExecutionApplied,
    ForeignOrderAdopted,
    LineLost,
    OrderDenied,
    OrderSubmitted,
    ReplaceDenied,
    ReplaceRequested,
    RequestLost,
    RequestRejected,
)
from app.engine.fast_init import new_tuple
from app.engine.ids import ClOrdId, OrderId
from app.engine.order import ZERO, ChainLink, Fill, LinkOutcome, Order, OrderSpec, RequestKind

_UNANSWERED, _TRADE_CANCEL, _TRADE_CORRECT = LinkOutcome.PENDING, ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT
"""Read for every report, so kept as plain names (an enum member costs a class attribute lookup each time)."""


class OrderLedger:
    """All orders by id and by every ClOrdID they have carried."""

    def __init__(self) -> None:
        self.orders: dict[OrderId, Order] = {}
        self.by_cl_ord_id: dict[ClOrdId, OrderId] = {}
        self.ids_issued = 0
        """How many ids (orders and requests) have been handed out: the next ClOrdID's counter."""
        self.orphan_anomalies = 0
        """Anomalies that belong to no order we know (executions for unknown orders)."""

    def __len__(self) -> int:
        return len(self.orders)

    def __iter__(self) -> Iterator[Order]:
        return iter(self.orders.values())

    def get(self, order_id: OrderId) -> Order | None:
        """The order, or None."""
        return self.orders.get(order_id)

    def find(self, cl_ord_id: ClOrdId | None) -> Order | None:
        """The order that has carried this ClOrdID (as its first id or in any request), or None."""
        if cl_ord_id is None:
            return None
        order_id = self.by_cl_ord_id.get(cl_ord_id)
        return None if order_id is None else self.orders[order_id]

    def live(self) -> Iterator[Order]:
        """Orders that may still execute."""
        return (o for o in self.orders.values() if o.status.is_live)

    def apply(self, event: Event, ts: datetime) -> OrderId | None:
        """Write down what ``event`` says; return the order it changed, if any."""
        if type(event) is ExecutionApplied:
            executed(self.orders[event.order_id], event, ts)
            return event.order_id
        if type(event) is AnomalyRecorded and event.order_id is None:
            self.orphan_anomalies += 1
            return None
        handler = _HANDLERS.get(type(event))
        if handler is None:  # an event about no order (a refusal, a limit, the kill switch)
            return None
        order = handler(self, event, ts)
        order.updated_at = ts
        return order.order_id


def _open(
    ledger: OrderLedger, order_id: OrderId, spec: OrderSpec, status: OrderStatus, ts: datetime, *, ours: bool = True
) -> Order:
    order = Order(
        order_id=order_id,
        spec=spec,
        status=status,
        resume_status=status,
        cl_ord_id=ClOrdId(order_id),
        created_at=ts,
        updated_at=ts,
        qty=spec.qty,
        limit_px=spec.limit_px,
        stop_px=spec.stop_px,
        leaves_qty=spec.qty if status.is_live else ZERO,
    )
    ledger.orders[order_id] = order
    ledger.by_cl_ord_id[ClOrdId(order_id)] = order_id
    ledger.ids_issued += ours  # an adopted order's ClOrdID is the venue's, not one of our counter's
    return order


def _submitted(ledger: OrderLedger, e: OrderSubmitted, ts: datetime) -> Order:
    order = _open(ledger, e.order_id, e.spec, OrderStatus.PENDING_NEW, ts)
    order.chain.append(ChainLink(e.cl_ord_id, None, RequestKind.NEW))
    return order


def _denied(ledger: OrderLedger, e: OrderDenied, ts: datetime) -> Order:
    order = _open(ledger, e.order_id, e.spec, OrderStatus.DENIED, ts)
    order.text = e.reason
    return order


def _adopted(ledger: OrderLedger, e: ForeignOrderAdopted, ts: datetime) -> Order:
    """A foreign order (app/engine/foreign_orders.py): working under the venue's ClOrdID, its earlier fills on it
    (as the venue's CumQty, and in our tally so no break shows) but in no position."""
    order = _open(ledger, e.order_id, e.spec, e.status, ts, ours=False)
    order.resume_status = e.resume_status
    order.chain.append(ChainLink(ClOrdId(e.order_id), None, RequestKind.NEW, LinkOutcome.ACCEPTED))
    order.venue_order_id = e.venue_order_id
    order.cum_qty = order.tally_qty = e.cum_qty
    order.leaves_qty, order.avg_px = e.leaves_qty, e.avg_px
    return order


def _replace_denied(ledger: OrderLedger, e: ReplaceDenied, ts: datetime) -> Order:
    order = ledger.orders[e.order_id]
    order.text = e.reason
    return order


def _request(ledger: OrderLedger, e: CancelRequested | ReplaceRequested, ts: datetime) -> Order:
    order = ledger.orders[e.order_id]
    if isinstance(e, ReplaceRequested):
        link = ChainLink(e.cl_ord_id, e.orig_cl_ord_id, RequestKind.REPLACE, amendment=e.amendment)
    else:
        link = ChainLink(e.cl_ord_id, e.orig_cl_ord_id, RequestKind.CANCEL)
    order.chain.append(link)
    order.status, order.resume_status = e.status, e.resume_status
    ledger.by_cl_ord_id[e.cl_ord_id] = order.order_id
    ledger.ids_issued += 1
    return order


def executed(order: Order, e: ExecutionApplied, ts: datetime) -> None:
    """Write down what execution ``e`` says about ``order`` (its own order, already found)."""
    order.status, order.resume_status = e.status, e.resume_status
    order.updated_at = ts
    order.qty, order.limit_px, order.stop_px = e.qty, e.limit_px, e.stop_px
    order.cum_qty, order.leaves_qty, order.avg_px = e.cum_qty, e.leaves_qty, e.avg_px
    order.tally_qty = e.tally_qty
    order.exec_ids.add(e.exec_id)
    if e.venue_order_id:
        order.venue_order_id = e.venue_order_id
    if e.text:
        order.text = e.text
    _record_fill(order, e)
    first = order.chain[0] if order.chain else None
    if first is not None and first.outcome is _UNANSWERED and e.status not in PENDING_STATUSES:
        first.outcome = _first_answer(e)
    if e.accepted_cl_ord_id is not None:
        _settle(order, e.accepted_cl_ord_id, LinkOutcome.ACCEPTED)
        order.cl_ord_id = e.accepted_cl_ord_id


def _first_answer(e: ExecutionApplied) -> LinkOutcome:
    """What became of the new order, from the first report that settles it: a rejection that is a status answer
    (150=I, 39=8) says the venue does not know the order (it never had it, or forgot it), so the order was lost
    on the way, not refused."""
    if e.status is not OrderStatus.REJECTED:
        return LinkOutcome.ACCEPTED
    return LinkOutcome.LOST if e.exec_type is ExecType.ORDER_STATUS else LinkOutcome.REJECTED


def _record_fill(order: Order, e: ExecutionApplied) -> None:
    kind = e.exec_type
    if kind is _TRADE_CANCEL and e.ref_exec_id:
        # A bust of a fill not yet seen is remembered, so the fill is not counted when it arrives.
        busted = order.fills.get(e.ref_exec_id, _NO_FILL)
        order.fills[e.ref_exec_id] = Fill(busted.qty, busted.px, True)
    elif not e.counted:
        return
    elif kind is _TRADE_CORRECT and e.ref_exec_id in order.fills:
        order.fills[e.ref_exec_id] = Fill(e.last_qty, e.last_px)
    elif kind in TRADE_EXEC_TYPES:
        order.fills[e.exec_id] = new_tuple(Fill, (e.last_qty, e.last_px, False))


_NO_FILL = Fill(ZERO, ZERO)
"""A named tuple from all its values without its Python ``__new__``: one fill per report is made this way."""


def _settle(order: Order, cl_ord_id: ClOrdId, outcome: LinkOutcome) -> None:
    for link in reversed(order.chain):
        if link.cl_ord_id == cl_ord_id:
            link.outcome = outcome
            return


def _rejected(ledger: OrderLedger, e: RequestRejected, ts: datetime) -> Order:
    order = ledger.orders[e.order_id]
    _settle(order, e.cl_ord_id, LinkOutcome.REJECTED)
    order.status = e.status
    order.text = e.text or e.reason
    return order


def _lost(ledger: OrderLedger, e: RequestLost, ts: datetime) -> Order:
    order = ledger.orders[e.order_id]
    _settle(order, e.cl_ord_id, LinkOutcome.LOST)
    return order


def _line_lost(ledger: OrderLedger, e: LineLost, ts: datetime) -> Order:
    order = ledger.orders[e.order_id]
    order.status = e.status
    pending = order.pending
    if pending is not None:
        pending.outcome = LinkOutcome.IN_DOUBT
    return order


def _anomaly(ledger: OrderLedger, e: AnomalyRecorded, ts: datetime) -> Order:
    order = ledger.orders[OrderId(e.order_id or "")]
    order.anomalies += 1
    return order


_HANDLERS: dict[type, Callable[[OrderLedger, Any, datetime], Order]] = {
    OrderSubmitted: _submitted,
    OrderDenied: _denied,
    ReplaceDenied: _replace_denied,
    CancelRequested: _request,
    ReplaceRequested: _request,
    RequestRejected: _rejected,
    RequestLost: _lost,
    LineLost: _line_lost,
    AnomalyRecorded: _anomaly,
    ForeignOrderAdopted: _adopted,
}
