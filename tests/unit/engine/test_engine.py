"""The engine's promises, scenario by scenario: durable before send, exactly once, the venue is the truth."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import ChangeSet
from app.engine.enums import ExecType, OrderStatus
from app.engine.errors import DiskFullError
from app.engine.events import AnomalyKind, OrderDenied
from app.engine.ids import ClOrdId, ExecId, OrderId
from app.engine.order import Amendment, LinkOutcome, RequestKind
from app.engine.venue_messages import ExecutionReport
from tests.support.engine_kit import TRADER, DenyGate, PassGate, open_engine, spec
from tests.support.reports import VenueOrder
from tests.unit.engine.order_desk import Desk

S = OrderStatus


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


def test_submit_sends_one_new_order_request_after_the_commit(desk: Desk) -> None:
    [request] = desk.outbound.sent
    assert request.kind is RequestKind.NEW
    assert request.cl_ord_id == desk.order.cl_ord_id
    assert (request.qty, request.limit_px) == (Decimal(100), Decimal(10))
    assert desk.order.status is S.PENDING_NEW
    assert desk.engine.store.last_seq == 1


def test_clordids_are_unique_across_restarts(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "s.sqlite3")
    first = {engine.submit(SubmitOrder(spec(), TRADER)).order_id for _ in range(3)}
    engine.close()
    engine, _ = open_engine(tmp_path / "s.sqlite3")
    second = {engine.submit(SubmitOrder(spec(), TRADER)).order_id for _ in range(3)}
    assert len(first | second) == 6


def test_a_duplicate_clordid_returns_the_existing_order_and_sends_nothing(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3")
    first = engine.submit(SubmitOrder(spec(), TRADER, ClOrdId("TICKET-7")))
    again = engine.submit(SubmitOrder(spec(qty=Decimal(5)), TRADER, ClOrdId("TICKET-7")))
    assert again.duplicate
    assert again.order_id == first.order_id == "TICKET-7"
    assert len(outbound.sent) == 1
    assert engine.store.last_seq == 1


def test_a_malformed_order_is_refused_field_by_field_and_nothing_is_recorded(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3")
    result = engine.submit(SubmitOrder(spec(qty=Decimal(-5), limit_px=None), TRADER))
    assert not result.accepted
    assert {p.field for p in result.problems} == {"qty", "limit_px"}
    assert "A limit order needs a limit price." in [p.message for p in result.problems]
    assert (outbound.sent, engine.store.last_seq) == ([], 0)


def test_a_denied_order_is_an_event_with_the_rule_and_is_never_sent(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3", gate=DenyGate())
    result = engine.submit(SubmitOrder(spec(), TRADER))
    assert not result.accepted
    assert result.message == "Quantity 100 is over the account's limit of 50."
    assert outbound.sent == []
    assert result.order_id is not None
    order = engine.ledger.get(result.order_id)
    assert order is not None
    assert order.status is S.DENIED
    [stored] = engine.store.read_order(result.order_id)
    assert stored.kind == OrderDenied.__name__
    assert '"rule":"max_order_qty"' in stored.data


def test_cancel_is_only_a_request_until_the_venue_confirms(desk: Desk) -> None:
    desk.steps("ack", "fill40", "cancel")
    cancel = desk.outbound.sent[-1]
    assert (cancel.kind, cancel.orig_cl_ord_id) == (RequestKind.CANCEL, desk.order_id)
    assert desk.order.status is S.PENDING_CANCEL
    assert desk.order.leaves_qty == 60
    desk.steps("canceled")
    assert desk.order.status is S.CANCELED
    assert desk.order.leaves_qty == 0
    assert desk.order.cl_ord_id == cancel.cl_ord_id


def test_one_outstanding_request_per_order(desk: Desk) -> None:
    desk.steps("ack", "cancel")
    again = desk.engine.cancel(CancelOrder(desk.order_id, TRADER))
    amend = desk.engine.replace(ReplaceOrder(desk.order_id, Amendment(Decimal(50), Decimal(10)), TRADER))
    assert not again.accepted
    assert not amend.accepted
    assert "already pending" in again.message
    assert len(desk.outbound.sent) == 2


def test_a_rejected_replace_restores_the_last_accepted_clordid_and_the_retry_names_it(desk: Desk) -> None:
    desk.steps("ack", "fill40", "replace")
    first = desk.outbound.sent[-1]
    desk.send(desk.venue.reject_request(first.cl_ord_id, RequestKind.REPLACE))
    assert desk.order.status is S.PARTIALLY_FILLED
    assert desk.order.cl_ord_id == desk.order_id
    assert desk.order.chain[-1].outcome is LinkOutcome.REJECTED
    desk.steps("replace")
    retry = desk.outbound.sent[-1]
    assert retry.orig_cl_ord_id == desk.order_id
    assert retry.cl_ord_id != first.cl_ord_id


def test_a_request_for_an_order_we_do_not_have_is_refused_in_words(desk: Desk) -> None:
    result = desk.engine.cancel(CancelOrder(OrderId("NOPE"), TRADER))
    assert (result.accepted, result.message) == (False, "There is no order NOPE.")


def test_a_failed_periodic_snapshot_does_not_undo_the_committed_batch(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def full(*args: object) -> None:
        raise DiskFullError("The disk is full.")

    desk.engine.snapshot_every = 1
    with monkeypatch.context() as disk:
        disk.setattr(type(desk.engine.store), "save_snapshot_part", full)
        desk.steps("ack")
    assert desk.order.status is S.NEW
    assert "Could not save a snapshot" in caplog.text
    desk.steps("fill40", "fill40", "fill40")  # space freed: the next snapshot writes what the failed one did not
    snap = desk.engine.store.latest_snapshot()
    assert snap is not None
    assert snap.last_seq > 2  # taken after the failed one (at seq 2)
    before = (desk.order.status, desk.order.cum_qty, desk.engine.positions.by_key)
    desk.engine.reload()
    assert (desk.order.status, desk.order.cum_qty, desk.engine.positions.by_key) == before


@pytest.mark.parametrize(
    ("qty", "px", "loses"),
    [(80, 10, False), (100, 10, False), (120, 10, True), (80, "10.01", True)],
    ids=["less-qty", "same", "more-qty", "new-price"],
)
def test_the_ticket_can_say_whether_an_amend_loses_queue_priority(desk: Desk, qty: int, px: str, loses: bool) -> None:
    assert Amendment(Decimal(qty), Decimal(px)).loses_priority(desk.order) is loses


def test_a_replace_takes_effect_only_on_the_venues_word(desk: Desk) -> None:
    desk.steps("ack", "fill40", "replace")
    assert (desk.order.qty, desk.order.status) == (Decimal(100), S.PENDING_REPLACE)
    desk.steps("replaced")
    assert (desk.order.qty, desk.order.leaves_qty, desk.order.status) == (Decimal(120), Decimal(80), S.REPLACED)
    assert desk.order.cl_ord_id == desk.outbound.sent[-1].cl_ord_id


def test_a_replace_below_the_filled_quantity_ends_the_order(desk: Desk) -> None:
    desk.steps("ack", "fill40")
    desk.engine.replace(ReplaceOrder(desk.order_id, Amendment(Decimal(30), Decimal(10)), TRADER))
    pending = desk.order.pending
    assert pending is not None
    desk.send(desk.venue.replaced(pending.cl_ord_id, 30))
    assert desk.order.status is S.FILLED
    assert desk.order.leaves_qty == 0


def test_a_fill_that_beats_the_cancel_is_a_fill_and_the_late_reject_changes_nothing(desk: Desk) -> None:
    desk.steps("ack", "cancel", "fill_all")
    assert desk.order.status is S.FILLED
    pending = desk.order.pending
    assert pending is not None
    desk.send(desk.venue.reject_request(pending.cl_ord_id, RequestKind.CANCEL))
    assert desk.order.status is S.FILLED
    assert desk.order.cum_qty == 100
    assert desk.anomalies() == []


def test_fills_while_pending_cancel_count_and_a_reject_returns_to_partially_filled(desk: Desk) -> None:
    desk.steps("ack", "cancel", "fill40")
    assert (desk.order.status, desk.order.cum_qty) == (S.PENDING_CANCEL, Decimal(40))
    pending = desk.order.pending
    assert pending is not None
    desk.send(desk.venue.reject_request(pending.cl_ord_id, RequestKind.CANCEL))
    assert desk.order.status is S.PARTIALLY_FILLED


def test_each_execid_counts_once_however_often_it_arrives(desk: Desk) -> None:
    fill = desk.venue.fill(30, 10)
    desk.send(fill, fill)
    desk.send(fill)
    assert (desk.order.cum_qty, desk.order.tally_qty) == (Decimal(30), Decimal(30))
    position = desk.engine.positions.get(desk.order.spec.account, "AAPL")
    assert position.net_qty == 30
    assert desk.last.recorded == []


def test_a_fill_for_a_finished_order_is_counted_and_flagged(desk: Desk) -> None:
    desk.steps("ack", "cancel", "canceled")
    late = desk.venue.fill(25, 11)
    desk.send(late)
    assert desk.order.status is S.CANCELED
    assert AnomalyKind.LATE_FILL in {a.kind for a in desk.anomalies()}
    assert desk.engine.positions.get(desk.order.spec.account, "AAPL").net_qty == 25


def test_a_missing_fill_is_a_visible_break_that_closes_when_it_arrives(desk: Desk) -> None:
    first = desk.venue.fill(20, 10)
    second = desk.venue.fill(30, 10)
    desk.send(second)
    assert desk.order.break_qty == 20
    assert [a.kind for a in desk.anomalies()] == [AnomalyKind.QUANTITY_BREAK]
    desk.send(first)
    assert desk.order.break_qty == 0
    assert [a.kind for a in desk.anomalies()] == [AnomalyKind.BREAK_CLEARED]
    assert (desk.order.cum_qty, desk.order.status) == (Decimal(50), S.PARTIALLY_FILLED)


def test_a_bust_lowers_cumqty_and_takes_the_fill_out_of_the_position(desk: Desk) -> None:
    desk.steps("ack")
    keep, bust = desk.venue.fill(10, 10), desk.venue.fill(30, 12)
    desk.send(keep, bust)
    desk.send(desk.venue.bust(bust))
    assert (desk.order.cum_qty, desk.order.tally_qty, desk.order.status) == (10, 10, S.PARTIALLY_FILLED)
    position = desk.engine.positions.get(desk.order.spec.account, "AAPL")
    assert (position.net_qty, position.avg_cost) == (Decimal(10), Decimal(10))


def test_an_execution_for_an_unknown_order_is_answered_dont_know_and_changes_nothing(desk: Desk) -> None:
    stranger = VenueOrder("NOT-OURS", 10).fill(5, 10)
    desk.send(stranger)
    assert desk.last.dont_know == [stranger]
    assert [a.kind for a in desk.anomalies()] == [AnomalyKind.UNKNOWN_ORDER]
    assert desk.engine.positions.by_key == {}


def test_a_dropped_line_leaves_unanswered_orders_unknown_until_the_venue_says(desk: Desk) -> None:
    desk.steps("line_lost")
    assert desk.order.status is S.UNKNOWN
    refused = desk.engine.cancel(CancelOrder(desk.order_id, TRADER))
    assert not refused.accepted
    assert "request its status" in refused.message
    desk.send(desk.venue.report(ExecType.ORDER_STATUS, S.NEW))
    assert desk.order.status is S.NEW


def test_a_cancel_the_venue_never_received_is_settled_lost_by_its_status_answer(desk: Desk) -> None:
    desk.steps("ack", "cancel", "line_lost")
    pending = desk.order.pending
    assert pending is not None
    assert desk.order.status is S.UNKNOWN
    desk.send(desk.venue.report(ExecType.ORDER_STATUS, S.NEW))  # still New, under the order's own ClOrdID
    assert [type(r.event).__name__ for r in desk.last.recorded] == ["ExecutionApplied", "RequestLost"]
    assert (desk.order.status, desk.order.pending, desk.order.chain[-1].outcome) == (S.NEW, None, LinkOutcome.LOST)
    again = desk.engine.cancel(CancelOrder(desk.order_id, TRADER))
    assert again.accepted  # not "a cancel is already pending" for ever
    assert desk.order.pending is not None
    assert desk.order.pending.cl_ord_id != pending.cl_ord_id


def test_a_status_answer_under_the_replace_clordid_means_the_venue_replaced_it(desk: Desk) -> None:
    desk.steps("ack", "replace", "line_lost")
    pending = desk.order.pending
    assert pending is not None
    assert pending.amendment is not None
    desk.venue.cl_ord_id, desk.venue.qty = ClOrdId(pending.cl_ord_id), pending.amendment.qty
    desk.send(desk.venue.report(ExecType.ORDER_STATUS, S.NEW, cl_ord_id=pending.cl_ord_id))
    order = desk.order
    assert (order.status, order.pending, order.cl_ord_id, order.qty) == (S.NEW, None, pending.cl_ord_id, 120)
    assert order.chain[-1].outcome is LinkOutcome.ACCEPTED


def test_a_status_answer_while_a_cancel_is_pending_on_a_sound_line_settles_nothing(desk: Desk) -> None:
    desk.steps("ack", "cancel")
    desk.send(desk.venue.report(ExecType.ORDER_STATUS, S.NEW))  # answered before the venue read the cancel
    assert desk.order.status is S.PENDING_CANCEL
    assert desk.order.pending is not None


def test_a_full_disk_loses_nothing_sends_nothing_and_the_engine_goes_on(desk: Desk) -> None:
    desk.steps("ack")
    before = (desk.order.status, desk.engine.store.last_seq, len(desk.outbound.sent))
    conn = desk.engine.store._require_open()
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages}")
    big = [desk.venue.report(ExecType.ORDER_STATUS, S.NEW) for _ in range(3000)]
    with pytest.raises(DiskFullError):
        desk.send(*big)
    assert (desk.order.status, desk.engine.store.last_seq, len(desk.outbound.sent)) == before
    conn.execute("PRAGMA max_page_count = 1073741823")
    desk.steps("cancel")
    assert desk.order.status is S.PENDING_CANCEL


def test_a_command_whose_commit_fails_sends_nothing_and_changes_nothing(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.steps("ack")
    sent, last_seq = len(desk.outbound.sent), desk.engine.store.last_seq

    def full(*args: object) -> None:
        raise DiskFullError("The disk is full.")

    monkeypatch.setattr(type(desk.engine.store), "_commit", full)
    with pytest.raises(DiskFullError):
        desk.steps("cancel")
    monkeypatch.undo()
    assert (desk.order.status, desk.order.pending) == (S.NEW, None)
    assert (len(desk.outbound.sent), desk.outbound.staged) == (sent, [])
    assert desk.engine.store.last_seq == last_seq


def test_listeners_get_one_change_set_per_committed_batch(desk: Desk) -> None:
    seen: list[ChangeSet] = []
    desk.engine.subscribe(seen.append)
    desk.send(desk.venue.ack(), desk.venue.fill(10, 10))
    [changes] = seen
    assert changes.orders == {desk.order_id}
    assert len(changes.recorded) == 2


def test_a_failing_listener_neither_undoes_the_batch_nor_starves_the_others(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[ChangeSet] = []

    def broken(changes: ChangeSet) -> None:
        raise RuntimeError("view bug")

    desk.engine.subscribe(broken)
    desk.engine.subscribe(seen.append)
    desk.steps("ack")
    assert desk.order.status is S.NEW
    assert len(seen) == 1
    assert "A view failed" in caplog.text


def _book(engine_state: Desk) -> list[tuple[object, ...]]:
    return [
        (o.order_id, o.status, o.cum_qty, o.leaves_qty, o.avg_px, o.tally_qty, o.cl_ord_id, sorted(o.exec_ids))
        for o in engine_state.engine.ledger
    ]


@pytest.mark.parametrize("with_snapshot", [False, True])
def test_a_restart_shows_the_same_book(tmp_path: Path, with_snapshot: bool) -> None:
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40", "replace", "replaced", "cancel")
    if with_snapshot:
        desk.engine.snapshot()
    desk.send(desk.venue.fill(10, 11))
    book, position = _book(desk), desk.engine.positions.get(desk.order.spec.account, "AAPL")
    desk.engine.store.close()
    desk.engine, _ = open_engine(tmp_path / "desk.sqlite3")
    assert _book(desk) == book
    assert desk.engine.positions.get(desk.order.spec.account, "AAPL") == position
    assert desk.engine.store.verify_chain() == desk.engine.store.last_seq


def test_every_event_names_its_user_and_the_order_timeline_reads_back(desk: Desk) -> None:
    desk.steps("ack", "cancel")
    timeline = desk.engine.store.read_order(desk.order_id)
    assert [(e.kind, e.user) for e in timeline] == [
        ("OrderSubmitted", TRADER),
        ("ExecutionApplied", "system"),
        ("CancelRequested", TRADER),
    ]


def test_a_report_naming_the_orig_clordid_finds_its_order(desk: Desk) -> None:
    report = ExecutionReport(
        ExecId("Z1"), ExecType.NEW, ClOrdId("unknown-new-id"), S.NEW, Decimal(0), Decimal(100), Decimal(0),
        orig_cl_ord_id=ClOrdId(desk.order_id),
    )  # fmt: skip
    desk.send(report)
    assert desk.order.status is S.NEW


def test_a_failed_batch_rebuilds_the_book_and_tells_the_views_to_read_it_afresh(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.steps("ack")
    reloads: list[int] = []

    def broken() -> None:
        raise RuntimeError("view bug")

    desk.engine.subscribe_reloads(broken)
    desk.engine.subscribe_reloads(lambda: reloads.append(desk.engine.store.last_seq))
    book = desk.engine.book

    def full(*args: object) -> None:
        raise DiskFullError("The disk is full.")

    monkeypatch.setattr(type(desk.engine.store), "_commit", full)
    with pytest.raises(DiskFullError):
        desk.steps("cancel")
    assert desk.engine.book is not book  # the projections were rebuilt from what is committed
    assert reloads == [desk.engine.store.last_seq]  # and the views told, a failing one notwithstanding


def test_a_lost_cancel_is_freed_even_when_a_resent_fill_arrives_before_the_status_answer(desk: Desk) -> None:
    desk.steps("ack", "cancel", "line_lost")  # the cancel never reached the venue
    desk.do_fill(Decimal(10))  # a fill from the outage, resent first
    assert desk.order.status is S.PARTIALLY_FILLED
    desk.send(desk.venue.report(ExecType.ORDER_STATUS, S.PARTIALLY_FILLED))  # working; no cancel pending there
    assert desk.order.pending is None
    assert desk.order.chain[-1].outcome is LinkOutcome.LOST
    again = desk.engine.cancel(CancelOrder(desk.order_id, TRADER))
    assert again.accepted, again.message


def test_a_cancel_pending_across_a_restart_is_in_doubt_at_the_next_logon_and_freed_if_the_venue_never_had_it(
    desk: Desk, tmp_path: Path
) -> None:
    desk.steps("ack", "cancel")  # committed; the desk stops before the venue answers (or before the bytes went out)
    desk.engine.close()
    desk.engine, desk.outbound = open_engine(tmp_path / "desk.sqlite3")
    assert desk.order.status is S.PENDING_CANCEL
    desk.engine.line_lost(desk.order.spec.destination)  # what the gateway does at the next logon
    assert desk.order.status is S.UNKNOWN
    desk.send(desk.venue.report(ExecType.ORDER_STATUS, S.NEW))  # the cancel was gap-filled as too old
    assert (desk.order.status, desk.order.pending) == (S.NEW, None)
    assert desk.engine.cancel(CancelOrder(desk.order_id, TRADER)).accepted


def test_a_second_status_answer_with_the_same_execid_is_still_read(desk: Desk) -> None:
    desk.steps("ack", "line_lost")
    desk.send(dataclasses.replace(desk.venue.report(ExecType.ORDER_STATUS, S.NEW), exec_id=ExecId("0")))
    assert desk.order.status is S.NEW
    desk.steps("cancel", "line_lost")
    assert desk.order.status is S.UNKNOWN
    desk.send(dataclasses.replace(desk.venue.report(ExecType.ORDER_STATUS, S.NEW), exec_id=ExecId("0")))  # 17=0 again
    assert (desk.order.status, desk.order.pending) == (S.NEW, None)


def test_a_clordid_denied_by_the_gate_is_not_reported_as_already_sent(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3", gate=DenyGate())
    engine.submit(SubmitOrder(spec(), TRADER, ClOrdId("T-1")))
    engine.gate = PassGate()
    again = engine.submit(SubmitOrder(spec(), TRADER, ClOrdId("T-1")))
    assert not again.accepted
    assert "denied by the risk gate and never sent" in again.message
    assert outbound.sent == []


class _TickingClock(FakeClock):
    """A clock that moves on a millisecond each time it is read."""

    def now(self) -> datetime:
        read = super().now()
        self.advance(0.001)
        return read


def test_a_batchs_events_carry_one_time_the_clock_read_once_and_the_log_keeps_it(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "store.sqlite3", clock=_TickingClock())
    venue = [VenueOrder(f"C{n}", 100) for n in range(3)]
    for order in venue:
        engine.submit(SubmitOrder(spec(), TRADER, ClOrdId(order.cl_ord_id)))
    changes = engine.apply_venue_messages([order.ack() for order in venue] + [order.fill(40, 10) for order in venue])
    [ts] = {recorded.ts for recorded in changes.recorded}
    assert len(changes.recorded) == 6
    assert {engine.ledger.orders[OrderId(order.cl_ord_id)].updated_at for order in venue} == {ts}
    logged = list(engine.store.read())[-6:]
    assert {event.ts for event in logged} == {ts.isoformat()}
    submitted = [event.ts for event in list(engine.store.read())[:3]]
    assert len(set(submitted)) == 3  # each command its own batch, its own reading
