"""Drop-copy reconciliation: fills, busts and trade corrections matched by (venue, ExecID), breaks after the grace
period, mismatches, late reports that clear a break, duplicates, and the state surviving a restart."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.events import BreakKind, DropCopyExecution, ExecutionBreak, ExecutionBreakCleared
from app.engine.ids import ClOrdId, ExecId
from app.engine.reconciliation import ZERO, Account, Reconciliation
from app.engine.serialization import from_json, to_json
from app.engine.venue_messages import ExecutionReport
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder

GRACE = timedelta(seconds=5)
VENUE = "SIM1"


class Desk:
    """An engine watching SIM1's drop copy, with one order on SIM1 acknowledged by the venue."""

    def __init__(self, path: Path) -> None:
        self.path, self.clock = path, FakeClock()
        self.engine, _ = open_engine(path, clock=self.clock)
        self.engine.watch_drop_copies({VENUE: "SIM1-DC"})
        order_id = self.engine.submit(SubmitOrder(spec(), TRADER)).order_id
        assert order_id is not None
        self.order_id = order_id
        self.venue = VenueOrder(order_id, 100)
        self.engine.apply_venue_messages([self.venue.ack()])

    def on_orders(self, *reports: ExecutionReport) -> None:
        self.engine.apply_venue_messages(reports)

    def on_copy(self, *reports: ExecutionReport) -> None:
        self.engine.apply_drop_copies([(VENUE, r) for r in reports])

    def later(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.engine.reconcile(GRACE)

    @property
    def breaks(self) -> list[tuple[ExecId, BreakKind | None]]:
        return [(p.exec_id, p.broken) for p in self.engine.reconciliation.breaks]

    def events(self, kind: type) -> list[object]:
        return [from_json(kind, e.data) for e in self.engine.store.read() if e.kind == kind.__name__]


def test_fills_both_sessions_report_alike_settle_whichever_comes_first(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    first, second = desk.venue.fill(30), desk.venue.fill(20, 11)
    desk.on_orders(first)
    desk.on_copy(first, second)
    desk.on_orders(second)
    desk.later(60)
    assert desk.breaks == []
    assert desk.engine.reconciliation.pending == {}
    assert desk.engine.reconciliation.settled == 2
    assert desk.events(ExecutionBreak) == []


def test_a_fill_only_the_drop_copy_reports_breaks_after_the_grace_period_and_clears_when_it_arrives(
    tmp_path: Path,
) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_copy(fill)
    desk.later(4)
    assert desk.breaks == []  # still within the grace period
    desk.later(1)
    assert desk.breaks == [(fill.exec_id, BreakKind.MISSING_ON_ORDER_SESSION)]
    (brk,) = desk.events(ExecutionBreak)
    assert isinstance(brk, ExecutionBreak)
    assert brk.order_id == desk.order_id
    assert "SIM1-DC reported fill" in brk.detail
    assert "30 @ 10" in brk.detail
    desk.later(60)
    assert len(desk.events(ExecutionBreak)) == 1  # an open break is recorded once

    desk.on_orders(fill)  # the order session's report arrives late: the break closes in the same batch
    assert desk.breaks == []
    (cleared,) = desk.events(ExecutionBreakCleared)
    assert isinstance(cleared, ExecutionBreakCleared)
    assert cleared.exec_id == fill.exec_id
    assert desk.engine.positions.get(spec().account, "AAPL").net_qty == 30  # counted once, from the order session


def test_a_fill_the_drop_copy_never_reports_breaks_and_clears_when_the_copy_arrives(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_orders(fill)
    desk.later(5)
    assert desk.breaks == [(fill.exec_id, BreakKind.MISSING_ON_DROP_COPY)]
    desk.on_copy(fill)
    assert desk.breaks == []
    assert len(desk.events(ExecutionBreakCleared)) == 1


def test_different_quantity_or_price_is_a_break_at_once_and_stays(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_copy(dataclasses.replace(fill, last_px=Decimal("10.01")))
    desk.on_orders(fill)
    assert desk.breaks == [(fill.exec_id, BreakKind.MISMATCH)]
    (brk,) = desk.events(ExecutionBreak)
    assert isinstance(brk, ExecutionBreak)
    assert brk.detail == f"Fill {fill.exec_id} on SIM1: the order session says 30 @ 10, the drop copy says 30 @ 10.01."
    desk.later(60)
    assert len(desk.events(ExecutionBreak)) == 1
    order = desk.engine.ledger.orders[desk.order_id]
    assert order.avg_px == 10  # the order keeps the order session's account


def test_a_copy_that_disagrees_with_a_fill_settled_before_the_watch_is_a_mismatch(tmp_path: Path) -> None:
    clock = FakeClock()
    engine, _ = open_engine(tmp_path / "desk.db", clock=clock)
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    fill = venue.fill(30)
    engine.apply_venue_messages([venue.ack(), fill])  # before anyone watched SIM1's drop copy
    engine.watch_drop_copies({VENUE: "SIM1-DC"})
    engine.apply_drop_copies([(VENUE, fill)])
    assert engine.reconciliation.breaks == []  # the same fill: nothing to record
    engine.apply_drop_copies([(VENUE, dataclasses.replace(fill, last_qty=Decimal(31)))])
    assert [p.broken for p in engine.reconciliation.breaks] == [BreakKind.MISMATCH]


def test_copies_sent_again_and_non_fills_record_nothing(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_copy(fill, fill, desk.venue.ack())
    desk.on_orders(fill)
    desk.on_copy(fill)  # a resend after the pair settled
    assert len(desk.events(DropCopyExecution)) == 1
    desk.later(60)
    assert desk.breaks == []


def test_a_drop_copy_fill_for_an_order_the_desk_never_sent_is_a_break(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    stranger = VenueOrder("PHONE-1", 10).fill(10)
    desk.on_copy(stranger)
    desk.later(5)
    (brk,) = desk.events(ExecutionBreak)
    assert isinstance(brk, ExecutionBreak)
    assert brk.order_id is None
    assert "ClOrdID PHONE-1, not ours" in brk.detail


def test_fills_on_venues_without_a_drop_copy_are_not_checked(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    desk.engine.watch_drop_copies({})
    desk.on_orders(desk.venue.fill(30))
    desk.later(60)
    assert desk.breaks == []
    assert desk.engine.reconciliation.pending == {}


def test_a_bust_both_sessions_report_settles_whichever_comes_first(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    first, second = desk.venue.fill(30), desk.venue.fill(20, 11)
    desk.on_orders(first, second)
    desk.on_copy(first, second)
    bust_first, bust_second = desk.venue.bust(first), desk.venue.bust(second)
    desk.on_orders(bust_first)
    desk.on_copy(bust_first, bust_second)
    desk.on_orders(bust_second)
    desk.later(60)
    assert desk.breaks == []
    assert desk.engine.reconciliation.pending == {}
    assert desk.engine.reconciliation.settled == 4
    busts = [e for e in desk.events(DropCopyExecution) if isinstance(e, DropCopyExecution) and e.ref_exec_id]
    assert [e.ref_exec_id for e in busts] == [first.exec_id, second.exec_id]


def test_a_bust_only_the_order_session_delivers_is_a_break_until_the_drop_copy_reports_it(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_orders(fill)
    desk.on_copy(fill)
    bust = desk.venue.bust(fill)
    desk.on_orders(bust)
    desk.later(5)
    assert desk.breaks == [(bust.exec_id, BreakKind.MISSING_ON_DROP_COPY)]
    (brk,) = desk.events(ExecutionBreak)
    assert isinstance(brk, ExecutionBreak)
    assert f"bust {bust.exec_id}" in brk.detail
    assert f"cancels fill {fill.exec_id}" in brk.detail
    desk.on_copy(bust)
    assert desk.breaks == []
    (cleared,) = desk.events(ExecutionBreakCleared)
    assert isinstance(cleared, ExecutionBreakCleared)
    assert cleared.detail.startswith(f"Bust {bust.exec_id} on {VENUE}: both sessions now agree")


def test_a_bust_only_the_drop_copy_reports_is_a_break_and_the_fill_still_counts(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_orders(fill)
    desk.on_copy(fill, desk.venue.bust(fill))
    desk.later(5)
    (brk,) = desk.engine.reconciliation.breaks
    assert brk.broken is BreakKind.MISSING_ON_ORDER_SESSION
    assert brk.on_copy is not None
    assert brk.on_copy.busts == fill.exec_id
    assert desk.engine.ledger.orders[desk.order_id].cum_qty == 30  # the order session is the truth for the order


def test_a_bust_of_a_different_fill_under_the_same_exec_id_is_a_mismatch(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    first, second = desk.venue.fill(30), desk.venue.fill(20)
    desk.on_orders(first, second)
    desk.on_copy(first, second)
    bust = desk.venue.bust(first)
    desk.on_orders(bust)
    desk.on_copy(dataclasses.replace(bust, ref_exec_id=second.exec_id))
    assert desk.breaks == [(bust.exec_id, BreakKind.MISMATCH)]
    (brk,) = desk.events(ExecutionBreak)
    assert isinstance(brk, ExecutionBreak)
    assert brk.detail == (
        f"Bust {bust.exec_id} on {VENUE}: the order session says cancels fill {first.exec_id}, "
        f"the drop copy says cancels fill {second.exec_id}."
    )


def test_a_bust_copy_sent_again_after_it_settled_records_nothing(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    bust = desk.venue.bust(fill)
    desk.on_orders(fill, bust)
    desk.on_copy(fill, bust)
    recorded = desk.engine.store.last_seq
    desk.on_copy(bust)  # a resend after the pair settled
    desk.later(60)
    assert desk.engine.store.last_seq == recorded
    assert desk.breaks == []


def test_a_correction_both_sessions_report_alike_settles_whichever_comes_first(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    first, second = desk.venue.fill(30), desk.venue.fill(20)
    desk.on_orders(first, second)
    desk.on_copy(first, second)
    fix_first, fix_second = desk.venue.correct(first, 25, 10), desk.venue.correct(second, 20, 11)
    desk.on_copy(fix_first)
    desk.on_orders(fix_first, fix_second)
    desk.on_copy(fix_second)
    desk.later(60)
    assert desk.breaks == []
    assert desk.engine.reconciliation.settled == 4
    corrections = [e for e in desk.events(DropCopyExecution) if isinstance(e, DropCopyExecution) and e.corrects]
    assert [(e.corrects, e.last_qty) for e in corrections] == [(first.exec_id, 25), (second.exec_id, 20)]


def test_a_correction_only_one_session_reports_is_a_break_until_the_other_agrees(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_orders(fill)
    desk.on_copy(fill)
    correction = desk.venue.correct(fill, 25, 10)
    desk.on_orders(correction)
    desk.later(5)
    assert desk.breaks == [(correction.exec_id, BreakKind.MISSING_ON_DROP_COPY)]
    (brk,) = desk.events(ExecutionBreak)
    assert isinstance(brk, ExecutionBreak)
    assert f"correction {correction.exec_id} on {VENUE} (corrects fill {fill.exec_id} to 25 @ 10" in brk.detail
    desk.on_copy(correction)
    assert desk.breaks == []
    (cleared,) = desk.events(ExecutionBreakCleared)
    assert isinstance(cleared, ExecutionBreakCleared)
    assert cleared.detail.startswith(f"Correction {correction.exec_id} on {VENUE}: both sessions now agree")


def test_a_correction_the_drop_copy_alone_reports_is_a_break_and_changes_no_fill(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_orders(fill)
    desk.on_copy(fill, desk.venue.correct(fill, 20, 10))
    desk.later(5)
    (brk,) = desk.engine.reconciliation.breaks
    assert brk.broken is BreakKind.MISSING_ON_ORDER_SESSION
    assert brk.on_copy == Account(Decimal(20), Decimal(10), corrects=fill.exec_id)
    assert desk.engine.ledger.orders[desk.order_id].cum_qty == 30


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("another fill", {"ref_exec_id": ExecId("OTHER")}),
        ("another quantity", {"last_qty": Decimal(24)}),
        ("another price", {"last_px": Decimal("10.5")}),
    ],
)
def test_a_correction_the_sessions_state_differently_is_a_mismatch(
    tmp_path: Path, what: str, change: dict[str, object]
) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    desk.on_orders(fill)
    desk.on_copy(fill)
    correction = desk.venue.correct(fill, 25, 10)
    desk.on_orders(correction)
    copied = dataclasses.replace(correction, **change)  # type: ignore[arg-type]
    desk.on_copy(copied)
    assert desk.breaks == [(correction.exec_id, BreakKind.MISMATCH)], what
    (brk,) = desk.events(ExecutionBreak)
    assert isinstance(brk, ExecutionBreak)
    assert brk.detail == (
        f"Correction {correction.exec_id} on {VENUE}: the order session says corrects fill {fill.exec_id} to 25 @ 10, "
        f"the drop copy says corrects fill {copied.ref_exec_id} to {copied.last_qty} @ {copied.last_px}."
    )


def test_a_correction_copied_after_it_settled_or_before_the_watch_agrees_with_the_fill_as_it_stands(
    tmp_path: Path,
) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    correction = desk.venue.correct(fill, 25, 10)
    desk.on_orders(fill, correction)
    desk.on_copy(fill, correction)
    recorded = desk.engine.store.last_seq
    desk.on_copy(correction)  # a resend after the pair settled
    assert desk.engine.store.last_seq == recorded
    desk.engine.watch_drop_copies({})
    later = dataclasses.replace(desk.venue.correct(correction, 20, 10), ref_exec_id=fill.exec_id)  # 25 -> 20
    desk.on_orders(later)  # delivered while no drop copy was watched
    desk.engine.watch_drop_copies({VENUE: "SIM1-DC"})
    desk.on_copy(dataclasses.replace(later, last_qty=Decimal(21)))
    assert desk.breaks == [(later.exec_id, BreakKind.MISMATCH)]


@pytest.mark.parametrize("busted", [False, True], ids=["corrected", "corrected-then-busted"])
def test_the_original_fill_sent_again_after_a_correction_agrees_with_the_fill_as_first_delivered(
    tmp_path: Path, busted: bool
) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    correction = desk.venue.correct(fill, 25, 10)
    after = [desk.venue.bust(fill)] if busted else []
    desk.on_orders(fill, correction, *after)
    desk.on_copy(fill, correction, *after)
    recorded = desk.engine.store.last_seq
    desk.on_copy(fill, correction, *after)  # the drop copy resends (43=Y) the day after a reconnect
    desk.later(60)
    assert desk.breaks == []
    assert desk.engine.store.last_seq == recorded


def test_an_earlier_correction_sent_again_agrees_with_what_it_said_not_with_the_later_one(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    first = desk.venue.correct(fill, 25, 10)
    second = dataclasses.replace(desk.venue.correct(first, 20, 10), ref_exec_id=fill.exec_id)  # 25 -> 20
    desk.on_orders(fill, first, second)
    desk.on_copy(fill, first, second)
    recorded = desk.engine.store.last_seq
    desk.on_copy(first, fill)
    assert desk.engine.store.last_seq == recorded
    assert desk.breaks == []


def test_a_resend_that_differs_from_the_fill_as_first_delivered_is_still_a_mismatch(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    fill = desk.venue.fill(30)
    correction = desk.venue.correct(fill, 25, 10)
    desk.on_orders(fill, correction)
    desk.on_copy(fill, correction)
    desk.engine.store.close()
    desk.engine, _ = open_engine(desk.path, clock=desk.clock)  # what was first delivered survives a restart
    desk.on_copy(dataclasses.replace(fill, last_qty=Decimal(25)))
    assert desk.breaks == [(fill.exec_id, BreakKind.MISMATCH)]
    (brk,) = desk.events(ExecutionBreak)
    assert isinstance(brk, ExecutionBreak)
    assert brk.detail == (
        f"Fill {fill.exec_id} on {VENUE}: the order session says 30 @ 10, the drop copy says 25 @ 10."
    )


def _reconciliation_state(engine: Engine) -> tuple[object, ...]:
    r = engine.reconciliation
    return r.watched, r.pending, r.disputed, r.settled, r.as_delivered


def test_breaks_and_waiting_fills_survive_a_restart_from_a_snapshot_and_from_the_log_alone(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    missing, waiting, wrong, fine = (desk.venue.fill(10, px) for px in (10, 11, 12, 13))
    desk.on_copy(missing, wrong, fine)
    desk.on_orders(dataclasses.replace(wrong, last_qty=Decimal(9)), fine)
    desk.later(5)
    desk.on_orders(waiting)
    bust = desk.venue.bust(fine)
    desk.on_orders(bust)  # a bust the drop copy has not reported yet
    correction = desk.venue.correct(waiting, 8, 11)
    desk.on_copy(correction)  # a correction the order session has not delivered yet
    desk.on_orders(desk.venue.correct(wrong, 7, 12))  # the fill as first delivered is kept
    before = _reconciliation_state(desk.engine)
    assert len(desk.engine.reconciliation.breaks) == 2
    assert desk.engine.reconciliation.pending[(VENUE, correction.exec_id)].on_copy == Account(
        Decimal(8), Decimal(11), corrects=waiting.exec_id
    )
    assert desk.engine.reconciliation.pending[(VENUE, bust.exec_id)].on_orders == Account(ZERO, ZERO, fine.exec_id)

    desk.engine.store.close()
    replayed, _ = open_engine(tmp_path / "desk.db")  # no snapshot yet: the log alone
    assert _reconciliation_state(replayed) == before
    replayed.snapshot()
    replayed.store.close()
    restored, _ = open_engine(tmp_path / "desk.db")
    assert restored.store.latest_snapshot() is not None
    assert _reconciliation_state(restored) == before

    fresh = Reconciliation()
    fresh.load_rows(desk.engine.reconciliation.rows())
    assert (fresh.watched, fresh.pending, fresh.disputed, fresh.settled, fresh.as_delivered) == before
    assert fresh.as_delivered[(VENUE, wrong.exec_id)] == Account(Decimal(9), Decimal(12))


def test_drop_copy_events_round_trip_through_the_log_format() -> None:
    copy = DropCopyExecution("SIM1", ExecId("E1"), ClOrdId("C1"), Decimal("1.5"), Decimal("10.25"), "AAPL")
    bust = DropCopyExecution("SIM1", ExecId("E2"), ClOrdId("C1"), Decimal(0), Decimal(0), "AAPL", None, ExecId("E1"))
    fix = DropCopyExecution("SIM1", ExecId("E3"), ClOrdId("C1"), Decimal(1), Decimal(10), "AAPL", corrects=ExecId("E1"))
    brk = ExecutionBreak("SIM1", ExecId("E1"), BreakKind.MISSING_ON_DROP_COPY, "words")
    for event in (copy, bust, fix, brk, ExecutionBreakCleared("SIM1", ExecId("E1"), "agree")):
        assert from_json(type(event), to_json(event)) == event
