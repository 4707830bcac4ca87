"""The engine: commands and venue messages in, events out, one SQLite transaction per batch.

Every change goes the same way: decide (the transition table, the risk gate), append the events and any
wire message they cause in one transaction, apply them to the projections, commit, and only then release
the wire messages and publish one change set. If the commit fails nothing is sent, the projections are
rebuilt from the log, and the error goes up to be shown.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from app.engine import kill_cancels, kill_rules, parent_rules, recovery, twap
from app.engine.allocation import rules as allocation_rules
from app.engine.allocation.terms import AllocationTemplate, CommissionRate
from app.engine.book_snapshots import BookSnapshots
from app.engine.clock import Clock
from app.engine.commands import CancelOrder, CommandResult, ReplaceOrder, SetLimit, SubmitOrder
from app.engine.enums import ExecType, OrderStatus
from app.engine.errors import ConfigError, StoreError
from app.engine.events import (
    ActionRefused,
    AllocationTemplateRemoved,
    AllocationTemplateSaved,
    AnomaliesAcknowledged,
    AnomalyAcknowledged,
    AnomalyKind,
    BlockBasisSet,
    CancelRequested,
    DayOpeningMark,
    DropCopyWatched,
    Event,
    ExecutionApplied,
    KillSwitchEngaged,
    KillSwitchReleased,
    LimitChanged,
    LineLost,
    OrderDenied,
    OrderSubmitted,
    ParentClosed,
    ParentStaged,
    Recorded,
    ReplaceDenied,
    ReplaceRequested,
    SmartRouted,
    StatusRequested,
    TwapStarted,
)
from app.engine.execution_json import execution_json
from app.engine.foreign_orders import cancel_action
from app.engine.ids import SYSTEM_USER, AccountId, ClOrdId, OrderId, UserId
from app.engine.kill_switch import KillSwitchStatus, status_of
from app.engine.kill_terms import KillGrade, KillTrigger, Scope
from app.engine.ledger import OrderLedger
from app.engine.order import Order, OrderSpec, RequestKind
from app.engine.order_fsm import IllegalTransition, Situation, Trigger, transition
from app.engine.parent_terms import ParentSpec
from app.engine.position_history import LoggedFills
from app.engine.positions import Positions
from app.engine.projections import Projections
from app.engine.reconciliation import Reconciliation, copy_events, due_events
from app.engine.report_rules import execution_events, plain_report, reject_events, unreadable_events
from app.engine.risk import RiskGate
from app.engine.risk.limit_keys import LimitKey
from app.engine.risk.limits import limit_problem
from app.engine.risk.limits_file import limits_loaded
from app.engine.risk.override import decide
from app.engine.risk.verdict import Verdict
from app.engine.roles import Action, Role, UserDirectory, allows, ownership_refusal, refusal
from app.engine.serialization import to_json
from app.engine.smart_routing import SMART, Route, SmartRouter
from app.engine.store import EventStore, Transaction
from app.engine.venue_messages import (
    ExecutionReport,
    InboundMessage,
    MassCancelReport,
    OutboundRequest,
    StatusRequest,
    UnreadableReport,
    VenueRequest,
)

_log = logging.getLogger(__name__)

SNAPSHOT_EVERY = 20_000
"""Events between the starts of two periodic snapshots, at least. A start replays at most about this many events
after the newest snapshot (about 0.5 s at 20,000); a snapshot rewrites only the pieces that changed, one piece
after each batch, so taking them often costs the batches little."""
SNAPSHOT_EVENTS_PER_ROW = 2
"""A snapshot also waits for this many events per order row it would rewrite (``BookSnapshots.rows_due``): a big
book whose changes are spread over every segment would otherwise rewrite all its orders every ``SNAPSHOT_EVERY``
events. Writing an order's row (with its fills) costs about what an event costs, so snapshots then cost at most
about half the events' work; the tail a start replays grows to at most about twice the book's orders plus what
arrives while the snapshot is written."""


class Outbound(Protocol):
    """Where requests go: staged inside the transaction (durable), released after the commit."""

    def stage(self, request: OutboundRequest, tx: Transaction) -> None:
        """Encode ``request`` and store its wire message in ``tx``; send nothing yet."""
        ...

    def takes_mass_cancel(self, destination: str) -> bool:
        """Whether ``destination`` takes OrderMassCancelRequest (35=q)."""
        ...

    def release(self) -> None:
        """The transaction committed: write the staged messages to their sessions."""
        ...

    def discard(self) -> None:
        """The transaction failed: forget the staged messages."""
        ...


@dataclasses.dataclass(slots=True)
class ChangeSet:
    """What one committed batch changed, for the views and the FIX layer."""

    recorded: list[Recorded] = dataclasses.field(default_factory=list)
    orders: set[OrderId] = dataclasses.field(default_factory=set)
    dont_know: list[ExecutionReport] = dataclasses.field(default_factory=list)


class Engine:
    """The system of record for orders. Not thread-safe: drive it from one event loop."""

    def __init__(
        self,
        store: EventStore,
        clock: Clock,
        gate: RiskGate,
        outbound: Outbound,
        *,
        directory: UserDirectory | None = None,
        id_prefix: str | None = None,
        snapshot_every: int = SNAPSHOT_EVERY,
        router: SmartRouter | None = None,
    ) -> None:
        self.store, self.clock, self.gate, self.outbound = store, clock, gate, outbound
        self.router = router
        """Chooses the venue of an order sent to ``SMART``; without one, such orders are refused."""
        self._directory = directory
        self.id_prefix = f"OEMS{store.tag}" if id_prefix is None else id_prefix
        """What every ClOrdID this engine issues starts with: by default the store's own tag, so a new or wiped
        store never reissues an id an older one sent the same day."""
        self.snapshot_every = snapshot_every
        self.book = Projections()
        self._listeners: list[Callable[[ChangeSet], None]] = []
        self._reload_listeners: list[Callable[[], None]] = []
        self._after_batch: deque[Callable[[], None]] = deque()
        self._in_batch = False
        self._snapshot_seq = 0
        self._snapshots = BookSnapshots()
        self._read_fills_back()

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Clock,
        gate: RiskGate,
        outbound: Outbound,
        directory: UserDirectory | None = None,
        id_prefix: str | None = None,
        progress: recovery.Progress | None = None,
        router: SmartRouter | None = None,
    ) -> Engine:
        """Open (or create) the store at ``path`` and rebuild the book: newest snapshot + the log's tail.

        Without a ``directory`` the users recorded in the store decide who may do what.
        """
        store = EventStore.open(path)
        engine = cls(store, clock, gate, outbound, directory=directory, id_prefix=id_prefix, router=router)
        engine.reload(progress)
        return engine

    def reload(self, progress: recovery.Progress | None = None) -> None:
        """Rebuild every projection from the store, exactly as committed."""
        restored = recovery.restore(self.store, progress)
        self.book, self._snapshot_seq = restored.projections, restored.snapshot_seq
        self._snapshots = restored.snapshots  # a snapshot under way was of the book just replaced: dropped
        self._read_fills_back()
        for listener in self._reload_listeners:
            _contained(listener)

    def _read_fills_back(self) -> None:
        """Positions may let go of older fills (the log holds them all now), reading them back from the log."""
        self._fills_log = LoggedFills(self.store, self.book, self.store.last_seq)
        self.book.positions.read_back_from(self._fills_log)
        self.book.positions.let_go()

    @property
    def directory(self) -> UserDirectory:
        """Who has which role and desk: the one given, else the users recorded in this store."""
        return self.book.users if self._directory is None else self._directory

    @property
    def ledger(self) -> OrderLedger:
        """Every order."""
        return self.book.ledger

    @property
    def positions(self) -> Positions:
        """Every position."""
        return self.book.positions

    def subscribe(self, listener: Callable[[ChangeSet], None]) -> None:
        """Call ``listener`` with each committed change set."""
        self._listeners.append(listener)

    def after_batch(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the batch under way is committed and every listener has seen it (now, if none is).

        A listener that must change the book (a kill trigger) hands its change here: it then runs in a
        transaction of its own, after the batch that prompted it, and no listener sees the two out of order.
        """
        if self._in_batch:
            self._after_batch.append(action)
        else:
            action()

    def subscribe_reloads(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each reload: every projection was replaced, so views must read them afresh."""
        self._reload_listeners.append(listener)

    def close(self) -> None:
        """Snapshot the book (so the next start is quick) and close the store."""
        if self.store.last_seq > self._snapshot_seq:
            self.snapshot()
        self.store.close()

    def snapshot(self) -> None:
        """Save the book as a snapshot at the log's current end, now (finishing first one under way)."""
        self._snapshots.finish(self.store)
        self._snapshots.start(self.book, self.store.last_seq, self.store.last_hash, self.clock.now().isoformat())
        self._snapshot_seq = self._snapshots.finish(self.store) or self._snapshot_seq

    # Commands --------------------------------------------------------------------------------------

    def submit(self, cmd: SubmitOrder) -> CommandResult:
        """Check and send a new order; a known ClOrdID returns the existing order and sends nothing."""
        if refused := self._refused(cmd.user, Action.ENTER_ORDER, owner=cmd.spec.trader):
            return refused
        known = self.ledger.find(cmd.cl_ord_id)
        if known is not None and known.status is OrderStatus.DENIED:
            note = f"{cmd.cl_ord_id} was denied by the risk gate and never sent; enter it again as a new order."
            return CommandResult(False, known.order_id, note, duplicate=True)
        if known is not None:
            note = "Already submitted under this ClOrdID; nothing was sent again."
            return CommandResult(True, known.order_id, note, duplicate=True)
        terms = self._terms_for(cmd)
        if isinstance(terms, CommandResult):
            return terms
        spec, route, basis = terms
        verdict = self.check_new(spec)
        cl_ord_id = cmd.cl_ord_id or self._next_cl_ord_id()
        order_id = OrderId(cl_ord_id)
        decision = decide(verdict, order_id, cmd.user, self.directory.role_of(cmd.user), cmd.override_reason)
        with self._batch() as batch:
            for decided in decision.events:
                batch.record(decided, cmd.user)
            if not decision.allowed:
                batch.record(OrderDenied(order_id, spec, decision.rule, decision.reason), cmd.user)
            else:
                batch.record(OrderSubmitted(order_id, cl_ord_id, spec), cmd.user)
                if route is not None:
                    batch.record(SmartRouted(order_id, route.venue, route.reason), cmd.user)
                if basis is not None:
                    batch.record(BlockBasisSet(order_id, basis), cmd.user)
                order = self.ledger.orders[order_id]
                batch.send(VenueRequest.for_order(order, RequestKind.NEW, cl_ord_id))
        return CommandResult(decision.allowed, order_id, decision.reason)

    def _terms_for(self, cmd: SubmitOrder) -> tuple[OrderSpec, Route | None, AllocationTemplate | None] | CommandResult:
        """The new order's terms as they will go (a smart order's venue chosen), its route and its allocation basis
        (its own template, else its parent's), or why it cannot go."""
        spec = cmd.spec
        problems = spec.problems()
        if problems:
            return CommandResult(False, None, "The order has errors; nothing was sent.", tuple(problems))
        if refused := parent_rules.slice_refusal(self.book.parents, self.ledger, spec):
            return self.refuse(cmd.user, Action.ENTER_ORDER, refused)
        route = self._route(spec)
        if isinstance(route, str):
            return self.refuse(cmd.user, Action.ENTER_ORDER, route)
        if route is not None:
            spec = dataclasses.replace(spec, destination=route.venue)
        parent = self.book.parents.get(spec.parent_id)
        template = cmd.allocation_template or (parent.spec.allocation_template if parent is not None else "")
        basis = allocation_rules.basis_for(self.book.allocations, template) if template else None
        if isinstance(basis, str):
            return CommandResult.refused(basis)
        return spec, route, basis

    def _route(self, spec: OrderSpec) -> Route | str | None:
        """Where smart routing sends ``spec`` and why, why it cannot, or None for an order to a named venue."""
        if spec.destination != SMART:
            return None
        if self.router is None:
            return "Smart routing is not set up on this desk; choose a venue."

        def barred(venue: str) -> str | None:  # a venue a kill switch would refuse the order at is skipped
            at_venue = dataclasses.replace(spec, destination=venue)
            verdict = kill_rules.check_new(self.book.kill, at_venue, self.ledger, self.positions)
            return None if verdict.allowed else verdict.reason.rstrip(".")

        return self.router.route(spec, self.clock.now(), barred)

    def stage_parent(self, spec: ParentSpec, user: UserId) -> CommandResult:
        """Stage a parent (care) order on the desk to be worked by slicing; nothing goes to a venue."""
        if refused := self._refused(user, Action.ENTER_ORDER, owner=spec.trader):
            return refused
        problems = spec.problems()
        if problems:
            return CommandResult(False, None, "The parent order has errors; nothing was staged.", tuple(problems))
        if spec.allocation_template:
            basis = allocation_rules.basis_for(self.book.allocations, spec.allocation_template)
            if isinstance(basis, str):
                return CommandResult.refused(basis)
        parent_id = parent_rules.next_parent_id(self.book.parents, self.clock.now())
        self.record([ParentStaged(parent_id, spec)], user)
        return CommandResult(True, parent_id, f"Parent {parent_id} staged: slice it to work it.")

    def close_parent(self, parent_id: OrderId, user: UserId, *, cancel_children: bool = False) -> CommandResult:
        """End a parent: no more slices; with ``cancel_children`` its live children are canceled too (one awaiting
        the venue's answer to an earlier request gets its cancel when that answer comes), else they keep working."""
        parent = self.book.parents.get(parent_id)
        if parent is None:
            return CommandResult.refused(f"There is no parent order {parent_id}.")
        if refused := self._refused(user, Action.CANCEL_ORDER, owner=parent.spec.trader):
            return refused
        if parent.closed is not None:
            return CommandResult.refused(f"{parent_id} is already closed.", parent_id)
        ready = [self._ready_for(i, Trigger.CANCEL_SENT, "cancel") for i in parent.figures(self.ledger).live_children]
        cancels = [r for r in ready if not isinstance(r, CommandResult)] if cancel_children else []
        waiting = len(ready) - len(cancels) if cancel_children else 0
        with self._batch() as batch:
            batch.record(ParentClosed(parent_id, cancel_children), user)
            for order, status in cancels:
                batch.cancel(order, status, user)
        note = (
            f"{parent_id} closed; {len(cancels)} child order(s) being canceled"
            if cancel_children
            else (f"{parent_id} closed; its {len(ready)} live child order(s) keep working")
        )
        later = f", {waiting} more once the venue answers their pending request." if waiting else "."
        return CommandResult(True, parent_id, note + later)

    def start_twap(
        self, parent_id: OrderId, user: UserId, *, minutes: int, slices: int, destination: str
    ) -> CommandResult:
        """Hand an open parent to the TWAP slicer (``twap.py``): ``slices`` children over ``minutes`` to
        ``destination``, the first now; ``run_twaps`` takes the rest as they fall due."""
        parent = self.book.parents.get(parent_id)
        if parent is None:
            return CommandResult.refused(f"There is no parent order {parent_id}.")
        if refused := self._refused(user, Action.ENTER_ORDER, owner=parent.spec.trader):
            return refused
        running = self.book.twaps.get(parent_id)
        problem = twap.plan_problem(minutes, slices) or (
            f"{parent_id} is closed; nothing more can be sliced from it." if parent.closed is not None else None
        )
        if problem is None and running is not None and running.running:
            problem = f"{parent_id} is already worked by a TWAP ({running.describe()})."
        if problem is not None:
            return CommandResult.refused(problem, parent_id)
        self.record([TwapStarted(parent_id, minutes, slices, destination, user)], user)
        twap.run_twaps(self)
        return CommandResult(True, parent_id, f"{parent_id}: TWAP over {minutes} min in {slices} slices started.")

    def run_twaps(self) -> None:
        """Take the TWAP slices due now (the runtime calls this every second or so)."""
        twap.run_twaps(self)

    def check_new(self, spec: OrderSpec) -> Verdict:
        """What ``submit`` would decide on ``spec`` now: the kill switches first, then the risk gate (the ticket
        shows it before Submit); a smart order is judged at the venue it would be routed to now."""
        route = self._route(spec)
        if isinstance(route, str):
            return Verdict(False, "smart_routing", route)
        if route is not None:
            spec = dataclasses.replace(spec, destination=route.venue)
        verdict = kill_rules.check_new(self.book.kill, spec, self.ledger, self.positions)
        return self.gate.check_new(spec, self.book) if verdict.allowed else verdict

    def cancel(self, cmd: CancelOrder) -> CommandResult:
        """Send a cancel; the order shows pending cancel until the venue answers."""
        if refused := self._refused(cmd.user, cancel_action(self.ledger.get(cmd.order_id)), cmd.order_id):
            return refused
        ready = self._ready_for(cmd.order_id, Trigger.CANCEL_SENT, "cancel")
        if isinstance(ready, CommandResult):
            return ready
        order, status = ready
        with self._batch() as batch:
            batch.cancel(order, status, cmd.user)
        return CommandResult(True, order.order_id)

    def request_status(self, order_id: OrderId, user: UserId) -> CommandResult:
        """Ask the venue where an order stands (35=H), recorded before it goes: one click settles an order whose
        fate is unknown, since the answer (150=I) is applied like any report. Allowed to whoever may cancel it."""
        if refused := self._refused(user, Action.CANCEL_ORDER, order_id):
            return refused
        order = self.ledger.get(order_id)
        if order is None:
            return CommandResult.refused(f"There is no order {order_id}.")
        if order.status is OrderStatus.DENIED:
            return CommandResult.refused(f"{order_id} was denied before it was sent; no venue has it.", order_id)
        request = StatusRequest.for_order(order, f"ASK-{self.clock.now():%y%m%d%H%M%S%f}")
        with self._batch() as batch:
            batch.record(StatusRequested(order_id, request.cl_ord_id, request.status_req_id), user)
            batch.send(request)
        return CommandResult(True, order_id)

    def replace(self, cmd: ReplaceOrder) -> CommandResult:
        """Check and send an amend; the old terms keep working until the venue answers."""
        if refused := self._refused(cmd.user, Action.AMEND_ORDER, cmd.order_id):
            return refused
        ready = self._ready_for(cmd.order_id, Trigger.REPLACE_SENT, "amend")
        if isinstance(ready, CommandResult):
            return ready
        order, status = ready
        amendment = cmd.amendment
        problems = amendment.problems(order)
        if problems:
            return CommandResult(False, order.order_id, "The amend has errors; nothing was sent.", tuple(problems))
        if too_much := parent_rules.amend_refusal(self.book.parents, self.ledger, order, amendment):
            return self.refuse(cmd.user, Action.AMEND_ORDER, too_much, order.order_id)
        verdict = kill_rules.check_amend(self.book.kill, order, amendment, self.ledger, self.positions)
        if verdict.allowed:
            verdict = self.gate.check_amend(order, amendment, self.book)
        decision = decide(verdict, order.order_id, cmd.user, self.directory.role_of(cmd.user), cmd.override_reason)
        if not decision.allowed:
            with self._batch() as batch:
                for decided in decision.events:
                    batch.record(decided, cmd.user)
                batch.record(ReplaceDenied(order.order_id, amendment, decision.rule, decision.reason), cmd.user)
            return CommandResult.refused(decision.reason, order.order_id)
        cl_ord_id = self._next_cl_ord_id()
        request = dataclasses.replace(
            VenueRequest.for_order(order, RequestKind.REPLACE, cl_ord_id, order.cl_ord_id),
            qty=amendment.qty,
            limit_px=amendment.limit_px,
            stop_px=amendment.stop_px,
        )
        with self._batch() as batch:
            for decided in decision.events:
                batch.record(decided, cmd.user)
            event = ReplaceRequested(order.order_id, cl_ord_id, order.cl_ord_id, amendment, status, order.status)
            batch.record(event, cmd.user)
            batch.send(request)
        return CommandResult(True, order.order_id)

    def engage_kill_switch(
        self, scope: Scope, grade: KillGrade, user: UserId, confirmation: str, reason: str = ""
    ) -> CommandResult:
        """Stop trading in ``scope`` as hard as ``grade`` says; ``confirmation`` must be the scope's name, typed."""
        if refused := self._refused(user, Action.KILL_SWITCH):
            return refused
        if problem := scope.problem():
            return CommandResult.refused(problem)
        if not scope.confirmed_by(confirmation):
            return CommandResult.refused(
                f"Type {scope.name} to confirm the kill switch on {scope.describe()}; nothing was stopped."
            )
        return self._engage(KillSwitchEngaged("", scope.kind, scope.target, grade, user, reason or "no reason given"))

    def trip_kill_switch(
        self,
        scope: Scope,
        grade: KillGrade,
        trigger: KillTrigger,
        reason: str,
        *,
        observed: Decimal | None = None,
        limit: Decimal | None = None,
    ) -> CommandResult:
        """An automatic trigger engages a switch, as the system; ``reason`` says what it found, with the values."""
        kind, target = scope.kind, scope.target
        return self._engage(KillSwitchEngaged("", kind, target, grade, SYSTEM_USER, reason, trigger, observed, limit))

    def resume_trading(self, scope: Scope, user: UserId, reason: str = "") -> CommandResult:
        """Release every kill switch on ``scope`` (a supervisor's decision); canceled orders stay canceled."""
        if refused := self._refused(user, Action.RESUME_TRADING):
            return refused
        switches = self.book.kill.matching(scope)
        if not switches:
            return CommandResult.refused(f"No kill switch is on for {scope.describe()}.")
        with self._batch() as batch:
            for switch in switches:
                batch.record(KillSwitchReleased(switch.switch_id, user, reason), user)
        return CommandResult(True, message=f"Trading resumed on {scope.describe()}.")

    def kill_switch_status(self) -> list[KillSwitchStatus]:
        """Each switch that is on, oldest first, with how far its cancels have got."""
        return [status_of(switch, self.ledger) for switch in self.book.kill.active.values()]

    def retry_kill_cancels(self) -> None:
        """Send again each kill switch cancel a venue has not confirmed within its ``kill_cancel_retry_s``."""
        if not self.book.kill.cancelling():
            return
        limits = self.book.limits
        due = kill_cancels.due_retries(
            self.book.kill,
            self.ledger,
            self.clock.now(),
            lambda venue: limits.setting("kill_cancel_retry_s", venue=venue),
        )
        if due:
            with self._batch() as batch:
                kill_cancels.retry(batch, due)

    def _engage(self, engaged: KillSwitchEngaged) -> CommandResult:
        engaged = dataclasses.replace(engaged, switch_id=self.book.kill.next_id())
        with self._batch() as batch:
            batch.record(engaged, engaged.user)
            switch = self.book.kill.active[engaged.switch_id]
            if switch.grade is KillGrade.CANCEL_WORKING:
                day = self.clock.now().strftime("%y%m%d")
                mass_id = f"{self.id_prefix}-{day}-{switch.switch_id}"
                kill_cancels.cancel_working(
                    batch, switch, self.ledger.orders.values(), self.outbound.takes_mass_cancel, mass_id
                )
        return CommandResult(True, message=f"Kill switch {switch.switch_id} is on: {switch.describe()}.")

    def set_limit(self, cmd: SetLimit) -> CommandResult:
        """Set, change or remove one risk limit, as an audited ``LimitChanged`` naming the old and new value."""
        if refused := self._refused(cmd.user, Action.EDIT_LIMITS):
            return refused
        problem = limit_problem(cmd.key, cmd.value)
        if problem:
            return CommandResult.refused(problem)
        old, new = self.book.limits.text(cmd.key), cmd.value.strip()
        if old == new:
            return CommandResult.refused(f"{cmd.key.describe()} is already {old or 'not set'}; nothing changed.")
        with self._batch() as batch:
            batch.record(LimitChanged(cmd.key, old, new), cmd.user)
        return CommandResult(True, None, f"{cmd.key.describe()}: {old or 'not set'} -> {new or 'removed'}.")

    def acknowledge_anomalies(self, numbers: Sequence[int], user: UserId, note: str = "") -> CommandResult:
        """Take open anomalies (by number) off the desk's list as ``user``, audited; all of them or none.

        A trader or PM may acknowledge anomalies about orders they may act on; one about no order of ours (an
        execution for an order we do not know) only a supervisor.
        """
        action, numbers = Action.ACKNOWLEDGE_ANOMALY, list(dict.fromkeys(numbers))
        if refused := self._refused(user, action):
            return refused
        book = self.book.anomalies
        if problem := book.problem(numbers):
            return CommandResult.refused(problem)
        about = dict.fromkeys(book.open[number].order_id for number in numbers)
        if None in about and self.directory.role_of(user) is not Role.SUPERVISOR:
            reason = f"{user} may not acknowledge an anomaly about no order of ours; a supervisor may."
            return self.refuse(user, action, reason)
        for order_id in about:
            if order_id is not None and (refused := self._refused(user, action, order_id)):
                return refused
        with self._batch() as batch:
            for number in numbers:
                batch.record(AnomalyAcknowledged(number, note.strip(), book.open[number].order_id), user)
        count = len(numbers)
        return CommandResult(True, message=f"{count} anomal{'y' if count == 1 else 'ies'} acknowledged.")

    def acknowledge_anomaly_kind(self, kind: AnomalyKind, through: int, user: UserId, note: str = "") -> CommandResult:
        """Take every open anomaly of ``kind`` numbered up to ``through`` (the newest the user saw) off the desk's
        list in one audited event: a supervisor's call, for a runaway venue's flood."""
        action = Action.ACKNOWLEDGE_ANOMALY
        if refused := self._refused(user, action):
            return refused
        if self.directory.role_of(user) is not Role.SUPERVISOR:
            return self.refuse(user, action, f"{user} may not acknowledge a whole kind of anomaly; a supervisor may.")
        count, words = len(self.book.anomalies.of_kind(kind, through)), kind.value.replace("_", " ")
        if not count:
            return CommandResult.refused(f"No {words} anomaly up to number {through} is open; nothing changed.")
        self.record([AnomaliesAcknowledged(kind, through, count, note.strip())], user)
        return CommandResult(True, message=f"{count} anomal{'y' if count == 1 else 'ies'} ({words}) acknowledged.")

    def seed_limits(self, limits: Mapping[LimitKey, str], source: str) -> bool:
        """On a desk that has never had limits, set these (from the shipped limits file) as the system user.

        Returns whether it did; once any limit has been set, limits change only through ``set_limit``.
        """
        if self.book.limits.seeded:
            return False
        with self._batch() as batch:
            for key, text in sorted(limits.items()):
                batch.record(LimitChanged(key, "", text, f"first start: loaded from {source}"), SYSTEM_USER)
        return True

    def load_limits(
        self, read: Callable[[], Mapping[LimitKey, str]], source: str, user: UserId, *, replace_all: bool = False
    ) -> CommandResult:
        """Set the limits a limits file names (``read`` reads it) as ``user``, each change an audited
        ``LimitChanged``, all in one batch; limits the file does not name stay as they are, or, to ``replace_all``,
        are removed (the file becomes the whole set).

        A file with mistakes (``ConfigError``: file, line and problem) changes nothing.
        """
        if refused := self._refused(user, Action.EDIT_LIMITS):
            return refused
        try:
            limits = read()
        except ConfigError as error:
            return CommandResult.refused(f"The limits file was not loaded; nothing changed.\n{error}")
        changes = self.book.limits.changes_to(limits, replace_all=replace_all)
        said = limits_loaded(source, len(limits), changes, replace_all=replace_all)
        if not changes:
            return CommandResult.refused(said)
        note = f"{'replaced all limits with' if replace_all else 'loaded from'} {source}"
        with self._batch() as batch:
            for key, old, new in changes:
                batch.record(LimitChanged(key, old, new, note), user)
        return CommandResult(True, None, said)

    # Allocation ------------------------------------------------------------------------------------

    def save_allocation_template(
        self, template: AllocationTemplate, user: UserId, accounts: Collection[str]
    ) -> CommandResult:
        """Save (or replace) an allocation template; its accounts must be among the desk's ``accounts``."""
        if refused := self._refused(user, Action.ALLOCATE):
            return refused
        if problems := template.problems(accounts):
            return CommandResult.refused(" ".join(problems))
        self.record([AllocationTemplateSaved(template)], user)
        return CommandResult(True, message=f"Allocation template {template.name} saved.")

    def remove_allocation_template(self, name: str, user: UserId) -> CommandResult:
        """Remove an allocation template; blocks entered with it keep their basis."""
        if refused := self._refused(user, Action.ALLOCATE):
            return refused
        if name not in self.book.allocations.templates:
            return CommandResult.refused(f"There is no allocation template {name}.")
        self.record([AllocationTemplateRemoved(name)], user)
        return CommandResult(True, message=f"Allocation template {name} removed.")

    def propose_allocation(
        self,
        order_id: OrderId,
        user: UserId,
        legs: Sequence[allocation_rules.LegQty] | None = None,
        rates: Mapping[AccountId, CommissionRate] | None = None,
    ) -> CommandResult:
        """Propose a new version of the block's allocation: pro-rata by its template, or the edited ``legs``, with
        the commission ``rates`` the PM set on accounts' legs (the others at the template's)."""
        if refused := self._refused(user, Action.ALLOCATE, order_id):
            return refused
        order = self.ledger.get(order_id)
        proposed = allocation_rules.proposal(self.book.allocations, order, order_id, user, legs, rates)
        if isinstance(proposed, str):
            return CommandResult.refused(proposed, order_id)
        self.record([proposed], user)
        return CommandResult(True, order_id, f"Version {proposed.version} of {order_id}'s allocation proposed.")

    def release_allocation(self, order_id: OrderId, version: int, user: UserId) -> CommandResult:
        """Release ``version`` of the block's allocation: the positions move to its accounts and it locks."""
        if refused := self._refused(user, Action.ALLOCATE, order_id):
            return refused
        released = allocation_rules.release(self.book.allocations, self.ledger.get(order_id), order_id, version, user)
        if isinstance(released, str):
            return CommandResult.refused(released, order_id)
        self.record([released], user)
        return CommandResult(True, order_id, f"Version {version} of {order_id}'s allocation released.")

    def _refused(
        self, user: UserId, action: Action, order_id: OrderId | None = None, *, owner: UserId | None = None
    ) -> CommandResult | None:
        """None when ``user``'s role allows ``action`` on this order; otherwise record the refusal and say why.

        The order is ``order_id`` (an existing one) or, for a new order, one in ``owner``'s name; a trader
        may act on their own and their desk's, a PM on their own, a supervisor on any.
        """
        directory = self.directory
        role = directory.role_of(user)
        if not allows(role, action):
            return self.refuse(user, action, refusal(user, role, action), order_id)
        order = self.ledger.get(order_id) if order_id is not None else None
        if order is not None:
            owner, what = order.spec.trader, f"order {order_id}"
        else:
            what = f"an order in {owner}'s name"
        if owner is None or role is None or action is Action.CANCEL_FOREIGN_ORDER:  # the table alone decides
            return None
        reason = ownership_refusal(user, role, directory.desk_of(user), owner, directory.desk_of(owner), what)
        return None if reason is None else self.refuse(user, action, reason, order_id)

    def refuse(self, user: UserId, action: Action, reason: str, order_id: OrderId | None = None) -> CommandResult:
        """Record that ``user`` was refused ``action`` because of ``reason`` (words), and say so."""
        with self._batch() as batch:
            batch.record(ActionRefused(action, reason, order_id if order_id in self.ledger.orders else None), user)
        return CommandResult.refused(reason, order_id)

    def record(
        self, events: Sequence[Event], user: UserId, also: Callable[[Transaction], None] | None = None
    ) -> ChangeSet:
        """Record desk-wide facts (users, log-ins) caused by ``user`` in one transaction; ``also`` joins it."""
        with self._batch() as batch:
            for event in events:
                batch.record(event, user)
            if also is not None:
                also(batch.tx)
        return batch.changes

    def _ready_for(self, order_id: OrderId, trigger: Trigger, verb: str) -> tuple[Order, OrderStatus] | CommandResult:
        """The order and the state ``trigger`` moves it to, or why the request cannot be sent."""
        order = self.ledger.get(order_id)
        if order is None:
            return CommandResult.refused(f"There is no order {order_id}.")
        if order.pending is not None:
            pending = order.pending.kind.value
            return CommandResult.refused(
                f"A {pending} is already pending for {order_id}; wait for the venue.", order_id
            )
        if order.status is OrderStatus.UNKNOWN:
            return CommandResult.refused(
                f"The venue has not confirmed where {order_id} stands; request its status first.", order_id
            )
        try:
            return order, transition(Situation(order.status, order.resume_status, order.qty, order.cum_qty), trigger)
        except IllegalTransition:
            return CommandResult.refused(f"A {order.status.label.lower()} order cannot be {verb}ed.", order_id)

    def _next_cl_ord_id(self) -> ClOrdId:
        day = self.clock.now().strftime("%y%m%d")
        n = self.ledger.ids_issued + 1
        while (cl_ord_id := ClOrdId(f"{self.id_prefix}-{day}-{n}")) in self.ledger.by_cl_ord_id:
            n += 1
        return cl_ord_id

    # Venue side ------------------------------------------------------------------------------------

    def apply_venue_messages(
        self,
        messages: Sequence[InboundMessage],
        also: Callable[[Transaction], None] | None = None,
        notes: Sequence[Event] = (),
    ) -> ChangeSet:
        """Apply a batch of venue reports in one transaction (group commit); ``also`` joins it, and ``notes``
        (facts about the line, such as session alerts) are recorded in it after the reports."""
        find, allocations = self.ledger.find, self.book.allocations
        with self._batch() as batch:
            for message in messages:
                if type(message) is not ExecutionReport:  # it has no subclasses: one test for the commonest
                    if isinstance(message, MassCancelReport):
                        kill_cancels.mass_cancel_answered(batch, self.book.kill, self.ledger, message)
                        continue
                    if isinstance(message, UnreadableReport):
                        batch.record_all(unreadable_events(self.ledger, message))
                        continue
                order = find(message.cl_ord_id) or find(message.orig_cl_ord_id)
                events: Sequence[Event]
                if isinstance(message, ExecutionReport):
                    if order is not None and (plain := plain_report(order, message)) is not None:
                        batch.record_execution(order, plain)  # the commonest reports, decided and applied in one go
                        events = (plain,)
                    else:
                        if order is None and message.exec_type is not ExecType.ORDER_STATUS:  # a status answer: no DK
                            batch.changes.dont_know.append(message)
                        events = execution_events(order, message)
                        batch.record_all(events)
                else:
                    events = reject_events(order, message)
                    batch.record_all(events)
                if order is None or not allocations.blocks:  # only a block can be late: most desks hold none
                    continue
                if late := allocation_rules.late_anomaly(allocations, order, events):
                    batch.record(late, SYSTEM_USER)
            self._follow_reports(batch)
            batch.close_with(notes, also)
        return batch.changes

    def _follow_reports(self, batch: _Batch) -> None:
        """What a batch of reports sets in motion: cancels that waited on a venue's answer (the kill switch's, a
        closed parent's children) and breaks a report the drop copy waited for may close."""
        if batch.changes.orders and self.book.kill.cancelling():
            kill_cancels.cancel_deferred(batch, self.book.kill, self.ledger)
        for child, status in parent_rules.cancels_due(self.book.parents, self.ledger, batch.changed):
            batch.cancel(child, status, SYSTEM_USER)  # its parent was closed while it awaited the venue
        if self.reconciliation.disputed:
            batch.record_all(due_events(self.reconciliation, self.clock.now(), None))

    # Drop copies ------------------------------------------------------------------------------------

    @property
    def reconciliation(self) -> Reconciliation:
        """The fills waiting to be matched with the venues' drop copies, and the open breaks."""
        return self.book.reconciliation

    def watch_drop_copies(self, sessions: Mapping[str, str]) -> ChangeSet:
        """From now on check each venue's fills against its drop copy session (``venue -> session``); stop
        checking venues no longer named."""
        watched = self.reconciliation.watched
        events = [DropCopyWatched(venue, name, True) for venue, name in sessions.items() if watched.get(venue) != name]
        events += [DropCopyWatched(venue, name, False) for venue, name in watched.items() if venue not in sessions]
        return self._record_all(events)

    def apply_drop_copies(
        self,
        copies: Sequence[tuple[str, ExecutionReport]],
        also: Callable[[Transaction], None] | None = None,
        notes: Sequence[Event] = (),
    ) -> ChangeSet:
        """Check a batch of drop-copy reports (each with its venue) against the order sessions' fills, in one
        transaction that ``also`` joins and ``notes`` are recorded in. They change no order: the order session is
        the truth for those."""
        with self._batch() as batch:
            for venue, report in copies:
                batch.record_all(copy_events(self.reconciliation, self.ledger, venue, report))
            batch.record_all(due_events(self.reconciliation, self.clock.now(), None))
            batch.close_with(notes, also)
        return batch.changes

    def record_opening_marks(self, marks: Sequence[DayOpeningMark]) -> ChangeSet:
        """Record symbols' opening marks for their trading day (app/engine/opening_marks.py), as the system."""
        return self._record_all(marks)

    def reconcile(self, grace: timedelta) -> ChangeSet:
        """Open a break for each fill one session reported more than ``grace`` ago and the other has not."""
        return self._record_all(due_events(self.reconciliation, self.clock.now(), grace))

    def _record_all(self, events: Sequence[Event]) -> ChangeSet:
        """Record events no person caused, in one transaction; nothing at all when there are none."""
        if not events:
            return ChangeSet()
        with self._batch() as batch:
            batch.record_all(events)
        return batch.changes

    def line_lost(self, destination: str) -> ChangeSet:
        """The session to ``destination`` dropped (or logged on again with requests still unanswered): every
        request it had not answered has an unknown fate until the venue's status answer."""
        waiting = [
            o
            for o in self.ledger.live()
            if o.spec.destination == destination and o.status.is_pending and o.status is not OrderStatus.UNKNOWN
        ]
        with self._batch() as batch:
            for order in waiting:
                situation = Situation(order.status, order.resume_status, order.qty, order.cum_qty)
                status = transition(situation, Trigger.LINE_LOST)
                batch.record(LineLost(order.order_id, status, destination), SYSTEM_USER)
        return batch.changes

    # The one way changes are made ------------------------------------------------------------------

    @contextmanager
    def _batch(self) -> Iterator[_Batch]:
        outermost, self._in_batch = not self._in_batch, True
        batch: _Batch | None = None
        try:
            try:
                with self.store.transaction() as tx:
                    batch = _Batch(self, tx)
                    yield batch
                    self.book.settle()
            except BaseException:
                self.outbound.discard()
                if batch is not None and batch.changes.recorded:
                    self.reload()
                raise
            self.outbound.release()
            if self.book.positions.crowded:  # the log holds their fills now
                self._fills_log.through = self.store.last_seq
                self.book.positions.let_go()
            if batch.changes.recorded:
                self._publish(batch.changes)
                self._snapshot_a_piece(batch.changes.orders)
        finally:
            self._in_batch = not outermost
        if outermost and self._after_batch:
            self._run_after_batch()

    def _run_after_batch(self) -> None:
        """Run what listeners handed to ``after_batch``, oldest first (each may run a batch, and hand on more)."""
        while self._after_batch:
            _contained(self._after_batch.popleft())

    def _publish(self, changes: ChangeSet) -> None:
        """Tell every listener; the batch is committed and sent, so a failing view must not undo that."""
        for listener in self._listeners:
            _contained(listener, changes)

    def _snapshot_a_piece(self, changed: set[OrderId]) -> None:
        """Every ``snapshot_every`` events a snapshot begins; each batch then works on it for a few milliseconds.

        A periodic snapshot only speeds up the next start: if it fails, the batch still stands.
        """
        snapshots = self._snapshots
        snapshots.note(changed)
        try:
            if snapshots.job is None and self._snapshot_due(snapshots):
                snapshots.start(self.book, self.store.last_seq, self.store.last_hash, self.clock.now().isoformat())
            self._snapshot_seq = snapshots.step(self.store) or self._snapshot_seq
        except StoreError as err:
            _log.warning("Could not save a snapshot of the book (the next start will replay more): %s", err)

    def _snapshot_due(self, snapshots: BookSnapshots) -> bool:
        """Whether enough events have come since the last snapshot: ``snapshot_every``, and two per row to rewrite."""
        since = self.store.last_seq - self._snapshot_seq
        return since >= self.snapshot_every and since >= SNAPSHOT_EVENTS_PER_ROW * snapshots.rows_due(self.book)


def _contained(listener: Callable[..., None], *args: object) -> None:
    """Call a view's listener; the engine's work is done and committed, so a failing view must not undo it."""
    try:
        listener(*args)
    except Exception:  # noqa: BLE001 - the one boundary where any view bug is contained and logged
        _log.exception("A view failed to take in the engine's changes; the engine carries on")


class _Batch:
    """One transaction's worth of events and wire messages."""

    def __init__(self, engine: Engine, tx: Transaction) -> None:
        self.engine, self.tx = engine, tx
        self.changes = ChangeSet()
        self._ts: datetime | None = None
        self._ts_text = ""

    def record(self, event: Event, user: UserId) -> None:
        """Append ``event`` to the log and apply it to the projections.

        A batch's events commit together, at one moment: they carry the time the clock read at the first of them
        (read and formatted once, not per event: a fill burst's batches hold hundreds).
        """
        ts = self._append(event, getattr(event, "order_id", None), user)
        changed = self.engine.book.apply(event, ts)
        if changed:
            self.changes.orders.add(changed)

    def record_execution(self, order: Order, event: ExecutionApplied) -> None:
        """Record the system's ``event`` about ``order`` (its own order, already found): as ``record`` does, with no
        search for the order or for the projections that follow the event."""
        order_id = order.order_id
        ts = self._append(event, order_id, SYSTEM_USER, execution_json(event))
        self.engine.book.take_execution(order, event, ts)
        self.changes.orders.add(order_id)

    def _append(self, event: Event, order_id: OrderId | None, user: UserId, data: str | None = None) -> datetime:
        """Append ``event`` (its log text ``data`` when already written) to the transaction and the change set;
        the batch's time."""
        ts = self._ts
        if ts is None:
            ts = self._ts = self.engine.clock.now()
            self._ts_text = ts.isoformat()
        text = to_json(event) if data is None else data
        stored = self.tx.append(type(event).__name__, self._ts_text, user, text, order_id)
        self.changes.recorded.append(Recorded(stored.seq, ts, user, event))
        return ts

    def record_all(self, events: Sequence[Event]) -> None:
        """Record each of ``events`` as the system's doing."""
        for event in events:
            self.record(event, SYSTEM_USER)

    def close_with(self, notes: Sequence[Event], also: Callable[[Transaction], None] | None) -> None:
        """Last in a venue batch: record the sessions' ``notes`` and let ``also`` store their messages."""
        self.record_all(notes)
        if also is not None:
            also(self.tx)

    def send(self, request: OutboundRequest) -> None:
        """Stage the wire message for ``request`` in this transaction."""
        self.engine.outbound.stage(request, self.tx)

    @property
    def changed(self) -> set[OrderId]:
        """Ids of the orders this batch has changed so far."""
        return self.changes.orders

    def cancel(self, order: Order, status: OrderStatus, user: UserId, *, send: bool = True) -> None:
        """Record ``order`` moving to ``status`` under a new cancel ClOrdID; send the cancel unless a mass cancel
        covers it."""
        cl_ord_id = self.engine._next_cl_ord_id()
        self.record(CancelRequested(order.order_id, cl_ord_id, order.cl_ord_id, status, order.status), user)
        if send:
            self.send(VenueRequest.for_order(order, RequestKind.CANCEL, cl_ord_id, order.cl_ord_id))
