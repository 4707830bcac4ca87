"""Every transition of the order state machine, driven through the real engine, store and report rules.

``EXPECTED`` is written here from the FIX rules, independently of ``order_fsm.TABLE``: a row added to the
table without a line here fails, and so does a row that leads somewhere else than FIX says it should.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.commands import CancelOrder
from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyKind
from app.engine.order import LinkOutcome
from app.engine.order_fsm import TABLE, Trigger
from tests.support.engine_kit import TRADER
from tests.unit.engine.order_desk import Desk

S = OrderStatus
T = Trigger
PF = S.PARTIALLY_FILLED

REACH: dict[OrderStatus, tuple[str, ...]] = {
    S.PENDING_NEW: (),
    S.NEW: ("ack",),
    PF: ("ack", "fill40"),
    S.FILLED: ("ack", "fill_all"),
    S.PENDING_CANCEL: ("ack", "fill40", "cancel"),
    S.CANCELED: ("ack", "fill40", "cancel", "canceled"),
    S.PENDING_REPLACE: ("ack", "fill40", "replace"),
    S.REPLACED: ("ack", "fill40", "replace", "replaced"),
    S.REJECTED: ("rejected",),
    S.EXPIRED: ("ack", "fill40", "expired"),
    S.DONE_FOR_DAY: ("ack", "fill40", "done_for_day"),
    S.SUSPENDED: ("ack", "fill40", "suspended"),
    S.UNKNOWN: ("line_lost",),
}
"""How an order reaches each state; DENIED is reached by the gate and has no transitions."""

REACH_WITH_REQUEST: dict[tuple[OrderStatus, Trigger], tuple[str, ...]] = {
    (S.UNKNOWN, T.CANCEL_REJECTED): ("ack", "fill40", "cancel", "line_lost"),
    (S.UNKNOWN, T.REPLACE_REJECTED): ("ack", "fill40", "replace", "line_lost"),
    (S.UNKNOWN, T.VENUE_REPLACED): ("ack", "fill40", "replace", "line_lost"),
    (S.FILLED, T.CANCEL_REJECTED): ("ack", "fill40", "cancel", "fill_all"),
    (S.FILLED, T.REPLACE_REJECTED): ("ack", "fill40", "replace", "fill_all"),
    (S.CANCELED, T.REPLACE_REJECTED): ("ack", "fill40", "replace", "canceled"),
    (S.REJECTED, T.CANCEL_REJECTED): ("cancel", "rejected"),
    (S.EXPIRED, T.CANCEL_REJECTED): ("ack", "fill40", "cancel", "expired"),
    (S.EXPIRED, T.REPLACE_REJECTED): ("ack", "fill40", "replace", "expired"),
}
"""States reached with a cancel or replace still unanswered, for the triggers that answer it."""


def _working(extra: dict[Trigger, OrderStatus]) -> dict[Trigger, OrderStatus]:
    moves = {
        T.PARTIAL_FILL: PF,
        T.FULL_FILL: S.FILLED,
        T.CANCEL_SENT: S.PENDING_CANCEL,
        T.REPLACE_SENT: S.PENDING_REPLACE,
        T.VENUE_CANCELED: S.CANCELED,
        T.VENUE_EXPIRED: S.EXPIRED,
        T.VENUE_DONE_FOR_DAY: S.DONE_FOR_DAY,
        T.VENUE_SUSPENDED: S.SUSPENDED,
    }
    return {**moves, **extra}


def _awaiting(state: OrderStatus, extra: dict[Trigger, OrderStatus]) -> dict[Trigger, OrderStatus]:
    moves = {
        T.VENUE_NEW: state,
        T.PARTIAL_FILL: state,
        T.FULL_FILL: S.FILLED,
        T.VENUE_CANCELED: S.CANCELED,
        T.VENUE_REJECTED: S.REJECTED,
        T.VENUE_EXPIRED: S.EXPIRED,
        T.VENUE_DONE_FOR_DAY: S.DONE_FOR_DAY,
        T.VENUE_SUSPENDED: state,
        T.VENUE_RESTATED: state,
        T.VENUE_STATUS: state,
        T.FILL_BUSTED: state,
        T.FILL_CORRECTED: state,
        T.LINE_LOST: S.UNKNOWN,
    }
    return {**moves, **extra}


def _idle(state: OrderStatus, extra: dict[Trigger, OrderStatus]) -> dict[Trigger, OrderStatus]:
    moves = {
        T.VENUE_NEW: PF,
        T.VENUE_RESTATED: PF,
        T.VENUE_STATUS: PF,
        T.PARTIAL_FILL: PF,
        T.FULL_FILL: S.FILLED,
        T.VENUE_CANCELED: S.CANCELED,
        T.VENUE_EXPIRED: S.EXPIRED,
        T.CANCEL_SENT: S.PENDING_CANCEL,
        T.FILL_BUSTED: state,
        T.FILL_CORRECTED: state,
    }
    return {**moves, **extra}


def _finished(state: OrderStatus, *repeats: Trigger) -> dict[Trigger, OrderStatus]:
    quiet = (T.VENUE_STATUS, T.CANCEL_REJECTED, T.REPLACE_REJECTED, T.FILL_BUSTED, T.FILL_CORRECTED, T.LINE_LOST)
    return {trigger: state for trigger in (*quiet, *repeats)}


EXPECTED: dict[OrderStatus, dict[Trigger, OrderStatus]] = {
    S.PENDING_NEW: {
        T.VENUE_PENDING_NEW: S.PENDING_NEW,
        T.VENUE_NEW: S.NEW,
        T.VENUE_REJECTED: S.REJECTED,
        T.PARTIAL_FILL: PF,
        T.FULL_FILL: S.FILLED,
        T.VENUE_CANCELED: S.CANCELED,
        T.VENUE_EXPIRED: S.EXPIRED,
        T.VENUE_SUSPENDED: S.SUSPENDED,
        T.VENUE_STATUS: S.NEW,
        T.CANCEL_SENT: S.PENDING_CANCEL,
        T.LINE_LOST: S.UNKNOWN,
    },
    S.NEW: _working(
        {
            T.VENUE_NEW: S.NEW,
            T.VENUE_RESTATED: S.NEW,
            T.VENUE_STATUS: S.NEW,
            T.FILL_BUSTED: S.NEW,
            T.FILL_CORRECTED: S.NEW,
        }
    ),
    PF: _working({T.VENUE_RESTATED: PF, T.VENUE_STATUS: PF, T.FILL_BUSTED: S.NEW, T.FILL_CORRECTED: PF}),
    S.REPLACED: _working(
        {
            T.VENUE_NEW: S.REPLACED,
            T.VENUE_RESTATED: PF,
            T.VENUE_STATUS: PF,  # the venue's answer: a replaced order with fills is partially filled
            T.FILL_BUSTED: S.NEW,
            T.FILL_CORRECTED: PF,
        }
    ),
    S.PENDING_CANCEL: _awaiting(S.PENDING_CANCEL, {T.VENUE_PENDING_CANCEL: S.PENDING_CANCEL, T.CANCEL_REJECTED: PF}),
    S.PENDING_REPLACE: _awaiting(
        S.PENDING_REPLACE,
        {
            T.VENUE_PENDING_REPLACE: S.PENDING_REPLACE,
            T.VENUE_REPLACED: S.REPLACED,
            T.REPLACE_REJECTED: PF,
        },
    ),
    S.UNKNOWN: {
        T.VENUE_PENDING_NEW: S.PENDING_NEW,
        T.VENUE_NEW: S.NEW,
        T.VENUE_REJECTED: S.REJECTED,
        T.PARTIAL_FILL: PF,
        T.FULL_FILL: S.FILLED,
        T.VENUE_PENDING_CANCEL: S.PENDING_CANCEL,
        T.VENUE_CANCELED: S.CANCELED,
        T.CANCEL_REJECTED: PF,
        T.VENUE_PENDING_REPLACE: S.PENDING_REPLACE,
        T.VENUE_REPLACED: S.REPLACED,
        T.REPLACE_REJECTED: PF,
        T.VENUE_EXPIRED: S.EXPIRED,
        T.VENUE_DONE_FOR_DAY: S.DONE_FOR_DAY,
        T.VENUE_SUSPENDED: S.SUSPENDED,
        T.VENUE_RESTATED: S.NEW,
        T.VENUE_STATUS: S.NEW,
        T.FILL_BUSTED: S.UNKNOWN,
        T.FILL_CORRECTED: S.UNKNOWN,
        T.LINE_LOST: S.UNKNOWN,
    },
    S.SUSPENDED: _idle(S.SUSPENDED, {T.VENUE_DONE_FOR_DAY: S.DONE_FOR_DAY, T.VENUE_SUSPENDED: S.SUSPENDED}),
    S.DONE_FOR_DAY: _idle(S.DONE_FOR_DAY, {T.VENUE_DONE_FOR_DAY: S.DONE_FOR_DAY}),
    S.FILLED: _finished(S.FILLED),
    S.CANCELED: _finished(S.CANCELED, T.VENUE_CANCELED),
    S.REJECTED: _finished(S.REJECTED, T.VENUE_REJECTED),
    S.EXPIRED: _finished(S.EXPIRED, T.VENUE_EXPIRED),
}

LEGAL = [(state, trigger, target) for state, moves in EXPECTED.items() for trigger, target in moves.items()]


def test_the_table_allows_exactly_the_transitions_written_here() -> None:
    assert set(TABLE) == {(state, trigger) for state, trigger, _ in LEGAL}


@pytest.mark.parametrize(("state", "trigger", "target"), LEGAL, ids=lambda v: getattr(v, "value", v))
def test_each_legal_transition(tmp_path: Path, state: OrderStatus, trigger: Trigger, target: OrderStatus) -> None:
    desk = Desk(tmp_path)
    desk.steps(*REACH_WITH_REQUEST.get((state, trigger), REACH[state]))
    assert desk.order.status is state
    desk.trigger(trigger)
    assert desk.order.status is target
    kinds = {a.kind for a in desk.anomalies()}
    assert AnomalyKind.ILLEGAL_TRANSITION not in kinds
    assert AnomalyKind.LATE_FILL not in kinds


ILLEGAL_REPORTS = [
    (state, trigger)
    for state in REACH
    for trigger in Trigger
    if (state, trigger) not in TABLE
    and trigger not in (T.CANCEL_SENT, T.REPLACE_SENT, T.LINE_LOST, T.CANCEL_REJECTED, T.REPLACE_REJECTED)
]


@pytest.mark.parametrize(("state", "trigger"), ILLEGAL_REPORTS, ids=lambda v: v.value)
def test_a_report_the_table_does_not_allow_changes_nothing_and_is_shown(
    tmp_path: Path, state: OrderStatus, trigger: Trigger
) -> None:
    desk = Desk(tmp_path)
    desk.steps(*REACH[state])
    before = desk.order.status
    desk.trigger(trigger)
    assert desk.order.status is before
    assert {a.kind for a in desk.anomalies()} & {AnomalyKind.ILLEGAL_TRANSITION, AnomalyKind.LATE_FILL}
    assert desk.order.anomalies >= 1


@pytest.mark.parametrize(
    ("state", "trigger"),
    [(s, t) for s in REACH for t in (T.CANCEL_SENT, T.REPLACE_SENT) if (s, t) not in TABLE],
    ids=lambda v: v.value,
)
def test_a_request_the_table_does_not_allow_is_refused_and_sends_nothing(
    tmp_path: Path, state: OrderStatus, trigger: Trigger
) -> None:
    desk = Desk(tmp_path)
    desk.steps(*REACH[state])
    sent = len(desk.outbound.sent)
    desk.trigger(trigger)
    assert desk.order.status is state
    assert len(desk.outbound.sent) == sent


@pytest.mark.parametrize("step", ["cancel", "replace"])
def test_a_request_rejected_by_execution_report_leaves_the_order_working(tmp_path: Path, step: str) -> None:
    """150=8 with 39=1 answers our pending cancel/replace (some venues refuse one so): the order works on."""
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40", step)
    pending = desk.order.pending
    assert pending is not None
    desk.send(desk.venue.report(ExecType.REJECTED, PF, cl_ord_id=pending.cl_ord_id, orig=desk.order.cl_ord_id))
    assert desk.order.status is PF
    assert desk.order.pending is None
    assert desk.order.chain[-1].outcome is LinkOutcome.REJECTED
    assert desk.engine.cancel(CancelOrder(desk.order_id, TRADER)).accepted  # free for a new request
