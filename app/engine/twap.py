"""The TWAP slicer: a parent (care) order worked in ``slices`` children evenly spaced over ``minutes``.

Slice 1 is due when the TWAP starts, slice ``n`` at ``start + (n - 1) * minutes / slices``. Each slice takes an
even share of what is left to slice (what is unsliced over the slices left, in whole units; the last takes the
rest) and is sent as an ordinary order through ``Engine.submit`` (kill switches, risk gate, smart routing), so a
refused slice is recorded as any refused order, and every slice taken is recorded as ``TwapSliced``. The
slicer stops (``TwapStopped``) when its parent is closed or a kill switch covers it.

The schedule lives in the event log (``TwapStarted`` with its time, then each ``TwapSliced``): the ``TwapBook``
desk view rebuilds it exactly after a restart, from a snapshot or a replay, and ``run`` catches up on slices
that fell due while the desk was down.
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
            self.twaps[event.parent_id] = Twap(event, ts)
        elif kind is TwapSliced:
            self.twaps[event.parent_id].taken = event.number
        elif kind is TwapStopped:
            self.twaps[event.parent_id].stopped = event.reason

    def rows(self) -> list[tuple[Any, ...]]:
        """Each TWAP as its plan's JSON text, when it started, slices taken and why it stopped."""
        return [(to_json(t.plan), t.started_at.isoformat(), t.taken, t.stopped) for t in self.twaps.values()]

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        self.twaps = {}
        for plan_text, at, taken, stopped in rows:
            plan = from_json(TwapStarted, plan_text)
            self.twaps[plan.parent_id] = Twap(plan, datetime.fromisoformat(at), taken, stopped)


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
    while twap.running and twap.taken < twap.due(now):
        number = twap.taken + 1
        cl_ord_id = slice_cl_ord_id(engine.id_prefix, plan.parent_id, number)
        sent = engine.ledger.find(cl_ord_id)  # sent before a crash that came before its TwapSliced
        qty = (
            sent.spec.qty
            if sent is not None
            else slice_qty(parent.figures(engine.ledger).unsliced, plan.slices - twap.taken)
        )
        if qty <= ZERO:
            engine.record([TwapSliced(plan.parent_id, number, None, "nothing left to slice")], plan.started_by)
            continue
        result = engine.submit(SubmitOrder(child_spec(plan, qty, parent.spec), plan.started_by, cl_ord_id=cl_ord_id))
        child = result.order_id if result.accepted else None
        note = f"slice {number} of {plan.slices}: {qty}" + ("" if result.accepted else f" refused: {result.message}")
        engine.record([TwapSliced(plan.parent_id, number, child, note)], plan.started_by)


def slice_cl_ord_id(prefix: str, parent_id: OrderId, number: int) -> ClOrdId:
    """The ClOrdID of slice ``number``: fixed by the plan, so a slice sent just before a crash that came before
    its ``TwapSliced`` is found again after the restart (a known ClOrdID sends nothing) instead of sent twice."""
    return ClOrdId(f"{prefix}-{parent_id}-T{number}")


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
