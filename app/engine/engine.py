"""The engine: commands and venue messages in, events out, one SQLite transaction per batch.

Every change goes the same way: decide (the transition table, the risk gate), append the events and any
wire message they cause in one transaction, apply them to the projections, commit, and only then release
the wire messages and publish one change set. If the commit fails nothing is sent, the projections are
rebuilt from the log, and the error goes up to be shown.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Protocol

from app.engine import recovery
from app.engine.book_snapshots import BookSnapshots
from app.engine.clock import Clock
from app.engine.commands import CancelOrder, CommandResult, ReplaceOrder, SubmitOrder
from app.engine.enums import OrderStatus
from app.engine.errors import StoreError
from app.engine.events import (
    ActionRefused,
    CancelRequested,
    Event,
    LineLost,
    OrderDenied,
    OrderSubmitted,
    Recorded,
    ReplaceDenied,
    ReplaceRequested,
)
from app.engine.ids import SYSTEM_USER, ClOrdId, OrderId, UserId
from app.engine.ledger import OrderLedger
from app.engine.order import Order, RequestKind
from app.engine.order_fsm import IllegalTransition, Situation, Trigger, transition
from app.engine.positions import Positions
from app.engine.projections import Projections
from app.engine.report_rules import execution_events, reject_events
from app.engine.risk import RiskGate
from app.engine.roles import Action, UserDirectory, allows, refusal
from app.engine.serialization import to_json
from app.engine.store import EventStore, Transaction
from app.engine.venue_messages import ExecutionReport, VenueMessage, VenueRequest

_log = logging.getLogger(__name__)


class Outbound(Protocol):
    """Where requests go: staged inside the transaction (durable), released after the commit."""

    def stage(self, request: VenueRequest, tx: Transaction) -> None:
        """Encode ``request`` and store its wire message in ``tx``; send nothing yet."""
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
        directory: UserDirectory,
        id_prefix: str = "OEMS",
        snapshot_every: int = 100_000,
    ) -> None:
        self.store, self.clock, self.gate, self.outbound = store, clock, gate, outbound
        self.directory = directory
        self.id_prefix = id_prefix
        self.snapshot_every = snapshot_every
        self.book = Projections()
        self._listeners: list[Callable[[ChangeSet], None]] = []
        self._snapshot_seq = 0
        self._snapshots = BookSnapshots()

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Clock,
        gate: RiskGate,
        outbound: Outbound,
        directory: UserDirectory,
        id_prefix: str = "OEMS",
        progress: recovery.Progress | None = None,
    ) -> Engine:
        """Open (or create) the store at ``path`` and rebuild the book: newest snapshot + the log's tail."""
        engine = cls(EventStore.open(path), clock, gate, outbound, directory=directory, id_prefix=id_prefix)
        engine.reload(progress)
        return engine

    def reload(self, progress: recovery.Progress | None = None) -> None:
        """Rebuild every projection from the store, exactly as committed."""
        restored = recovery.restore(self.store, progress)
        self.book, self._snapshot_seq = restored.projections, restored.snapshot_seq
        self._snapshots = restored.snapshots  # a snapshot under way was of the book just replaced: dropped

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
        if refused := self._refused(cmd.user, Action.ENTER_ORDER):
            return refused
        known = self.ledger.find(cmd.cl_ord_id)
        if known is not None:
            note = "Already submitted under this ClOrdID; nothing was sent again."
            return CommandResult(True, known.order_id, note, duplicate=True)
        problems = cmd.spec.problems()
        if problems:
            return CommandResult(False, None, "The order has errors; nothing was sent.", tuple(problems))
        verdict = self.gate.check_new(cmd.spec, self.ledger, self.positions)
        cl_ord_id = cmd.cl_ord_id or self._next_cl_ord_id()
        order_id = OrderId(cl_ord_id)
        with self._batch() as batch:
            if not verdict.allowed:
                batch.record(OrderDenied(order_id, cmd.spec, verdict.rule, verdict.reason), cmd.user)
            else:
                batch.record(OrderSubmitted(order_id, cl_ord_id, cmd.spec), cmd.user)
                order = self.ledger.orders[order_id]
                batch.send(VenueRequest.for_order(order, RequestKind.NEW, cl_ord_id))
        return CommandResult(verdict.allowed, order_id, verdict.reason)

    def cancel(self, cmd: CancelOrder) -> CommandResult:
        """Send a cancel; the order shows pending cancel until the venue answers."""
        if refused := self._refused(cmd.user, Action.CANCEL_ORDER, cmd.order_id):
            return refused
        ready = self._ready_for(cmd.order_id, Trigger.CANCEL_SENT, "cancel")
        if isinstance(ready, CommandResult):
            return ready
        order, status = ready
        cl_ord_id = self._next_cl_ord_id()
        request = VenueRequest.for_order(order, RequestKind.CANCEL, cl_ord_id, order.cl_ord_id)
        with self._batch() as batch:
            event = CancelRequested(order.order_id, cl_ord_id, order.cl_ord_id, status, order.status)
            batch.record(event, cmd.user)
            batch.send(request)
        return CommandResult(True, order.order_id)

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
        verdict = self.gate.check_amend(order, amendment, self.ledger, self.positions)
        if not verdict.allowed:
            with self._batch() as batch:
                batch.record(ReplaceDenied(order.order_id, amendment, verdict.rule, verdict.reason), cmd.user)
            return CommandResult.refused(verdict.reason, order.order_id)
        cl_ord_id = self._next_cl_ord_id()
        request = dataclasses.replace(
            VenueRequest.for_order(order, RequestKind.REPLACE, cl_ord_id, order.cl_ord_id),
            qty=amendment.qty,
            limit_px=amendment.limit_px,
            stop_px=amendment.stop_px,
        )
        with self._batch() as batch:
            event = ReplaceRequested(order.order_id, cl_ord_id, order.cl_ord_id, amendment, status, order.status)
            batch.record(event, cmd.user)
            batch.send(request)
        return CommandResult(True, order.order_id)

    def _refused(self, user: UserId, action: Action, order_id: OrderId | None = None) -> CommandResult | None:
        """None when ``user``'s role allows ``action``; otherwise record the refusal and say why."""
        role = self.directory.role_of(user)
        if allows(role, action):
            return None
        reason = refusal(user, role, action)
        with self._batch() as batch:
            batch.record(ActionRefused(action, reason, order_id if order_id in self.ledger.orders else None), user)
        return CommandResult.refused(reason, order_id)

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
        self, messages: Sequence[VenueMessage], also: Callable[[Transaction], None] | None = None
    ) -> ChangeSet:
        """Apply a batch of venue reports in one transaction (group commit); ``also`` joins it."""
        with self._batch() as batch:
            for message in messages:
                order = self.ledger.find(message.cl_ord_id) or self.ledger.find(message.orig_cl_ord_id)
                if isinstance(message, ExecutionReport):
                    if order is None:
                        batch.changes.dont_know.append(message)
                    events = execution_events(order, message)
                else:
                    events = reject_events(order, message)
                for event in events:
                    batch.record(event, SYSTEM_USER)
            if also is not None:
                also(batch.tx)
        return batch.changes

    def line_lost(self, destination: str) -> ChangeSet:
        """The session to ``destination`` dropped: every request it had not answered has an unknown fate."""
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
        batch: _Batch | None = None
        try:
            with self.store.transaction() as tx:
                batch = _Batch(self, tx)
                yield batch
        except BaseException:
            self.outbound.discard()
            if batch is not None and batch.changes.recorded:
                self.reload()
            raise
        self.outbound.release()
        if batch.changes.recorded:
            self._publish(batch.changes)
            self._snapshot_a_piece(batch.changes.orders)

    def _publish(self, changes: ChangeSet) -> None:
        """Tell every listener; the batch is committed and sent, so a failing view must not undo that."""
        for listener in self._listeners:
            try:
                listener(changes)
            except Exception:  # noqa: BLE001 - the one boundary where any view bug is contained and logged
                _log.exception("A view failed to take in committed changes; the engine carries on")

    def _snapshot_a_piece(self, changed: set[OrderId]) -> None:
        """Every ``snapshot_every`` events a snapshot begins; each batch then writes one piece of it.

        A periodic snapshot only speeds up the next start: if it fails, the batch still stands.
        """
        snapshots = self._snapshots
        snapshots.note(changed)
        try:
            if snapshots.job is None and self.store.last_seq - self._snapshot_seq >= self.snapshot_every:
                snapshots.start(self.book, self.store.last_seq, self.store.last_hash, self.clock.now().isoformat())
            self._snapshot_seq = snapshots.step(self.store) or self._snapshot_seq
        except StoreError as err:
            _log.warning("Could not save a snapshot of the book (the next start will replay more): %s", err)


class _Batch:
    """One transaction's worth of events and wire messages."""

    def __init__(self, engine: Engine, tx: Transaction) -> None:
        self.engine, self.tx = engine, tx
        self.changes = ChangeSet()
        self._ts: datetime | None = None
        self._ts_text = ""

    def record(self, event: Event, user: UserId) -> None:
        """Append ``event`` to the log and apply it to the projections."""
        ts = self.engine.clock.now()
        if ts != self._ts:  # a batch's events mostly share a clock reading: format it once
            self._ts, self._ts_text = ts, ts.isoformat()
        order_id = getattr(event, "order_id", None)
        stored = self.tx.append(type(event).__name__, self._ts_text, user, to_json(event), order_id)
        self.changes.recorded.append(Recorded(stored.seq, ts, user, event))
        changed = self.engine.book.apply(event, ts)
        if changed:
            self.changes.orders.add(changed)

    def send(self, request: VenueRequest) -> None:
        """Stage the wire message for ``request`` in this transaction."""
        self.engine.outbound.stage(request, self.tx)
