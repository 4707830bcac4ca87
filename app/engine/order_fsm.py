"""The order state machine: one transition table keyed on (state, trigger), and nothing else decides.

A target is either a state or a rule resolved against the order (``Rule``). A pair missing from the table
is not allowed: it changes nothing and the engine records it as an anomaly the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from app.engine.enums import LIVE_STATUSES, PENDING_STATUSES, OrderStatus
from app.engine.fast_init import fast_frozen_init


class Trigger(StrEnum):
    """What happened to an order: a request of ours, a venue report (classified), or a lost line."""

    CANCEL_SENT = "cancel_sent"
    """We sent a cancel."""
    REPLACE_SENT = "replace_sent"
    """We sent a cancel/replace."""
    LINE_LOST = "line_lost"
    """The session dropped while a request of ours had no answer."""
    VENUE_PENDING_NEW = "venue_pending_new"
    """ExecType A."""
    VENUE_NEW = "venue_new"
    """ExecType 0."""
    VENUE_REJECTED = "venue_rejected"
    """ExecType 8."""
    PARTIAL_FILL = "partial_fill"
    """ExecType F leaving quantity open."""
    FULL_FILL = "full_fill"
    """ExecType F completing the order."""
    VENUE_PENDING_CANCEL = "venue_pending_cancel"
    """ExecType 6."""
    VENUE_CANCELED = "venue_canceled"
    """ExecType 4, answering our cancel or unsolicited."""
    CANCEL_REJECTED = "cancel_rejected"
    """OrderCancelReject (35=9) with 434=1."""
    VENUE_PENDING_REPLACE = "venue_pending_replace"
    """ExecType E."""
    VENUE_REPLACED = "venue_replaced"
    """ExecType 5."""
    REPLACE_REJECTED = "replace_rejected"
    """OrderCancelReject (35=9) with 434=2."""
    VENUE_EXPIRED = "venue_expired"
    """ExecType C."""
    VENUE_DONE_FOR_DAY = "venue_done_for_day"
    """ExecType 3."""
    VENUE_SUSPENDED = "venue_suspended"
    """ExecType 9."""
    VENUE_RESTATED = "venue_restated"
    """ExecType D: the venue changed the order; its OrdStatus says to what."""
    VENUE_STATUS = "venue_status"
    """ExecType I: an answer to a status request."""
    FILL_BUSTED = "fill_busted"
    """ExecType H: an earlier fill is canceled."""
    FILL_CORRECTED = "fill_corrected"
    """ExecType G: an earlier fill is corrected."""


class Rule(StrEnum):
    """A target that depends on the order, not only on the table."""

    STAY = "stay"
    """Keep the current state (the event still updates quantities and history)."""
    RESUME = "resume"
    """Go back to where the order stood before the rejected cancel/replace."""
    VENUE = "venue"
    """Take the state the venue reports (OrdStatus 39)."""
    WORKING = "working"
    """New, partially filled or filled, as the quantities now say."""
    AMENDED = "amended"
    """Replaced, or filled when the new quantity is at or below what has filled."""
    REFUSED = "refused"
    """Rejected; but when the venue's OrdStatus says the order still works, it rejected the pending cancel or
    replace (some venues answer one with 150=8): back to where the order stood."""


Target = OrderStatus | Rule

_S = OrderStatus
_T = Trigger
_LIVE_WORKING = (_S.NEW, _S.PARTIALLY_FILLED, _S.REPLACED)
_TERMINAL = (_S.FILLED, _S.CANCELED, _S.REJECTED, _S.EXPIRED)


def _rows(states: tuple[OrderStatus, ...], moves: dict[Trigger, Target]) -> dict[tuple[OrderStatus, Trigger], Target]:
    return {(state, trigger): target for state in states for trigger, target in moves.items()}


TABLE: dict[tuple[OrderStatus, Trigger], Target] = {
    **_rows(
        (_S.PENDING_NEW,),
        {
            _T.VENUE_PENDING_NEW: Rule.STAY,
            _T.VENUE_NEW: _S.NEW,
            _T.VENUE_REJECTED: _S.REJECTED,
            _T.PARTIAL_FILL: _S.PARTIALLY_FILLED,
            _T.FULL_FILL: _S.FILLED,
            _T.VENUE_CANCELED: _S.CANCELED,
            _T.VENUE_EXPIRED: _S.EXPIRED,
            _T.VENUE_SUSPENDED: _S.SUSPENDED,
            _T.VENUE_STATUS: Rule.VENUE,
            _T.CANCEL_SENT: _S.PENDING_CANCEL,
            _T.LINE_LOST: _S.UNKNOWN,
        },
    ),
    **_rows(
        _LIVE_WORKING,
        {
            _T.PARTIAL_FILL: _S.PARTIALLY_FILLED,
            _T.FULL_FILL: _S.FILLED,
            _T.CANCEL_SENT: _S.PENDING_CANCEL,
            _T.REPLACE_SENT: _S.PENDING_REPLACE,
            _T.VENUE_CANCELED: _S.CANCELED,
            _T.VENUE_EXPIRED: _S.EXPIRED,
            _T.VENUE_DONE_FOR_DAY: _S.DONE_FOR_DAY,
            _T.VENUE_SUSPENDED: _S.SUSPENDED,
            _T.VENUE_RESTATED: Rule.VENUE,
            _T.VENUE_STATUS: Rule.VENUE,
            _T.FILL_BUSTED: Rule.WORKING,
            _T.FILL_CORRECTED: Rule.WORKING,
        },
    ),
    (_S.NEW, _T.VENUE_NEW): Rule.STAY,
    (_S.REPLACED, _T.VENUE_NEW): Rule.STAY,
    **_rows(
        (_S.PENDING_CANCEL, _S.PENDING_REPLACE),
        {
            _T.VENUE_NEW: Rule.STAY,
            _T.PARTIAL_FILL: Rule.STAY,
            _T.FULL_FILL: _S.FILLED,
            _T.VENUE_CANCELED: _S.CANCELED,
            _T.VENUE_REJECTED: Rule.REFUSED,
            _T.VENUE_EXPIRED: _S.EXPIRED,
            _T.VENUE_DONE_FOR_DAY: _S.DONE_FOR_DAY,
            _T.VENUE_SUSPENDED: Rule.STAY,
            _T.VENUE_RESTATED: Rule.STAY,
            _T.VENUE_STATUS: Rule.STAY,
            _T.FILL_BUSTED: Rule.STAY,
            _T.FILL_CORRECTED: Rule.STAY,
            _T.LINE_LOST: _S.UNKNOWN,
        },
    ),
    (_S.PENDING_CANCEL, _T.VENUE_PENDING_CANCEL): Rule.STAY,
    (_S.PENDING_CANCEL, _T.CANCEL_REJECTED): Rule.RESUME,
    (_S.PENDING_REPLACE, _T.VENUE_PENDING_REPLACE): Rule.STAY,
    (_S.PENDING_REPLACE, _T.VENUE_REPLACED): Rule.AMENDED,
    (_S.PENDING_REPLACE, _T.REPLACE_REJECTED): Rule.RESUME,
    **_rows(
        (_S.UNKNOWN,),
        {
            _T.VENUE_PENDING_NEW: _S.PENDING_NEW,
            _T.VENUE_NEW: _S.NEW,
            _T.VENUE_REJECTED: _S.REJECTED,
            _T.PARTIAL_FILL: _S.PARTIALLY_FILLED,
            _T.FULL_FILL: _S.FILLED,
            _T.VENUE_PENDING_CANCEL: _S.PENDING_CANCEL,
            _T.VENUE_CANCELED: _S.CANCELED,
            _T.CANCEL_REJECTED: Rule.RESUME,
            _T.VENUE_PENDING_REPLACE: _S.PENDING_REPLACE,
            _T.VENUE_REPLACED: Rule.AMENDED,
            _T.REPLACE_REJECTED: Rule.RESUME,
            _T.VENUE_EXPIRED: _S.EXPIRED,
            _T.VENUE_DONE_FOR_DAY: _S.DONE_FOR_DAY,
            _T.VENUE_SUSPENDED: _S.SUSPENDED,
            _T.VENUE_RESTATED: Rule.VENUE,
            _T.VENUE_STATUS: Rule.VENUE,
            _T.FILL_BUSTED: Rule.STAY,
            _T.FILL_CORRECTED: Rule.STAY,
            _T.LINE_LOST: Rule.STAY,
        },
    ),
    **_rows(
        (_S.SUSPENDED, _S.DONE_FOR_DAY),
        {
            _T.VENUE_NEW: Rule.WORKING,
            _T.VENUE_RESTATED: Rule.VENUE,
            _T.VENUE_STATUS: Rule.VENUE,
            _T.PARTIAL_FILL: _S.PARTIALLY_FILLED,
            _T.FULL_FILL: _S.FILLED,
            _T.VENUE_CANCELED: _S.CANCELED,
            _T.VENUE_EXPIRED: _S.EXPIRED,
            _T.CANCEL_SENT: _S.PENDING_CANCEL,
            _T.FILL_BUSTED: Rule.STAY,
            _T.FILL_CORRECTED: Rule.STAY,
        },
    ),
    (_S.SUSPENDED, _T.VENUE_DONE_FOR_DAY): _S.DONE_FOR_DAY,
    (_S.SUSPENDED, _T.VENUE_SUSPENDED): Rule.STAY,
    (_S.DONE_FOR_DAY, _T.VENUE_DONE_FOR_DAY): Rule.STAY,
    **_rows(
        _TERMINAL,
        {
            _T.VENUE_STATUS: Rule.STAY,
            _T.CANCEL_REJECTED: Rule.STAY,
            _T.REPLACE_REJECTED: Rule.STAY,
            _T.FILL_BUSTED: Rule.STAY,
            _T.FILL_CORRECTED: Rule.STAY,
            _T.LINE_LOST: Rule.STAY,
        },
    ),
    (_S.CANCELED, _T.VENUE_CANCELED): Rule.STAY,
    (_S.EXPIRED, _T.VENUE_EXPIRED): Rule.STAY,
    (_S.REJECTED, _T.VENUE_REJECTED): Rule.STAY,
}
"""Every allowed (state, trigger) and where it leads. DENIED has no row: it was never sent."""


@fast_frozen_init  # one per report
@dataclass(frozen=True, slots=True)
class Situation:
    """What a rule needs to know about the order besides its state."""

    status: OrderStatus
    resume_status: OrderStatus
    qty: Decimal
    cum_qty: Decimal
    venue_status: OrderStatus | None = None


class IllegalTransition(Exception):  # noqa: N818 - named for what it is, like NautilusTrader's InvalidStateTrigger
    """The table has no row for (state, trigger); the text names ``STATE -> trigger``."""


# plain names: read per report
_STAY, _RESUME, _VENUE, _AMENDED, _REFUSED = Rule.STAY, Rule.RESUME, Rule.VENUE, Rule.AMENDED, Rule.REFUSED
_STILL_WORKING = frozenset({OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED, OrderStatus.REPLACED})


def transition(situation: Situation, trigger: Trigger) -> OrderStatus:
    """The state the order moves to, or ``IllegalTransition`` when the table does not allow the trigger."""
    target = TABLE.get((situation.status, trigger))
    if target is None:
        raise IllegalTransition(f"{situation.status.label} -> {trigger.value.replace('_', ' ')}")
    return _resolve(target, situation, trigger)


def _resolve(target: Target, s: Situation, trigger: Trigger) -> OrderStatus:
    if type(target) is OrderStatus:
        return target
    if target is _STAY:
        return s.status
    if target is _RESUME:
        return s.resume_status
    if target is _VENUE:
        if s.venue_status is None:
            raise IllegalTransition(f"{s.status.label} -> {trigger.value} without a usable OrdStatus")
        return s.venue_status
    if target is _AMENDED:
        return OrderStatus.FILLED if s.cum_qty >= s.qty else OrderStatus.REPLACED
    if target is _REFUSED:
        return s.resume_status if s.venue_status in _STILL_WORKING else OrderStatus.REJECTED
    return _working_state(s.qty, s.cum_qty)


def _working_state(qty: Decimal, cum_qty: Decimal) -> OrderStatus:
    """New, partially filled or filled, from the quantities alone."""
    if cum_qty <= 0:
        return OrderStatus.NEW
    return OrderStatus.FILLED if cum_qty >= qty else OrderStatus.PARTIALLY_FILLED


def resume_after(situation: Situation, trigger: Trigger) -> OrderStatus:
    """Where a rejected cancel/replace would return to, once ``trigger`` has also happened.

    While a request is pending the order keeps working underneath it: a fill or a late ack moves that
    underlying state by the same table, so a later reject returns to the truth, not to a stale state.
    """
    under = Situation(situation.resume_status, situation.resume_status, situation.qty, situation.cum_qty)
    target = TABLE.get((under.status, trigger))
    if target is None or target is _RESUME or target is _VENUE or target is _REFUSED:
        return situation.resume_status
    moved = _resolve(target, under, trigger)
    return moved if moved in LIVE_STATUSES and moved not in PENDING_STATUSES else situation.resume_status
