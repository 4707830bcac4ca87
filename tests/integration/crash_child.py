"""A deterministic stream of orders and venue reports, and the child process the crash test kills.

``build_stream(seed)`` gives the same list of steps in every process: submits, cancel and replace requests,
and batches of execution reports (acks, partial fills, cancels, replaces, rejects, busts, resent
duplicates) as a venue would send them. Each step is one engine transaction and leaves a mark in the book
(its ClOrdID or a fresh ExecID), so ``committed_steps`` reads from a reopened engine how far the stream got.

Run as ``python -m tests.integration.crash_child STORE PROGRESS SEED``: open the engine on STORE (durable),
resume the stream where the log ends, and append ``start N``, then the number of steps committed after
each commit, then ``done`` to PROGRESS, so the parent knows what the child believed was on disk.
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from app.engine import book_snapshots
from app.engine.clock import FakeClock
from app.engine.commands import CancelOrder, CommandResult, ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import Side
from app.engine.ids import AccountId, ClOrdId, ExecId, OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import Amendment, LinkOutcome, OrderSpec, RequestKind
from app.engine.venue_messages import ExecutionReport, VenueMessage
from tests.support.engine_kit import DESK, TRADER, PassGate, RecordingOutbound, spec
from tests.support.reports import VenueOrder

START = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
"""Step ``i`` happens at ``START + i`` milliseconds, in the child and in the reference alike."""
ID_PREFIX = f"OEMS-{START:%y%m%d}-"
"""The engine's ClOrdIDs for cancels and replaces: this prefix and its count of ids issued."""
SNAPSHOT_EVERY = 300
"""The child's engine begins a snapshot each time this many events have been logged since the last one, and
writes it an order's row per step (segments of ``SEGMENT_ORDERS`` orders), so kills land inside snapshots too."""
SEGMENT_ORDERS = 40
ORDERS = 500
SYMBOLS = ("AAPL", "MSFT", "IBM")
ACCOUNTS = (AccountId("ACC1"), AccountId("ACC2"))


@dataclasses.dataclass(frozen=True)
class Step:
    """One engine transaction: a command (submit, cancel, replace) or one batch of venue messages."""

    kind: str
    order_id: OrderId
    mark: str
    """The ClOrdID the step makes known, or for a batch the fresh ExecID (or rejected ClOrdID) it applies."""
    spec: OrderSpec | None = None
    amendment: Amendment | None = None
    messages: tuple[VenueMessage, ...] = ()


def step_time(index: int) -> datetime:
    """When step ``index`` happens."""
    return START + timedelta(milliseconds=index)


def apply_step(engine: Engine, index: int, step: Step) -> None:
    """Feed one step to ``engine``; a command it refuses means the stream is wrong, so raise."""
    engine.clock = FakeClock(step_time(index))
    oid = step.order_id
    if step.kind == "batch":
        engine.apply_venue_messages(step.messages)
        return
    if step.kind == "submit" and step.spec is not None:
        result = engine.submit(SubmitOrder(step.spec, TRADER, ClOrdId(oid)))
    elif step.kind == "cancel":
        result = engine.cancel(CancelOrder(oid, TRADER))
    elif step.kind == "replace" and step.amendment is not None:
        result = engine.replace(ReplaceOrder(oid, step.amendment, TRADER))
    else:
        raise ValueError(f"step {index} is malformed: {step}")
    if not result.accepted or result.duplicate:
        raise RuntimeError(f"step {index} ({step.kind} {oid}) was refused: {_why(result)}")


def _why(result: CommandResult) -> str:
    return result.message or "duplicate"


def is_committed(ledger: OrderLedger, step: Step) -> bool:
    """Whether the book shows ``step`` was applied."""
    order = ledger.get(step.order_id)
    if order is None:
        return False
    if step.kind != "batch":
        return ledger.find(ClOrdId(step.mark)) is not None
    if step.mark.startswith("E"):
        return ExecId(step.mark) in order.exec_ids
    return any(link.cl_ord_id == step.mark and link.outcome is LinkOutcome.REJECTED for link in order.chain)


def committed_steps(ledger: OrderLedger, steps: list[Step]) -> int:
    """How many steps, from the first, the book shows as applied."""
    return next((i for i, step in enumerate(steps) if not is_committed(ledger, step)), len(steps))


@dataclasses.dataclass
class _VenueSide:
    """The venue's view of one order while the stream is generated."""

    order_id: OrderId
    venue: VenueOrder
    limit_px: Decimal
    acked: bool = False
    pending: tuple[RequestKind, ClOrdId, Decimal] | None = None
    fills: list[ExecutionReport] = dataclasses.field(default_factory=list)
    canceled: bool = False

    @property
    def filled(self) -> bool:
        return self.venue.cum >= self.venue.qty

    @property
    def finished(self) -> bool:
        return self.canceled or (self.filled and self.pending is None)


class _Generator:
    """Writes the stream: a venue that answers every request and fills orders in random pieces."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.steps: list[Step] = []
        self.ids_issued = 0
        self.to_submit = [self._new_order() for _ in range(ORDERS)]
        self.working: dict[OrderId, _VenueSide] = {}
        self.sent: list[ExecutionReport] = []

    def _new_order(self) -> OrderSpec:
        rng = self.rng
        side = Side.BUY if rng.random() < 0.55 else Side.SELL
        qty, px = Decimal(rng.randint(1, 10) * 100), Decimal(rng.randint(1000, 2000)) / 100
        return spec(symbol=rng.choice(SYMBOLS), side=side, qty=qty, account=rng.choice(ACCOUNTS), limit_px=px)

    def run(self) -> list[Step]:
        while self.to_submit or self.working:
            roll = self.rng.random()
            requestable = [o for o in self.working.values() if o.acked and o.pending is None and not o.filled]
            if self.to_submit and (roll < 0.25 or len(self.working) < 40):
                self._submit()
            elif roll < 0.45 and requestable:
                self._request(self.rng.choice(requestable))
            else:
                self._batch()
        return self.steps

    def _submit(self) -> None:
        order_spec = self.to_submit.pop()
        oid = OrderId(f"C{len(self.steps):05d}")
        self.ids_issued += 1
        side = _VenueSide(oid, VenueOrder(oid, order_spec.qty), order_spec.limit_px or Decimal(1))
        self.working[oid] = side
        self.steps.append(Step("submit", oid, oid, spec=order_spec))

    def _request(self, order: _VenueSide) -> None:
        self.ids_issued += 1
        cl_ord_id = ClOrdId(f"{ID_PREFIX}{self.ids_issued}")
        if self.rng.random() < 0.6:
            order.pending = (RequestKind.CANCEL, cl_ord_id, Decimal(0))
            self.steps.append(Step("cancel", order.order_id, cl_ord_id))
            return
        new_qty = order.venue.cum + self.rng.randint(1, 6) * 100
        new_qty += 100 if new_qty == order.venue.qty else 0
        order.pending = (RequestKind.REPLACE, cl_ord_id, new_qty)
        amendment = Amendment(new_qty, limit_px=order.limit_px)
        self.steps.append(Step("replace", order.order_id, cl_ord_id, amendment=amendment))

    def _batch(self) -> None:
        index = len(self.steps)
        messages: list[VenueMessage] = []
        first: OrderId | None = None
        for _ in range(self.rng.randint(1, 20)):
            if not self.working:
                break
            order = self.working[self.rng.choice(list(self.working))]
            message = self._next_message(order)
            if isinstance(message, ExecutionReport):
                message = dataclasses.replace(message, exec_id=ExecId(f"E{index:05d}.{len(messages)}"))
                self.sent.append(message)
                if message.last_qty:
                    order.fills.append(message)
            messages.append(message)
            first = first or order.order_id
            if order.finished:
                del self.working[order.order_id]
        if first is None:
            return
        head = messages[0]
        mark = head.exec_id if isinstance(head, ExecutionReport) else head.cl_ord_id
        if self.sent and self.rng.random() < 0.3:
            messages.append(self.rng.choice(self.sent))  # sent again: must change nothing
        self.steps.append(Step("batch", first, mark, messages=tuple(messages)))

    def _next_message(self, order: _VenueSide) -> VenueMessage:
        venue, rng = order.venue, self.rng
        if not order.acked:
            order.acked = True
            return venue.ack()
        if order.pending is not None and (order.filled or rng.random() < 0.5):
            return self._answer(order, order.pending)
        if order.fills and rng.random() < 0.05:
            return venue.bust(order.fills.pop(rng.randrange(len(order.fills))))
        qty = min(venue.qty - venue.cum, Decimal(rng.randint(1, 3) * 100))
        return venue.fill(qty, order.limit_px - Decimal(rng.randint(0, 30)) / 100)

    def _answer(self, order: _VenueSide, pending: tuple[RequestKind, ClOrdId, Decimal]) -> VenueMessage:
        kind, cl_ord_id, new_qty = pending
        order.pending = None
        too_late = order.filled or (kind is RequestKind.REPLACE and new_qty <= order.venue.cum)
        if too_late or self.rng.random() < 0.2:
            return order.venue.reject_request(cl_ord_id, kind)
        if kind is RequestKind.CANCEL:
            order.canceled = True
            return order.venue.canceled(cl_ord_id)
        return order.venue.replaced(cl_ord_id, new_qty)


def build_stream(seed: int) -> list[Step]:
    """The whole stream for ``seed``: the same steps in every process."""
    return _Generator(seed).run()


def main(argv: list[str]) -> int:
    """Apply the stream to the store at ``argv[0]`` from where its log ends; report progress to ``argv[1]``."""
    store_path, progress_path, seed = Path(argv[0]), Path(argv[1]), int(argv[2])
    steps = build_stream(seed)
    book_snapshots.SEGMENT_ORDERS = SEGMENT_ORDERS
    book_snapshots.STEP_SECONDS = 0
    engine = Engine.open(
        store_path,
        clock=FakeClock(START),
        gate=PassGate(),
        outbound=RecordingOutbound(),
        directory=DESK,
        id_prefix="OEMS",
    )
    engine.snapshot_every = SNAPSHOT_EVERY
    start = committed_steps(engine.ledger, steps)
    fd = os.open(progress_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, f"start {start}\n".encode())
    for index in range(start, len(steps)):
        apply_step(engine, index, steps[index])
        os.write(fd, f"{index + 1}\n".encode())
    engine.close()
    os.write(fd, b"done\n")
    os.close(fd)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
