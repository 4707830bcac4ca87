"""The engine's events: immutable, past tense, each one a fact the order log keeps forever.

State-changing events carry the state they lead to, so replaying the log needs no decisions: the
decisions were made once, by the transition table, when the event was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from app.engine.allocation.terms import AllocationLeg, AllocationTemplate, SettledFill
from app.engine.enums import ExecType, OrderStatus
from app.engine.fast_init import fast_frozen_init
from app.engine.fix.alerts import AlertKind, AlertLevel
from app.engine.ids import ClOrdId, ExecId, OrderId, UserId, VenueOrderId
from app.engine.kill_terms import CancelRoute, KillGrade, KillTrigger, ScopeKind
from app.engine.order import Amendment, OrderSpec, RequestKind
from app.engine.parent_terms import ParentSpec
from app.engine.risk.limit_keys import LimitKey
from app.engine.risk.verdict import Finding
from app.engine.roles import Action, Role


class AnomalyKind(StrEnum):
    """Something the venue told us that does not fit; always shown to the user, never swallowed."""

    ILLEGAL_TRANSITION = "illegal_transition"
    """A report the transition table does not allow in the order's state; the order did not change."""
    LATE_FILL = "late_fill"
    """A fill for an order already finished: counted in the position, because the venue says it traded."""
    QUANTITY_BREAK = "quantity_break"
    """The venue's CumQty and our own sum of fills disagree."""
    BREAK_CLEARED = "break_cleared"
    """A quantity break closed: the venue's CumQty and our sum agree again."""
    UNKNOWN_ORDER = "unknown_order"
    """An execution report for an order we have no record of; answered with DontKnowTrade."""
    UNKNOWN_FILL = "unknown_fill"
    """A bust or correction of a fill we never received."""
    OVERFILL = "overfill"
    """The venue reports more filled than the order's quantity."""
    ALLOCATION_OUT_OF_DATE = "allocation_out_of_date"
    """A fill, bust or correction of a block after its allocation was released: the released allocation stays
    locked; a late fill sits in the block's account until a supplement is released, and a bust or correction of a
    released fill stays with the funds until a corrective version is released."""
    UNREADABLE_REPORT = "unreadable_report"
    """An execution report we could not read (a code FIX 4.4 does not define, a field missing or malformed):
    refused to the venue, applied to nothing, kept with its raw text for a person to settle with the venue."""
    FOREIGN_ORDER = "foreign_order"
    """A status answer about an order this desk does not know: not an execution, so no DontKnowTrade, but an
    order the venue may be working for us that nobody here watches."""


@dataclass(frozen=True, slots=True)
class OrderSubmitted:
    """The risk gate passed a new order and it was queued for the venue (durably, before sending)."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    spec: OrderSpec


@dataclass(frozen=True, slots=True)
class OrderDenied:
    """The risk gate refused a new order; it was never sent. ``rule`` and ``reason`` say why."""

    order_id: OrderId
    spec: OrderSpec
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReplaceDenied:
    """The risk gate refused an amend; the order works on unchanged."""

    order_id: OrderId
    amendment: Amendment
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class CancelRequested:
    """A cancel was queued for the venue; the order is pending cancel until the venue answers."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId
    status: OrderStatus
    resume_status: OrderStatus


@dataclass(frozen=True, slots=True)
class ReplaceRequested:
    """An amend was queued for the venue; the old terms work until the venue answers."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    orig_cl_ord_id: ClOrdId
    amendment: Amendment
    status: OrderStatus
    resume_status: OrderStatus


TRADE_EXEC_TYPES = frozenset(kind for kind in ExecType if kind.is_trade)
"""The ExecTypes that carry a fill, as a set: the hot path tests membership, not the enum's property."""


@fast_frozen_init  # one per report
@dataclass(frozen=True, slots=True)
class ExecutionApplied:
    """A venue execution report, applied once (by ExecID), with where it left the order."""

    LOG_ROW_LAYOUT: ClassVar[int] = 1
    """Logged as a row (values by position, see ``serialization``): the event a fill burst records most of."""

    order_id: OrderId
    exec_id: ExecId
    exec_type: ExecType
    reported_cl_ord_id: ClOrdId
    venue_status: OrderStatus | None
    status: OrderStatus
    resume_status: OrderStatus
    last_qty: Decimal
    last_px: Decimal
    cum_qty: Decimal
    leaves_qty: Decimal
    avg_px: Decimal
    qty: Decimal
    limit_px: Decimal | None
    stop_px: Decimal | None
    tally_qty: Decimal
    counted: bool
    venue_order_id: VenueOrderId | None = None
    accepted_cl_ord_id: ClOrdId | None = None
    ref_exec_id: ExecId | None = None
    transact_time: datetime | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class RequestRejected:
    """The venue refused a cancel or replace (35=9); the last accepted ClOrdID is current again."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    kind: RequestKind
    status: OrderStatus
    reason: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class LineLost:
    """The session dropped before the venue answered our request: the order's fate is unknown."""

    order_id: OrderId
    status: OrderStatus
    session: str


@dataclass(frozen=True, slots=True)
class AnomalyRecorded:
    """Something that does not fit, kept for the user to see and resolve."""

    kind: AnomalyKind
    detail: str
    order_id: OrderId | None = None


@dataclass(frozen=True, slots=True)
class ActionRefused:
    """A person asked for something their role does not allow; nothing else changed."""

    action: Action
    reason: str
    order_id: OrderId | None = None


@dataclass(frozen=True, slots=True)
class KillSwitchEngaged:
    """A kill switch went on: who (``user``, ``system`` for a trigger), why, over which orders and how hard.

    ``reason`` is what the supervisor typed or, for an automatic trigger, the trigger's finding in words;
    ``observed`` and ``limit`` are the values that set the trigger off.
    """

    switch_id: str
    scope: ScopeKind
    target: str
    grade: KillGrade
    user: UserId
    reason: str
    trigger: KillTrigger = KillTrigger.MANUAL
    observed: Decimal | None = None
    limit: Decimal | None = None


@dataclass(frozen=True, slots=True)
class KillSwitchReleased:
    """A supervisor resumed trading under a kill switch; orders it canceled stay canceled."""

    switch_id: str
    user: UserId
    reason: str = ""


@dataclass(frozen=True, slots=True)
class KillCancelQueued:
    """A kill switch caught an order working: how its cancel goes, and how much had filled when caught."""

    switch_id: str
    order_id: OrderId
    route: CancelRoute
    cum_qty: Decimal


@dataclass(frozen=True, slots=True)
class MassCancelSent:
    """One OrderMassCancelRequest (35=q) went to a venue for a kill switch: every order there, or one symbol's."""

    switch_id: str
    destination: str
    cl_ord_id: ClOrdId
    orders: int
    symbol: str | None = None


@dataclass(frozen=True, slots=True)
class MassCancelAnswered:
    """The venue's OrderMassCancelReport (35=r); when it refused, each order got its own cancel instead."""

    switch_id: str
    destination: str
    cl_ord_id: ClOrdId
    accepted: bool
    affected: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class UserCreated:
    """A user account was opened (the event's user is who opened it; the password hash is kept apart)."""

    user_id: UserId
    name: str
    role: Role
    desk: str


@dataclass(frozen=True, slots=True)
class UserRoleChanged:
    """A user's role changed from ``previous`` to ``role``."""

    user_id: UserId
    role: Role
    previous: Role


@dataclass(frozen=True, slots=True)
class UserDeactivated:
    """A user's account was closed: they can no longer log in or act. Their past events stand."""

    user_id: UserId


@dataclass(frozen=True, slots=True)
class PasswordChanged:
    """A user's password was set anew (the hash itself is never in the log)."""

    user_id: UserId


class LogInProblem(StrEnum):
    """Why a log-in failed."""

    UNKNOWN_USER = "unknown_user"
    """No account has this user id (the person is told the same as for a wrong password)."""
    WRONG_PASSWORD = "wrong_password"
    """The password is not the user's."""
    DEACTIVATED = "deactivated"
    """The password was right but the account is closed."""
    TOO_SOON = "too_soon"
    """Tried again before the wait after repeated failures was over; the password was not checked."""

    @property
    def counts(self) -> bool:
        """Whether this failure counts towards the wait imposed after repeated failures."""
        return self in (LogInProblem.UNKNOWN_USER, LogInProblem.WRONG_PASSWORD)


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """A user logged in."""

    user_id: UserId


@dataclass(frozen=True, slots=True)
class LogInFailed:
    """Someone tried to log in as ``user_id`` (as typed) and was turned away."""

    user_id: UserId
    problem: LogInProblem


@dataclass(frozen=True, slots=True)
class LoggedOut:
    """A user logged out (or another user took over the desktop)."""

    user_id: UserId


@dataclass(frozen=True, slots=True)
class RiskFlagged:
    """The risk gate found something against an order or an amend: a warning or a block, with its figures."""

    order_id: OrderId
    finding: Finding


@dataclass(frozen=True, slots=True)
class WarningOverridden:
    """``user`` sent an order past the gate's warning under ``rule``, giving ``reason``."""

    order_id: OrderId
    rule: str
    reason: str
    user: UserId


@dataclass(frozen=True, slots=True)
class LimitChanged:
    """A risk limit was set, changed or removed (``new`` empty); ``note`` says where a change came from."""

    key: LimitKey
    old: str
    new: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class SessionAlertRaised:
    """A FIX session told the people watching it something (a gap, a reject, a lost line, a logon)."""

    session: str
    kind: AlertKind
    level: AlertLevel
    text: str


@dataclass(frozen=True, slots=True)
class KillCancelRetried:
    """A kill switch's cancel went unanswered (or was refused while the order kept working) past the retry time,
    so it went again: the same request, or a new cancel under ``cl_ord_id``; ``attempt`` counts the retries."""

    switch_id: str
    order_id: OrderId
    cl_ord_id: ClOrdId
    attempt: int
    why: str


@dataclass(frozen=True, slots=True)
class UserReactivated:
    """A closed account was opened again: the user can log in and act under their role once more."""

    user_id: UserId


class SessionAction(StrEnum):
    """What a supervisor can do to a FIX session from the session health dock."""

    RESUME = "resume"
    """Let a session stopped for a person's check connect again."""
    CONNECT = "connect"
    """Connect now (after a disconnect by hand, or without waiting out a backoff)."""
    RESET_SEQUENCE_NUMBERS = "reset_sequence_numbers"
    """Start both sequence numbers again at 1 (a Logon with 141=Y)."""
    DISCONNECT = "disconnect"
    """Log out and stay down until told to connect."""

    @property
    def phrase(self) -> str:
        """'reset the sequence numbers of'."""
        return _SESSION_ACTION_PHRASES[self]


_SESSION_ACTION_PHRASES = {
    SessionAction.RESUME: "resume",
    SessionAction.CONNECT: "connect",
    SessionAction.RESET_SEQUENCE_NUMBERS: "reset the sequence numbers of",
    SessionAction.DISCONNECT: "log out and disconnect",
}


@dataclass(frozen=True, slots=True)
class SessionActionTaken:
    """Someone acted on a FIX session by hand (the event's user is who)."""

    session: str
    action: SessionAction


class BreakKind(StrEnum):
    """How a venue's drop copy and the desk's order session disagree about one execution."""

    MISSING_ON_ORDER_SESSION = "missing_on_order_session"
    """The drop copy reported a fill the order session has not delivered within the grace period."""
    MISSING_ON_DROP_COPY = "missing_on_drop_copy"
    """The order session delivered a fill the drop copy has not reported within the grace period."""
    MISMATCH = "mismatch"
    """Both reported the fill, with a different quantity or price."""


@dataclass(frozen=True, slots=True)
class DropCopyWatched:
    """The desk started (or stopped) checking a venue's fills against its drop copy session."""

    venue: str
    session: str
    watching: bool


@dataclass(frozen=True, slots=True)
class DropCopyExecution:
    """A fill, a bust or a trade correction the venue's drop copy reported; kept as a check on the order session,
    never applied to the order."""

    venue: str
    exec_id: ExecId
    cl_ord_id: ClOrdId
    last_qty: Decimal
    last_px: Decimal
    symbol: str = ""
    order_id: OrderId | None = None
    ref_exec_id: ExecId | None = None
    """For a bust (150=H): the fill it cancels."""
    corrects: ExecId | None = None
    """For a trade correction (150=G): the fill it corrects (ExecRefID 19) to ``last_qty`` @ ``last_px``."""


@dataclass(frozen=True, slots=True)
class ExecutionBreak:
    """The drop copy and the order session disagree about execution ``exec_id`` at ``venue``."""

    venue: str
    exec_id: ExecId
    kind: BreakKind
    detail: str
    order_id: OrderId | None = None


@dataclass(frozen=True, slots=True)
class ExecutionBreakCleared:
    """A break closed: the missing report arrived and both sides agree about the execution."""

    venue: str
    exec_id: ExecId
    detail: str
    order_id: OrderId | None = None


@dataclass(frozen=True, slots=True)
class RequestLost:
    """The venue's answer to a status request after a lost line knows nothing of our cancel or replace
    ``cl_ord_id``: it never arrived (or was gap-filled as too old), so nothing it asked for happened and the
    order is free for a new request."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    kind: RequestKind
    status: OrderStatus
    """The order's state as the venue stated it."""


@dataclass(frozen=True, slots=True)
class AllocationTemplateSaved:
    """A PM or supervisor saved an allocation template (new, or replacing the one of that name)."""

    template: AllocationTemplate


@dataclass(frozen=True, slots=True)
class AllocationTemplateRemoved:
    """An allocation template was removed; blocks entered with it keep the basis they were given."""

    name: str


@dataclass(frozen=True, slots=True)
class BlockBasisSet:
    """An order was entered as a block with an allocation template: its pre-trade basis, as the template stood."""

    order_id: OrderId
    template: AllocationTemplate


@dataclass(frozen=True, slots=True)
class AllocationProposed:
    """A new version of a block's allocation: each account's quantity, notional and commission at the block's
    average price; the parts sum exactly to the totals."""

    order_id: OrderId
    version: int
    user: UserId
    block_qty: Decimal
    """What the block had filled when this version was made."""
    avg_px: Decimal
    legs: tuple[AllocationLeg, ...]
    notional: Decimal
    commission: Decimal
    released_qty: Decimal = Decimal(0)
    """The part of ``block_qty`` this version leaves as it is (earlier releases settled it): above zero makes this
    a supplement or a corrective version, which moves only the rest (``block_qty - released_qty``, below zero when
    it takes quantity back) at ``late_px``: the late fills' average price, or the busted or corrected fills' own."""
    late_px: Decimal = Decimal(0)
    """The price this version's quantity moves at (the late fills' average, or the busted or corrected fills' own;
    for a first version the standing fills' exact average, as the venue's AvgPx may be rounded); for a version that
    reprices, the price difference. Zero in first versions logged before: they moved at ``avg_px``."""
    settled: tuple[SettledFill, ...] = ()
    """The venue fills this version and the releases before it account for, as they stood when it was made (empty
    in logs written before corrective versions existed); with ``since``, only those new or changed since then."""
    corrects: int = 0
    """For a corrective version, the released version whose fills were busted or corrected since; 0 otherwise."""
    busted: tuple[str, ...] = ()
    """For a corrective version, the ExecIDs of the released fills busted since."""
    corrected: tuple[str, ...] = ()
    """For a corrective version, the ExecIDs of the released fills corrected since."""
    since: int = 0
    """The released version whose fills this one builds on: ``settled`` then names only the fills new or changed
    since it, and ``busted`` those gone (0: ``settled`` names them all)."""

    @property
    def is_supplement(self) -> bool:
        """Whether this version settles what changed after an earlier release (late fills, busts or corrections)."""
        return self.released_qty > 0

    @property
    def is_corrective(self) -> bool:
        """Whether this version settles busts or corrections of fills already released (with the funds)."""
        return self.corrects > 0

    @property
    def reprices(self) -> bool:
        """Whether this corrective version settles a correction in price only: no quantity moves, each leg's quantity
        (its share of the corrected fills) changes in cost by ``px``, the price difference."""
        return self.is_corrective and self.block_qty == self.released_qty

    @property
    def qty(self) -> Decimal:
        """The quantity this version allocates: the whole fill, for a supplement what filled since release, for a
        corrective version the difference (below zero when it takes quantity back)."""
        return self.block_qty - self.released_qty

    @property
    def px(self) -> Decimal:
        """The price each leg is allocated at (for a version that reprices, the price difference)."""
        return self.late_px if self.is_supplement or self.late_px else self.avg_px


@dataclass(frozen=True, slots=True)
class AllocationReleased:
    """A version of a block's allocation was released: the positions moved to its accounts and it is locked."""

    order_id: OrderId
    version: int
    user: UserId


@dataclass(frozen=True, slots=True)
class AnomalyAcknowledged:
    """Someone looked at an anomaly (named by its number: the nth ``AnomalyRecorded`` in the log) and took it off
    the desk's list of open ones; who and when are in the log, and on the order's timeline when it has one."""

    number: int
    note: str = ""
    order_id: OrderId | None = None


@dataclass(frozen=True, slots=True)
class AnomaliesAcknowledged:
    """A supervisor took every open anomaly of ``kind`` numbered up to ``through`` (the newest they had seen) off
    the desk's list at once; ``count`` says how many that was.

    Named by rule rather than one by one, so a runaway venue's 100,000 anomalies cost one event, and the rule is
    exact on replay: the same anomalies are open at that point of the log every time.
    """

    kind: AnomalyKind
    through: int
    count: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class DayOpeningMark:
    """The price a symbol's positions carried into trading day ``day`` are measured from for the day's P&L.

    ``px`` is the last mark the desk saw before the roll (the prior close, as the desk saw it) or, when it saw
    none, the day's first mark; ``basis`` says which, in words.
    """

    symbol: str
    day: str
    """The trading day, as an ISO date (named by the date it ends, see app/engine/risk/trading_day.py)."""
    px: Decimal
    basis: str


@dataclass(frozen=True, slots=True)
class StatusRequested:
    """A user asked the venue where an order stands (35=H under ``cl_ord_id``, 790=``status_req_id``): the way to
    settle an order whose fate is unknown. The answer (150=I) is applied like any report."""

    order_id: OrderId
    cl_ord_id: ClOrdId
    status_req_id: str


class _AboutParent:
    """An event about a parent (care) order: its ``order_id`` is the parent's, so the log indexes it under the
    parent and the parent's timeline finds it."""

    __slots__ = ()
    parent_id: OrderId

    @property
    def order_id(self) -> OrderId:
        """The parent's id, as the log indexes the event."""
        return self.parent_id


@dataclass(frozen=True, slots=True)
class ParentStaged(_AboutParent):
    """A parent (care) order was staged on the desk, to be worked by slicing; nothing went to a venue."""

    parent_id: OrderId
    spec: ParentSpec


@dataclass(frozen=True, slots=True)
class ParentClosed(_AboutParent):
    """A trader ended a parent: no more children may be sliced from it. ``canceled``: its live children were
    canceled with it (else they keep working)."""

    parent_id: OrderId
    canceled: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SmartRouted:
    """Smart routing chose the order's venue from the quotes at submit, and why (in words)."""

    order_id: OrderId
    venue: str
    reason: str


@dataclass(frozen=True, slots=True)
class TwapStarted(_AboutParent):
    """A parent was handed to the TWAP slicer: ``slices`` children, evenly spaced over ``minutes`` from now (the
    event's time), each sent to ``destination`` in the name of ``started_by``."""

    parent_id: OrderId
    minutes: int
    slices: int
    destination: str
    started_by: UserId


@dataclass(frozen=True, slots=True)
class TwapSliced(_AboutParent):
    """The TWAP slicer took slice ``number`` (from 1) of a parent: the child it sent, or none and why."""

    parent_id: OrderId
    number: int
    child_id: OrderId | None
    note: str


@dataclass(frozen=True, slots=True)
class TwapStopped(_AboutParent):
    """The TWAP slicer of a parent stopped before its last slice, and why (in words)."""

    parent_id: OrderId
    reason: str


@dataclass(frozen=True, slots=True)
class ForeignOrderAdopted:
    """A venue's status answer (150=I) named a working order this desk has no record of (its store was wiped, or
    another desk of the firm placed it on the same session): the desk adopts it, under the venue's ClOrdID, as an
    order owned by the system, so it shows in the blotter, can be canceled and is caught by the kill switch.

    ``cum_qty`` and ``avg_px`` are what the venue says was filled before adoption: kept on the order (so its
    quantities agree with the venue's) but never booked to a position here (whoever placed the order booked them,
    or no one here knows who did); fills reported after adoption book like any order's."""

    order_id: OrderId
    spec: OrderSpec
    venue_order_id: VenueOrderId | None
    status: OrderStatus
    resume_status: OrderStatus
    cum_qty: Decimal
    leaves_qty: Decimal
    avg_px: Decimal


Event = (
    OrderSubmitted
    | OrderDenied
    | ReplaceDenied
    | CancelRequested
    | ReplaceRequested
    | ExecutionApplied
    | RequestRejected
    | LineLost
    | AnomalyRecorded
    | ActionRefused
    | KillSwitchEngaged
    | KillSwitchReleased
    | KillCancelQueued
    | MassCancelSent
    | MassCancelAnswered
    | UserCreated
    | UserRoleChanged
    | UserDeactivated
    | PasswordChanged
    | LoggedIn
    | LogInFailed
    | LoggedOut
    | RiskFlagged
    | WarningOverridden
    | LimitChanged
    | SessionAlertRaised
    | KillCancelRetried
    | UserReactivated
    | SessionActionTaken
    | DropCopyWatched
    | DropCopyExecution
    | ExecutionBreak
    | ExecutionBreakCleared
    | RequestLost
    | AllocationTemplateSaved
    | AllocationTemplateRemoved
    | BlockBasisSet
    | AllocationProposed
    | AllocationReleased
    | AnomalyAcknowledged
    | DayOpeningMark
    | StatusRequested
    | AnomaliesAcknowledged
    | ParentStaged
    | ParentClosed
    | SmartRouted
    | TwapStarted
    | TwapSliced
    | TwapStopped
    | ForeignOrderAdopted
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        OrderSubmitted,
        OrderDenied,
        ReplaceDenied,
        CancelRequested,
        ReplaceRequested,
        ExecutionApplied,
        RequestRejected,
        LineLost,
        AnomalyRecorded,
        ActionRefused,
        KillSwitchEngaged,
        KillSwitchReleased,
        KillCancelQueued,
        MassCancelSent,
        MassCancelAnswered,
        UserCreated,
        UserRoleChanged,
        UserDeactivated,
        PasswordChanged,
        LoggedIn,
        LogInFailed,
        LoggedOut,
        RiskFlagged,
        WarningOverridden,
        LimitChanged,
        SessionAlertRaised,
        KillCancelRetried,
        UserReactivated,
        SessionActionTaken,
        DropCopyWatched,
        DropCopyExecution,
        ExecutionBreak,
        ExecutionBreakCleared,
        RequestLost,
        AllocationTemplateSaved,
        AllocationTemplateRemoved,
        BlockBasisSet,
        AllocationProposed,
        AllocationReleased,
        AnomalyAcknowledged,
        DayOpeningMark,
        StatusRequested,
        AnomaliesAcknowledged,
        ParentStaged,
        ParentClosed,
        SmartRouted,
        TwapStarted,
        TwapSliced,
        TwapStopped,
        ForeignOrderAdopted,
    )
}
"""Each event class by the kind name the log stores."""


@fast_frozen_init  # one per event
@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as the log holds it: its place in the chain, when, and who caused it."""

    seq: int
    ts: datetime
    user: UserId
    event: Event
