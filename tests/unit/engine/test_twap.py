"""The TWAP slicer through the real engine and store on a fake clock: slices evenly spaced and sized, each an
ordinary order through the gate and audited, stopped by the parent's close or a kill switch, refused in words, and
the same schedule after a restart with or without a snapshot (slices that fell due while down taken then)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import Side
from app.engine.events import TwapSliced, TwapStarted, TwapStopped
from app.engine.ids import AccountId, OrderId, UserId
from app.engine.kill_terms import KillGrade, Scope, ScopeKind
from app.engine.order_timeline import order_timeline
from app.engine.parent_terms import ParentSpec
from app.engine.recovery import decode_event
from app.engine.serialization import from_json, to_json
from app.engine.twap import TwapBook, child_spec, slice_cl_ord_id, slice_qty
from tests.support.engine_kit import SUPERVISOR, TRADER, VIEWER, open_engine

D = Decimal
T = TypeVar("T")


class TwapDesk:
    """A desk with one staged parent of 1000 AAPL, on a fake clock."""

    def __init__(self, path: Path) -> None:
        self.path, self.clock = path / "desk.sqlite3", FakeClock()
        self.engine = self.open()
        spec = ParentSpec("AAPL", Side.BUY, D(1000), AccountId("ACC1"), TRADER, limit_px=D(10))
        staged = self.engine.stage_parent(spec, TRADER)
        assert staged.order_id is not None
        self.parent_id: OrderId = staged.order_id

    def open(self) -> Engine:
        return open_engine(self.path, clock=self.clock)[0]

    def start(self, minutes: int = 10, slices: int = 3, user: UserId = TRADER) -> str:
        result = self.engine.start_twap(self.parent_id, user, minutes=minutes, slices=slices, destination="SIM1")
        assert result.accepted, result.message
        return result.message

    def children(self, engine: Engine | None = None) -> list[tuple[Decimal, str]]:
        orders = (engine or self.engine).ledger.orders.values()
        return [(o.qty, o.spec.destination) for o in orders if o.spec.parent_id == self.parent_id]

    def after(self, seconds: float, engine: Engine | None = None) -> None:
        self.clock.advance(seconds)
        (engine or self.engine).run_twaps()


@pytest.fixture
def desk(tmp_path: Path) -> TwapDesk:
    return TwapDesk(tmp_path)


def test_slices_are_sent_evenly_spaced_each_an_even_share_of_what_is_left(desk: TwapDesk) -> None:
    assert "TWAP over 10 min in 3 slices started" in desk.start(minutes=10, slices=3)
    assert desk.children() == [(D(333), "SIM1")]  # the first at once
    desk.after(199)
    assert len(desk.children()) == 1
    desk.after(1)  # 200 s: the second slice
    assert desk.children() == [(D(333), "SIM1"), (D(333), "SIM1")]
    desk.after(200)
    assert desk.children() == [(D(333), "SIM1"), (D(333), "SIM1"), (D(334), "SIM1")]  # the last takes the rest
    desk.after(3600)
    assert len(desk.children()) == 3
    twap = desk.engine.book.twaps.get(desk.parent_id)
    assert twap is not None
    assert not twap.running
    assert twap.describe() == "TWAP over 10 min in 3 slices to SIM1: 3 taken; done"
    notes = [e.note for e in _logged(desk.engine, TwapSliced)]
    assert notes == ["slice 1 of 3: 333", "slice 2 of 3: 333", "slice 3 of 3: 334"]


def test_closing_the_parent_stops_the_slicer(desk: TwapDesk) -> None:
    desk.start(minutes=10, slices=5)
    desk.engine.close_parent(desk.parent_id, TRADER)
    desk.after(600)
    assert len(desk.children()) == 1
    assert [e.reason for e in _logged(desk.engine, TwapStopped)] == ["the parent was closed"]


def test_a_kill_switch_over_the_parent_stops_the_slicer(desk: TwapDesk) -> None:
    desk.start(minutes=10, slices=5)
    scope = Scope(ScopeKind.SYMBOL, "AAPL")
    assert desk.engine.engage_kill_switch(scope, KillGrade.HALT, SUPERVISOR, scope.name, "test").accepted
    desk.after(600)
    assert len(desk.children()) == 1
    [stopped] = _logged(desk.engine, TwapStopped)
    assert stopped.reason.startswith("kill switch ")
    assert stopped.reason.endswith(" is engaged")


def test_a_twap_is_refused_in_words_when_it_cannot_run(desk: TwapDesk) -> None:
    def refusal(parent_id: OrderId, user: UserId = TRADER, minutes: int = 10, slices: int = 3) -> str:
        result = desk.engine.start_twap(parent_id, user, minutes=minutes, slices=slices, destination="SIM1")
        assert not result.accepted
        return result.message

    assert refusal(OrderId("P-nope")) == "There is no parent order P-nope."
    assert refusal(desk.parent_id, minutes=0) == "A TWAP runs over at least 1 minute."
    assert refusal(desk.parent_id, slices=0) == "A TWAP takes between 1 and 1000 slices, not 0."
    assert "viewer" in refusal(desk.parent_id, user=VIEWER).lower()
    desk.start()
    assert refusal(desk.parent_id).startswith(f"{desk.parent_id} is already worked by a TWAP")
    assert desk.engine.book.twaps.get(desk.parent_id) is not None


@pytest.mark.parametrize("snapshot", [True, False])
def test_the_schedule_survives_a_restart_and_misses_what_fell_due_meanwhile(desk: TwapDesk, snapshot: bool) -> None:
    desk.start(minutes=10, slices=4)
    desk.after(150)
    before = desk.engine.book.twaps.rows()
    if snapshot:
        desk.engine.close()
    else:
        desk.engine.store.close()
    again = desk.open()
    assert again.book.twaps.rows() == before
    assert len(desk.children(again)) == 2
    desk.after(300, again)  # 450 s: the third and fourth fell due (150 s apart): the third is missed, not sent late
    assert [qty for qty, _ in desk.children(again)] == [D(250), D(250), D(500)]
    assert [e.child_id is None for e in _logged(again, TwapSliced)] == [False, False, True, False]
    again.store.close()


def _market_desk(desk: TwapDesk) -> OrderId:
    spec = ParentSpec("AAPL", Side.BUY, D(1000), AccountId("ACC1"), TRADER)
    parent_id = desk.engine.stage_parent(spec, TRADER).order_id
    assert parent_id is not None
    assert desk.engine.start_twap(parent_id, TRADER, minutes=60, slices=6, destination="SIM1").accepted
    return parent_id


def test_a_twap_never_sends_its_overdue_slices_in_one_burst_the_next_day(desk: TwapDesk) -> None:
    """The desk closed after slice 1 and came back 20 hours later: nothing is sent (it used to send the five
    overdue slices at once), and the parent's timeline says why the TWAP stopped."""
    parent_id = _market_desk(desk)
    desk.engine.close()
    desk.clock.advance(20 * 3600)
    again = desk.open()
    again.run_twaps()
    assert len([o for o in again.ledger.orders.values() if o.spec.parent_id == parent_id]) == 1
    said = [e.what for e in order_timeline(again.store, parent_id)]
    assert said[-1] == "TWAP stopped: its trading day ended while the desk was down; 5 slice(s) not taken"
    again.store.close()


def test_a_twap_whose_schedule_ended_while_the_desk_was_down_stops(desk: TwapDesk) -> None:
    parent_id = _market_desk(desk)
    desk.clock.advance(3601)
    desk.engine.run_twaps()
    assert len([o for o in desk.engine.ledger.orders.values() if o.spec.parent_id == parent_id]) == 1
    [stopped] = _logged(desk.engine, TwapStopped)
    assert stopped.reason.startswith("its schedule ended at ")
    assert stopped.reason.endswith(" while the desk was down; 5 slice(s) not taken")


def test_slices_missed_while_down_are_recorded_and_the_rest_keep_their_spacing(desk: TwapDesk) -> None:
    parent_id = _market_desk(desk)  # 1000 in 6 slices, 10 min apart: slice 1 took 166
    desk.clock.advance(30 * 60 + 5)  # down through slices 2 and 3; slice 4 is due
    desk.engine.run_twaps()
    sizes = [o.qty for o in desk.engine.ledger.orders.values() if o.spec.parent_id == parent_id]
    assert sizes == [D(166), D(278)]  # one slice now, of what is left over the slices left
    desk.after(9 * 60)
    assert len([o for o in desk.engine.ledger.orders.values() if o.spec.parent_id == parent_id]) == 2
    desk.after(60)  # slice 5, on its time
    assert len([o for o in desk.engine.ledger.orders.values() if o.spec.parent_id == parent_id]) == 3
    said = [e.what for e in order_timeline(desk.engine.store, parent_id) if e.what.startswith("TWAP slice")]
    assert said[1:3] == [
        "TWAP slice 2: nothing sent (missed while the desk was down; the slices left share its quantity)",
        "TWAP slice 3: nothing sent (missed while the desk was down; the slices left share its quantity)",
    ]


@pytest.mark.parametrize("snapshot", [True, False])
def test_a_second_twap_on_a_parent_sends_slices_of_its_own(desk: TwapDesk, snapshot: bool) -> None:
    """It used to reuse the first TWAP's ClOrdIDs, find the first's orders and send nothing."""
    desk.start(minutes=10, slices=5)  # slice 1: 200
    scope = Scope(ScopeKind.SYMBOL, "AAPL")
    assert desk.engine.engage_kill_switch(scope, KillGrade.HALT, SUPERVISOR, scope.name, "test").accepted
    desk.after(1)  # the TWAP stops
    assert desk.engine.resume_trading(scope, SUPERVISOR, "ok").accepted
    desk.start(minutes=10, slices=4)
    assert desk.children() == [(D(200), "SIM1"), (D(200), "SIM1")]
    if snapshot:
        desk.engine.close()
    else:
        desk.engine.store.close()
    desk.engine = desk.open()
    for _ in range(3):
        desk.after(150)
    assert desk.children() == [(D(200), "SIM1")] * 5
    desk.engine.store.close()


def test_slice_sizes_are_whole_and_the_last_takes_the_rest() -> None:
    assert slice_qty(D(1000), 3) == D(333)
    assert slice_qty(D(2), 3) == D(0)
    assert slice_qty(D("7.5"), 1) == D("7.5")


def test_twap_events_round_trip_through_json() -> None:
    events = [
        TwapStarted(OrderId("P-1"), 30, 6, "SMART", TRADER),
        TwapSliced(OrderId("P-1"), 2, OrderId("OEMS-1"), "slice 2 of 6: 100"),
        TwapSliced(OrderId("P-1"), 3, None, "refused"),
        TwapStopped(OrderId("P-1"), "the parent was closed"),
    ]
    assert [from_json(type(e), to_json(e)) for e in events] == events


def _logged(engine: Engine, kind: type[T]) -> list[T]:
    return [e for e in (decode_event(r) for r in engine.store.read()) if isinstance(e, kind)]


def test_a_slice_sent_just_before_a_crash_is_not_sent_again(desk: TwapDesk) -> None:
    """The crash came after the slice's submit committed and before its TwapSliced: the restart finds it by its
    ClOrdID (fixed by the plan) and records it, sending nothing more."""
    desk.start(minutes=10, slices=3)
    desk.clock.advance(200)
    twap = desk.engine.book.twaps.get(desk.parent_id)
    assert twap is not None
    parent = desk.engine.book.parents.get(desk.parent_id)
    assert parent is not None
    child = child_spec(twap.plan, D(333), parent.spec)
    cl_ord_id = slice_cl_ord_id(desk.engine.id_prefix, desk.parent_id, 2)
    assert desk.engine.submit(SubmitOrder(child, TRADER, cl_ord_id=cl_ord_id)).accepted  # slice 2 went, then a crash
    desk.engine.close()
    again = desk.open()
    again.run_twaps()
    assert desk.children(again) == [(D(333), "SIM1"), (D(333), "SIM1")]  # slice 2 found again, not sent twice
    desk.after(200, again)
    assert desk.children(again) == [(D(333), "SIM1"), (D(333), "SIM1"), (D(334), "SIM1")]
    assert [e.note for e in _logged(again, TwapSliced)] == [
        "slice 1 of 3: 333",
        "slice 2 of 3: 333",
        "slice 3 of 3: 334",
    ]
    again.store.close()


def test_each_slice_is_on_its_childs_timeline_and_every_slice_on_the_parents(desk: TwapDesk) -> None:
    desk.start(minutes=10, slices=3)
    desk.after(200)
    children = [o.order_id for o in desk.engine.ledger.orders.values() if o.spec.parent_id == desk.parent_id]
    assert len(children) == 2
    for number, child in enumerate(children, start=1):
        said = [e.what for e in order_timeline(desk.engine.store, child)]
        assert said[0].startswith("Risk gate passed")
        [slice_line] = [line for line in said if "slice" in line]
        assert slice_line.startswith(f"Sent as slice {number} of TWAP {desk.parent_id}")
    parent = order_timeline(desk.engine.store, desk.parent_id)
    assert [(e.who, e.what.split(":")[0]) for e in parent] == [
        ("trader1", "Parent staged"),
        ("trader1", "TWAP started"),
        ("trader1", "TWAP slice 1"),
        ("trader1", "TWAP slice 2"),
    ]
    assert parent[2].what.startswith(f"TWAP slice 1: sent as {children[0]} (slice 1 of 3: 333")
    desk.engine.close_parent(desk.parent_id, TRADER)
    desk.after(1)
    closing = [e.what for e in order_timeline(desk.engine.store, desk.parent_id)][-2:]
    assert closing == ["Parent closed, live children keep working", "TWAP stopped: the parent was closed"]


def test_a_snapshot_row_from_before_generations_reads_as_a_first_twap() -> None:
    plan = TwapStarted(OrderId("P-1"), 30, 6, "SIM1", TRADER)
    book = TwapBook()
    book.load_rows([(to_json(plan), "2026-01-05T14:30:00+00:00", 2, None)])
    twap = book.get(OrderId("P-1"))
    assert twap is not None
    assert (twap.taken, twap.generation) == (2, 1)
    book.apply(TwapStopped(OrderId("P-1"), "the parent was closed"), twap.started_at)
    book.apply(plan, twap.started_at)
    assert book.rows()[0][4] == 2
