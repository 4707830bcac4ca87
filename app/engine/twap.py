"""The TWAP slicer: a parent (care) order worked in ``slices`` children evenly spaced over ``minutes``.

Slice 1 is due when the TWAP starts, slice ``n`` at ``start + (n - 1) * minutes / slices``. Each slice takes an
even share of what is left to slice (what is unsliced over the slices left, in whole units; the last takes the
rest) and is sent as an ordinary order through ``Engine.submit`` (kill switches, risk gate, smart routing), so a
refused slice is recorded as any refused order, and every slice taken is recorded as ``TwapSliced``. The
slicer stops (``TwapStopped``) when its parent is closed or a kill switch covers it.

The schedule lives in the event log (``TwapStarted`` with its time, then each ``TwapSliced``): the ``TwapBook``
desk view rebuilds it exactly after a restart, from a snapshot or a replay. Slices that fell due while the desk
was down are not sent in a burst when it comes back: each is recorded as missed (a ``TwapSliced`` with no child,
so the slices left share its quantity) and only the slice due now is sent, the rest at the normal spacing. A TWAP
whose schedule ended, or whose trading day ended, while the desk was down stops instead (``TwapStopped``, saying
how many slices were not taken): a TWAP never carries into a new trading day.

A parent may be worked by several TWAPs one after another (a new one once the last stopped); each is a new
generation, and its slices' ClOrdIDs name it, so a later TWAP never finds an earlier one's slices as its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from app.engine.commands import SubmitOrder
from app.engine.enums import OrdType
from app.engine.events import TwapSliced, TwapStarted, TwapStopped
from app.engine.ids import ClOrdId, OrderId
from app.engine.order import ZERO, OrderSpec
from app.engine.parent_terms import ParentSpec
from app.engine.serialization import from_json, to_json

if TYPE_CHECKING:
    from app.engine.engine import Engine

MAX_SLICES = 1000
"""The most slices a TWAP may take."""


@dataclass(slots=True)
class Twap:
    """One parent's TWAP schedule and how far it has got."""

    plan: TwapStarted
    started_at: datetime
    taken: int = 0
    """Slices taken so far (sent or refused)."""
    stopped: str | None = None
    """Why it stopped early, if it did."""
    generation: int = 1
    """Which TWAP of its parent this is (1 for the first)."""

    @property
    def running(self) -> bool:
        """Whether slices are still to come."""
        return self.stopped is None and self.taken < self.plan.slices

    def due(self, now: datetime) -> int:
        """How many slices should have been taken by ``now``."""
        if now < self.started_at:
            return 0
        spacing = timedelta(minutes=self.plan.minutes) / self.plan.slices
        return min(self.plan.slices, int((now - self.started_at) / spacing) + 1)

    @property
    def ends(self) -> datetime:
        """When its schedule ends: one spacing after its last slice was due."""
        return self.started_at + timedelta(minutes=self.plan.minutes)

    def describe(self) -> str:
        """Where it stands, in words."""
        plan = self.plan
        head = f"TWAP over {plan.minutes} min in {plan.slices} slices to {plan.destination}: {self.taken} taken"
        if self.stopped is not None:
            return f"{head}; stopped: {self.stopped}"
        return head + ("; done" if self.taken >= plan.slices else "")


class TwapBook:
    """Every TWAP by parent id (the latest, if a parent had several), as a desk view."""

    name = "twaps"
    event_types: tuple[type, ...] = (TwapStarted, TwapSliced, TwapStopped)

    def __init__(self) -> None:
        self.twaps: dict[OrderId, Twap] = {}

    def get(self, parent_id: OrderId) -> Twap | None:
        """The TWAP of ``parent_id``, if it has one."""
        return self.twaps.get(parent_id)

    def running(self) -> list[Twap]:
        """The TWAPs with slices still to come."""
        return [twap for twap in self.twaps.values() if twap.running]

    def apply(self, event: Any, ts: datetime) -> None:
        """Take in a TWAP event."""
        kind = type(event)
        if kind is TwapStarted:
            previous = self.twaps.get(event.parent_id)
            generation = 1 if previous is None else previous.generation + 1
            self.twaps[event.parent_id] = Twap(event, ts, generation=generation)
        elif kind is TwapSliced:
            self.twaps[event.parent_id].taken = event.number
        elif kind is TwapStopped:
            self.twaps[event.parent_id].stopped = event.reason

    def rows(self) -> list[tuple[Any, ...]]:
        """Each TWAP as its plan's JSON text, when it started, slices taken, why it stopped and its generation."""
        return [
            (to_json(t.plan), t.started_at.isoformat(), t.taken, t.stopped, t.generation) for t in self.twaps.values()
        ]

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote (a snapshot written before generations were kept holds first TWAPs only:
        a later one reused the first's ClOrdIDs, so it could send nothing)."""
        self.twaps = {}
        for plan_text, at, taken, stopped, *generation in rows:
            plan = from_json(TwapStarted, plan_text)
            started = datetime.fromisoformat(at)
            self.twaps[plan.parent_id] = Twap(plan, started, taken, stopped, generation[0] if generation else 1)


def plan_problem(minutes: int, slices: int) -> str | None:
    """Why a TWAP over ``minutes`` in ``slices`` cannot run, in words; None if it can."""
    if minutes < 1:
        return "A TWAP runs over at least 1 minute."
    if not 1 <= slices <= MAX_SLICES:
        return f"A TWAP takes between 1 and {MAX_SLICES} slices, not {slices}."
    return None


def slice_qty(unsliced: Decimal, slices_left: int) -> Decimal:
    """An even share of ``unsliced`` over ``slices_left`` in whole units; the last slice takes the rest."""
    if slices_left <= 1:
        return unsliced
    return (unsliced / slices_left).to_integral_value(rounding=ROUND_DOWN)


def run_twaps(engine: Engine) -> None:
    """Take every slice due now on every running TWAP, or stop those whose parent closed or is under a kill
    switch (called every second or so by the runtime)."""
    now = engine.clock.now()
    for twap in engine.book.twaps.running():
        _run(engine, twap, now)


def _run(engine: Engine, twap: Twap, now: datetime) -> None:
    plan = twap.plan
    parent = engine.book.parents.get(plan.parent_id)
    if parent is None or parent.closed is not None:
        engine.record([TwapStopped(plan.parent_id, "the parent was closed")], plan.started_by)
        return
    switches = engine.book.kill.covering(child_spec(plan, parent.spec.qty, parent.spec))
    if switches:
        reason = f"kill switch {switches[0].describe()} is engaged"
        engine.record([TwapStopped(plan.parent_id, reason)], plan.started_by)
        return
    due = twap.due(now)
    if twap.taken >= due:
        return
    if overrun := _overrun(engine, twap, now):
        engine.record([TwapStopped(plan.parent_id, overrun)], plan.started_by)
        return
    for number in range(twap.taken + 1, due + 1):
        cl_ord_id = slice_cl_ord_id(engine.id_prefix, plan.parent_id, number, twap.generation)
        sent = engine.ledger.find(cl_ord_id)  # sent before a crash that came before its TwapSliced
        if sent is not None:
            note = f"slice {number} of {plan.slices}: {sent.spec.qty}"
            engine.record([TwapSliced(plan.parent_id, number, sent.order_id, note)], plan.started_by)
        elif number < due:
            engine.record([TwapSliced(plan.parent_id, number, None, MISSED)], plan.started_by)
        else:
            _take(engine, twap, parent.figures(engine.ledger).unsliced, cl_ord_id)


MISSED = "missed while the desk was down; the slices left share its quantity"
"""What the parent's timeline says of a slice that fell due while the desk was down (it is never sent late)."""


def _overrun(engine: Engine, twap: Twap, now: datetime) -> str | None:
    """Why a TWAP with slices due must stop instead: its trading day or its schedule ended while the desk was down."""
    left = twap.plan.slices - twap.taken
    roll = engine.book.limits.day_roll()
    if roll.trading_day(now) != roll.trading_day(twap.started_at):
        return f"its trading day ended while the desk was down; {left} slice(s) not taken"
    if now >= twap.ends:
        return f"its schedule ended at {twap.ends:%H:%M:%S} while the desk was down; {left} slice(s) not taken"
    return None


def _take(engine: Engine, twap: Twap, unsliced: Decimal, cl_ord_id: ClOrdId) -> None:
    """Send the next slice (an even share of ``unsliced`` over the slices left) and record it."""
    plan, number = twap.plan, twap.taken + 1
    parent = engine.book.parents.parents[plan.parent_id]
    qty = slice_qty(unsliced, plan.slices - twap.taken)
    if qty <= ZERO:
        engine.record([TwapSliced(plan.parent_id, number, None, "nothing left to slice")], plan.started_by)
        return
    result = engine.submit(SubmitOrder(child_spec(plan, qty, parent.spec), plan.started_by, cl_ord_id=cl_ord_id))
    child = result.order_id if result.accepted else None
    note = f"slice {number} of {plan.slices}: {qty}" + ("" if result.accepted else f" refused: {result.message}")
    engine.record([TwapSliced(plan.parent_id, number, child, note)], plan.started_by)


def slice_cl_ord_id(prefix: str, parent_id: OrderId, number: int, generation: int = 1) -> ClOrdId:
    """The ClOrdID of slice ``number`` of the parent's TWAP ``generation``: fixed by the plan, so a slice sent just
    before a crash that came before its ``TwapSliced`` is found again after the restart (a known ClOrdID sends
    nothing) instead of sent twice; a later TWAP of the same parent has ClOrdIDs of its own."""
    tag = "" if generation == 1 else f"G{generation}-"
    return ClOrdId(f"{prefix}-{parent_id}-{tag}T{number}")


def child_spec(plan: TwapStarted, qty: Decimal, terms: ParentSpec) -> OrderSpec:
    """A slice of ``qty`` of the parent whose terms are ``terms``, as the TWAP sends it."""
    return OrderSpec(
        symbol=terms.symbol,
        side=terms.side,
        qty=qty,
        ord_type=OrdType.MARKET if terms.limit_px is None else OrdType.LIMIT,
        account=terms.account,
        destination=plan.destination,
        trader=terms.trader,
        limit_px=terms.limit_px,
        parent_id=plan.parent_id,
        text=f"TWAP {plan.parent_id}",
    )
