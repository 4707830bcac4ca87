"""The kill switch in the engine: every scope and grade, who may engage and resume, and the cancel-all's progress."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.engine.clock import FakeClock
from app.engine.commands import CancelOrder, ReplaceOrder, SetLimit, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus, Side, TimeInForce
from app.engine.events import (
    ActionRefused,
    AnomalyRecorded,
    KillCancelQueued,
    KillCancelRetried,
    KillSwitchEngaged,
    MassCancelAnswered,
    OrderDenied,
    ReplaceDenied,
)
from app.engine.ids import AccountId, ClOrdId, OrderId, UserId
from app.engine.kill_terms import CancelRoute, KillGrade, KillTrigger, Scope, ScopeKind
from app.engine.order import Amendment, Order, RequestKind
from app.engine.risk.limit_keys import LimitKey
from app.engine.risk.limit_keys import Scope as LimitScope
from app.engine.risk.verdict import Severity
from app.engine.venue_messages import MassCancelReport, MassCancelResponse
from tests.support.engine_kit import SUPERVISOR, TRADER, VIEWER, open_engine, spec
from tests.support.reports import VenueOrder

S = OrderStatus
ALL = Scope.everything()
SIMA = Scope(ScopeKind.VENUE, "SIMA")


class KillDesk:
    """An engine with working orders, each with a venue counterpart that writes its reports."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine, self.outbound = open_engine(path)
        self.venue: dict[OrderId, VenueOrder] = {}

    def reopen(self, *, snapshot: bool) -> Engine:
        if snapshot:
            self.engine.snapshot()
        self.engine.store.close()
        self.engine, self.outbound = open_engine(self.path)
        return self.engine

    def working(self, n: int = 1, **terms: Any) -> list[OrderId]:
        """``n`` orders with these terms, sent and acknowledged by the venue."""
        ids = []
        for _ in range(n):
            result = self.engine.submit(SubmitOrder(spec(**terms), TRADER))
            assert result.accepted, result.message
            assert result.order_id is not None
            venue = self.venue[result.order_id] = VenueOrder(result.order_id, self.order(result.order_id).qty)
            self.engine.apply_venue_messages([venue.ack()])
            ids.append(result.order_id)
        return ids

    def order(self, order_id: OrderId) -> Order:
        return self.engine.ledger.orders[order_id]

    def kill(self, scope: Scope = ALL, grade: KillGrade = KillGrade.CANCEL_WORKING, user: UserId = SUPERVISOR) -> str:
        result = self.engine.engage_kill_switch(scope, grade, user, scope.name, "runaway algo")
        assert result.accepted, result.message
        return next(iter(reversed(self.engine.book.kill.active)))

    def confirm_cancel(self, order_id: OrderId) -> None:
        pending = self.order(order_id).pending
        assert pending is not None
        self.engine.apply_venue_messages([self.venue[order_id].canceled(pending.cl_ord_id)])

    def events(self, kind: type) -> list[Any]:
        return [r for r in self.engine.store.read() if r.kind == kind.__name__]


@pytest.fixture
def desk(tmp_path: Path) -> KillDesk:
    return KillDesk(tmp_path / "desk.sqlite3")


# Who may use it -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", [TRADER, VIEWER, UserId("stranger")])
def test_only_a_supervisor_may_engage_and_the_refusal_is_recorded(desk: KillDesk, user: UserId) -> None:
    result = desk.engine.engage_kill_switch(ALL, KillGrade.HALT, user, "ALL", "test")
    assert not result.accepted
    assert "cannot use the kill switch" in result.message
    assert desk.engine.book.kill.active == {}
    [refused] = desk.events(ActionRefused)
    assert '"action":"kill_switch"' in refused.data


def test_only_a_supervisor_may_resume(desk: KillDesk) -> None:
    desk.kill(ALL, KillGrade.HALT)
    refused = desk.engine.resume_trading(ALL, TRADER)
    assert not refused.accepted
    assert "trader cannot resume trading" in refused.message
    assert len(desk.engine.book.kill.active) == 1
    assert desk.engine.resume_trading(ALL, SUPERVISOR, "fixed").accepted
    assert desk.engine.book.kill.active == {}
    assert desk.engine.submit(SubmitOrder(spec(), TRADER)).accepted


def test_the_scope_must_be_typed_to_confirm_and_nothing_happens_otherwise(desk: KillDesk) -> None:
    [order_id] = desk.working()
    before = desk.engine.store.last_seq
    result = desk.engine.engage_kill_switch(SIMA, KillGrade.CANCEL_WORKING, SUPERVISOR, "ALL", "oops")
    assert not result.accepted
    assert result.message.startswith("Type SIMA to confirm")
    assert (desk.engine.store.last_seq, desk.order(order_id).status) == (before, S.NEW)
    assert desk.engine.engage_kill_switch(SIMA, KillGrade.HALT, SUPERVISOR, " sima ", "typed").accepted


def test_resuming_a_scope_with_no_switch_on_says_so(desk: KillDesk) -> None:
    result = desk.engine.resume_trading(SIMA, SUPERVISOR)
    assert not result.accepted
    assert result.message == "No kill switch is on for venue SIMA."


# Halt: every scope refuses new orders and amends in scope, ahead of the gate -----------------------------

IN_AND_OUT = [
    (Scope.everything(), {}, None),
    (Scope(ScopeKind.VENUE, "SIMA"), {"destination": "SIMA"}, {"destination": "SIMB"}),
    (Scope(ScopeKind.ACCOUNT, "ACC9"), {"account": AccountId("ACC9")}, {"account": AccountId("ACC1")}),
    (Scope(ScopeKind.TRADER, "trader1"), {"trader": TRADER}, {"trader": UserId("trader2")}),
    (Scope(ScopeKind.SYMBOL, "ACME"), {"symbol": "ACME"}, {"symbol": "BOLT"}),
]


@pytest.mark.parametrize(("scope", "inside", "outside"), IN_AND_OUT)
def test_halt_refuses_new_orders_in_scope_only_and_says_which_switch(
    desk: KillDesk, scope: Scope, inside: dict[str, Any], outside: dict[str, Any] | None
) -> None:
    desk.kill(scope, KillGrade.HALT)
    refused = desk.engine.submit(SubmitOrder(spec(**inside), TRADER))
    assert not refused.accepted
    assert refused.message.startswith(f"Refused by the kill switch on {scope.describe()} (halt: no new orders)")
    assert "engaged by super1 at 14:30:00 UTC: runaway algo" in refused.message
    [denied] = desk.events(OrderDenied)
    assert '"rule":"kill_switch"' in denied.data
    assert desk.outbound.sent == []
    if outside is not None:
        assert desk.engine.submit(SubmitOrder(spec(**outside), SUPERVISOR)).accepted


def test_halt_refuses_amends_in_scope_but_cancels_stay_allowed(desk: KillDesk) -> None:
    [order_id] = desk.working(destination="SIMA")
    desk.kill(SIMA, KillGrade.HALT)
    amend = desk.engine.replace(ReplaceOrder(order_id, Amendment(Decimal(50), Decimal(10)), TRADER))
    assert not amend.accepted
    assert "kill switch on venue SIMA" in amend.message
    [denied] = desk.events(ReplaceDenied)
    assert '"rule":"kill_switch"' in denied.data
    assert desk.order(order_id).status is S.NEW  # a halt leaves working orders working
    assert desk.engine.cancel(CancelOrder(order_id, TRADER)).accepted
    assert desk.order(order_id).status is S.PENDING_CANCEL


def test_the_kill_switch_is_checked_before_the_risk_gate(tmp_path: Path) -> None:
    class CountingGate:
        calls = 0

        def check_new(self, *args: Any) -> Any:
            CountingGate.calls += 1
            raise AssertionError("the gate must not be asked about an order the kill switch refuses")

        check_amend = check_new

    engine, _ = open_engine(tmp_path / "s.sqlite3", gate=CountingGate())
    assert engine.engage_kill_switch(ALL, KillGrade.HALT, SUPERVISOR, "ALL", "stop").accepted
    assert not engine.submit(SubmitOrder(spec(), TRADER)).accepted
    assert CountingGate.calls == 0


# Reduce only ------------------------------------------------------------------------------------------------


def test_reduce_only_allows_only_orders_that_bring_the_position_toward_flat(desk: KillDesk) -> None:
    [bought] = desk.working(qty=Decimal(100))
    desk.engine.apply_venue_messages([desk.venue[bought].fill(100, 10)])  # long 100 AAPL in ACC1
    desk.kill(Scope(ScopeKind.ACCOUNT, "ACC1"), KillGrade.REDUCE_ONLY)
    buy = desk.engine.submit(SubmitOrder(spec(qty=Decimal(10)), TRADER))
    assert not buy.accepted
    assert "ACC1 is long 100 in AAPL, so a buy would not reduce it" in buy.message
    [sell] = desk.working(side=Side.SELL, qty=Decimal(60))
    too_far = desk.engine.submit(SubmitOrder(spec(side=Side.SELL, qty=Decimal(50)), TRADER))
    assert not too_far.accepted
    assert "60 already working to do it, so 50 more would go past flat" in too_far.message
    assert desk.engine.submit(SubmitOrder(spec(side=Side.SELL, qty=Decimal(40)), TRADER)).accepted
    bigger = desk.engine.replace(ReplaceOrder(sell, Amendment(Decimal(70), Decimal(10)), TRADER))
    assert not bigger.accepted  # 40 + 70 > 100
    assert desk.engine.replace(ReplaceOrder(sell, Amendment(Decimal(55), Decimal(10)), TRADER)).accepted


def test_reduce_only_on_a_flat_position_refuses_both_sides(desk: KillDesk) -> None:
    desk.kill(ALL, KillGrade.REDUCE_ONLY)
    for side in (Side.BUY, Side.SELL, Side.SELL_SHORT):
        result = desk.engine.submit(SubmitOrder(spec(side=side), TRADER))
        assert not result.accepted
        assert "ACC1 is flat in AAPL" in result.message


# Cancel working ---------------------------------------------------------------------------------------------


def test_cancel_working_puts_every_order_in_scope_pending_cancel_with_one_cancel_each(desk: KillDesk) -> None:
    inside = desk.working(3, destination="SIMA")
    outside = desk.working(2, destination="SIMB")
    desk.outbound.sent.clear()
    switch_id = desk.kill(SIMA)
    assert [desk.order(o).status for o in inside] == [S.PENDING_CANCEL] * 3
    assert [desk.order(o).status for o in outside] == [S.NEW] * 2
    assert [(r.kind, r.order_id) for r in desk.outbound.sent] == [(RequestKind.CANCEL, o) for o in inside]
    assert desk.outbound.mass_cancels == []
    [status] = desk.engine.kill_switch_status()
    assert (status.switch.switch_id, status.working, status.cancels_sent, status.unconfirmed) == (switch_id, 3, 3, 3)
    for order_id in inside:
        desk.confirm_cancel(order_id)
    [status] = desk.engine.kill_switch_status()
    assert (status.confirmed, status.unconfirmed, status.filled_after) == (3, 0, 0)
    assert status.summary() == "Cancel all: 3 of 3 confirmed, 0 unconfirmed"


def test_the_pending_cancels_are_durable_in_the_switchs_own_transaction(desk: KillDesk) -> None:
    desk.working(2)
    desk.kill()
    engine = desk.reopen(snapshot=False)
    assert [o.status for o in engine.ledger] == [S.PENDING_CANCEL] * 2
    assert [c.route for c in engine.book.kill.active["KS1"].caught.values()] == [CancelRoute.SINGLE] * 2


def test_a_venue_that_takes_mass_cancels_gets_one_and_its_orders_wait_for_their_own_reports(desk: KillDesk) -> None:
    desk.outbound.mass_cancel_venues = {"SIMA"}
    on_a = desk.working(3, destination="SIMA")
    on_b = desk.working(1, destination="SIMB")
    desk.outbound.sent.clear()
    desk.kill()
    [mass] = desk.outbound.mass_cancels
    assert (mass.destination, mass.symbol, mass.cl_ord_id) == ("SIMA", None, f"{desk.engine.id_prefix}-260105-KS1-SIMA")
    assert [(r.kind, r.order_id) for r in desk.outbound.sent] == [(RequestKind.CANCEL, on_b[0])]
    assert all(desk.order(o).status is S.PENDING_CANCEL for o in on_a)
    report = MassCancelReport(mass.cl_ord_id, MassCancelResponse.ALL_ORDERS, affected_orders=3, session="SIMA")
    desk.engine.apply_venue_messages([report])
    assert all(desk.order(o).status is S.PENDING_CANCEL for o in on_a)  # the 35=r is not the orders' answer
    [answered] = desk.events(MassCancelAnswered)
    assert '"accepted":true' in answered.data
    desk.engine.apply_venue_messages([desk.venue[o].canceled() for o in on_a])  # the venue's own 150=4 per order
    assert all(desk.order(o).status is S.CANCELED for o in on_a)
    [status] = desk.engine.kill_switch_status()
    assert (status.working, status.cancels_sent, status.confirmed, status.unconfirmed) == (4, 4, 3, 1)


def test_a_symbol_switch_sends_a_mass_cancel_for_that_symbol_only(desk: KillDesk) -> None:
    desk.outbound.mass_cancel_venues = {"SIM1"}
    [acme] = desk.working(symbol="ACME")
    [bolt] = desk.working(symbol="BOLT")
    desk.kill(Scope(ScopeKind.SYMBOL, "ACME"))
    [mass] = desk.outbound.mass_cancels
    assert mass.symbol == "ACME"
    assert (desk.order(acme).status, desk.order(bolt).status) == (S.PENDING_CANCEL, S.NEW)


@pytest.mark.parametrize("kind", [ScopeKind.ACCOUNT, ScopeKind.TRADER])
def test_account_and_trader_switches_never_mass_cancel(desk: KillDesk, kind: ScopeKind) -> None:
    desk.outbound.mass_cancel_venues = {"SIM1"}
    desk.working(2)
    desk.kill(Scope(kind, "ACC1" if kind is ScopeKind.ACCOUNT else "trader1"))
    assert desk.outbound.mass_cancels == []
    assert len([r for r in desk.outbound.sent if r.kind is RequestKind.CANCEL]) == 2


def test_a_refused_mass_cancel_falls_back_to_one_cancel_per_order_under_the_reserved_clordids(desk: KillDesk) -> None:
    desk.outbound.mass_cancel_venues = {"SIM1"}
    orders = desk.working(2)
    desk.outbound.sent.clear()
    desk.kill()
    reserved = [desk.order(o).pending for o in orders]
    [mass] = desk.outbound.mass_cancels
    refusal = MassCancelReport(
        mass.cl_ord_id, MassCancelResponse.REJECTED, "mass cancel not supported", 0, "not today", "SIM1"
    )
    desk.engine.apply_venue_messages([refusal])
    cancels = desk.outbound.sent
    assert [(r.kind, r.cl_ord_id, r.orig_cl_ord_id) for r in cancels] == [
        (RequestKind.CANCEL, link.cl_ord_id, link.orig_cl_ord_id) for link in reserved if link is not None
    ]
    [answered] = desk.events(MassCancelAnswered)
    assert '"accepted":false' in answered.data
    assert "mass cancel not supported; not today" in answered.data
    for order_id in orders:
        desk.confirm_cancel(order_id)
    [status] = desk.engine.kill_switch_status()
    assert (status.cancels_sent, status.confirmed) == (2, 2)


def test_a_mass_cancel_report_nobody_asked_for_is_an_anomaly(desk: KillDesk) -> None:
    stray = MassCancelReport(ClOrdId("K-9"), MassCancelResponse.ALL_ORDERS, session="SIM1")
    changes = desk.engine.apply_venue_messages([stray])
    [anomaly] = [r.event for r in changes.recorded]
    assert isinstance(anomaly, AnomalyRecorded)
    assert "K-9" in anomaly.detail


def test_an_order_with_an_amend_pending_is_canceled_once_the_venue_answers_the_amend(desk: KillDesk) -> None:
    [order_id] = desk.working()
    assert desk.engine.replace(ReplaceOrder(order_id, Amendment(Decimal(120), Decimal(10)), TRADER)).accepted
    desk.outbound.sent.clear()
    desk.kill()
    assert desk.outbound.sent == []  # a second request would be refused as "already pending"
    assert desk.order(order_id).status is S.PENDING_REPLACE
    [status] = desk.engine.kill_switch_status()
    assert (status.working, status.cancels_sent, status.unconfirmed) == (1, 0, 1)
    pending = desk.order(order_id).pending
    assert pending is not None
    desk.engine.apply_venue_messages([desk.venue[order_id].replaced(pending.cl_ord_id, 120)])
    [cancel] = desk.outbound.sent
    assert (cancel.kind, cancel.order_id, cancel.qty) == (RequestKind.CANCEL, order_id, Decimal(120))
    assert desk.order(order_id).status is S.PENDING_CANCEL
    desk.confirm_cancel(order_id)
    [status] = desk.engine.kill_switch_status()
    assert (status.cancels_sent, status.confirmed) == (1, 1)


def test_an_order_whose_own_cancel_is_rejected_gets_the_switchs_cancel(desk: KillDesk) -> None:
    [order_id] = desk.working()
    assert desk.engine.cancel(CancelOrder(order_id, TRADER)).accepted
    pending = desk.order(order_id).pending
    assert pending is not None
    desk.outbound.sent.clear()
    desk.kill()
    desk.engine.apply_venue_messages([desk.venue[order_id].reject_request(pending.cl_ord_id, RequestKind.CANCEL)])
    [cancel] = desk.outbound.sent
    assert cancel.kind is RequestKind.CANCEL
    assert desk.order(order_id).status is S.PENDING_CANCEL


def test_orders_the_venue_fills_before_the_cancel_are_fills_and_counted_as_filled_first(desk: KillDesk) -> None:
    first, second = desk.working(2)
    desk.kill()
    desk.engine.apply_venue_messages([desk.venue[first].fill(100, 10)])
    desk.confirm_cancel(second)
    assert (desk.order(first).status, desk.order(second).status) == (S.FILLED, S.CANCELED)
    [status] = desk.engine.kill_switch_status()
    assert (status.confirmed, status.unconfirmed, status.filled_after) == (2, 0, 1)
    assert status.summary() == "Cancel all: 2 of 2 confirmed, 0 unconfirmed, 1 filled first"


def test_a_gtc_order_done_for_the_day_is_canceled_and_not_counted_confirmed_until_it_is(desk: KillDesk) -> None:
    """Done for the day (39=3) is not finished: the venue restates it the next morning. The switch used to skip
    it and say "0 of 0 confirmed"."""
    [order_id] = desk.working(tif=TimeInForce.GTC)
    venue = desk.venue[order_id]
    desk.engine.apply_venue_messages([venue.report(ExecType.DONE_FOR_DAY, S.DONE_FOR_DAY)])
    desk.outbound.sent.clear()
    desk.kill()
    assert [(r.kind, r.order_id) for r in desk.outbound.sent] == [(RequestKind.CANCEL, order_id)]
    [status] = desk.engine.kill_switch_status()
    assert status.summary() == "Cancel all: 0 of 1 confirmed, 1 unconfirmed"
    desk.confirm_cancel(order_id)
    [status] = desk.engine.kill_switch_status()
    assert status.summary() == "Cancel all: 1 of 1 confirmed, 0 unconfirmed"


def test_halt_status_has_no_cancels(desk: KillDesk) -> None:
    desk.working(2)
    desk.kill(SIMA, KillGrade.HALT)
    [status] = desk.engine.kill_switch_status()
    assert (status.working, status.cancels_sent) == (0, 0)
    assert status.summary() == "Halt: no new orders on venue SIMA"


# Automatic trips, restarts, events ---------------------------------------------------------------------


def test_a_trip_is_recorded_as_the_system_with_the_trigger_and_its_values(desk: KillDesk) -> None:
    result = desk.engine.trip_kill_switch(
        Scope(ScopeKind.ACCOUNT, "ACC1"),
        KillGrade.HALT,
        KillTrigger.DAILY_LOSS,
        "ACC1 lost 1,200.00 today; the limit is 1,000.00.",
        observed=Decimal(-1200),
        limit=Decimal(1000),
    )
    assert result.accepted
    [stored] = desk.events(KillSwitchEngaged)
    assert stored.user == "system"
    assert '"trigger":"daily_loss","observed":"-1200","limit":"1000"' in stored.data
    [switch] = desk.engine.book.kill.active.values()
    assert switch.describe().endswith(
        "engaged by system at 14:30:00 UTC: ACC1 lost 1,200.00 today; the limit is 1,000.00."
    )


@pytest.mark.parametrize("snapshot", [True, False])
def test_switches_and_their_progress_survive_a_restart_exactly(desk: KillDesk, snapshot: bool) -> None:
    desk.outbound.mass_cancel_venues = {"SIMA"}
    desk.working(2, destination="SIMA")
    [deferred] = desk.working(destination="SIMB")
    assert desk.engine.replace(ReplaceOrder(deferred, Amendment(Decimal(90), Decimal(10)), TRADER)).accepted
    desk.kill(ALL)
    desk.kill(Scope(ScopeKind.SYMBOL, "ACME"), KillGrade.HALT)
    [mass] = desk.outbound.mass_cancels
    desk.engine.apply_venue_messages([MassCancelReport(mass.cl_ord_id, MassCancelResponse.ALL_ORDERS, session="SIMA")])
    before = (desk.engine.book.kill.rows(), desk.engine.kill_switch_status())
    engine = desk.reopen(snapshot=snapshot)
    assert (engine.book.kill.rows(), engine.kill_switch_status()) == before
    assert not engine.submit(SubmitOrder(spec(), TRADER)).accepted
    assert engine.book.kill.next_id() == "KS3"


def test_the_kill_switch_events_round_trip_through_the_log(desk: KillDesk) -> None:
    desk.outbound.mass_cancel_venues = {"SIM1"}
    desk.working()
    desk.kill()
    assert desk.engine.resume_trading(ALL, SUPERVISOR, "all clear").accepted
    kinds = [r.kind for r in desk.engine.store.read()]
    for name in ("KillSwitchEngaged", "KillCancelQueued", "MassCancelSent", "KillSwitchReleased"):
        assert name in kinds
    [queued] = desk.events(KillCancelQueued)
    assert queued.order_id is not None  # on the order's own timeline


# Cancels the venue leaves unconfirmed go again -------------------------------------------------------------


def _retry_after(desk: KillDesk, seconds: float) -> None:
    assert isinstance(desk.engine.clock, FakeClock)
    desk.engine.clock.advance(seconds)
    desk.engine.retry_kill_cancels()


def test_a_cancel_the_venue_leaves_unanswered_goes_again_with_the_same_clordid(desk: KillDesk) -> None:
    [order_id] = desk.working()
    desk.kill()
    [first] = desk.outbound.sent[-1:]
    desk.outbound.sent.clear()
    _retry_after(desk, 4.9)  # the default retry time is 5 s
    assert desk.outbound.sent == []
    _retry_after(desk, 0.1)
    [again] = desk.outbound.sent
    assert (again.kind, again.cl_ord_id, again.orig_cl_ord_id) == (first.kind, first.cl_ord_id, first.orig_cl_ord_id)
    assert (first.poss_resend, again.poss_resend) == (False, True)  # 97=Y: not refused as a duplicate ClOrdID
    [status] = desk.engine.kill_switch_status()
    assert status.summary() == "Cancel all: 0 of 1 confirmed, 1 unconfirmed, retried 1 time"
    [retried] = desk.events(KillCancelRetried)
    assert retried.order_id == order_id  # on the order's own timeline
    assert f"no answer to cancel {first.cl_ord_id} in 5 s: sent it again" in retried.data
    desk.outbound.sent.clear()
    _retry_after(desk, 5)
    assert len(desk.outbound.sent) == 1
    assert desk.engine.kill_switch_status()[0].summary().endswith("retried 2 times")
    desk.confirm_cancel(order_id)
    desk.outbound.sent.clear()
    _retry_after(desk, 60)
    assert desk.outbound.sent == []
    assert desk.engine.kill_switch_status()[0].unconfirmed == 0


def test_an_order_still_working_after_its_kill_cancel_was_refused_gets_a_new_cancel(desk: KillDesk) -> None:
    [order_id] = desk.working()
    desk.kill()
    refused = desk.order(order_id).pending
    assert refused is not None
    desk.engine.apply_venue_messages([desk.venue[order_id].reject_request(refused.cl_ord_id, RequestKind.CANCEL)])
    assert desk.order(order_id).status is S.NEW
    desk.outbound.sent.clear()
    _retry_after(desk, 5)
    [again] = desk.outbound.sent
    assert again.kind is RequestKind.CANCEL
    assert again.cl_ord_id != refused.cl_ord_id
    assert desk.order(order_id).status is S.PENDING_CANCEL
    desk.confirm_cancel(order_id)
    assert desk.order(order_id).status is S.CANCELED


def test_an_order_a_taken_mass_cancel_missed_gets_its_own_cancel_under_its_reserved_clordid(desk: KillDesk) -> None:
    desk.outbound.mass_cancel_venues = {"SIM1"}
    caught, missed = desk.working(2)
    desk.kill()
    [mass] = desk.outbound.mass_cancels
    desk.engine.apply_venue_messages([MassCancelReport(mass.cl_ord_id, MassCancelResponse.ALL_ORDERS, session="SIM1")])
    desk.confirm_cancel(caught)
    reserved = desk.order(missed).pending
    assert reserved is not None
    desk.outbound.sent.clear()
    _retry_after(desk, 5)
    [own] = desk.outbound.sent
    assert (own.order_id, own.cl_ord_id, own.orig_cl_ord_id) == (missed, reserved.cl_ord_id, reserved.orig_cl_ord_id)
    assert desk.engine.book.kill.active["KS1"].caught[missed].route is CancelRoute.SINGLE


def test_the_retry_time_is_a_limit_a_supervisor_sets_per_venue(desk: KillDesk) -> None:
    key = LimitKey("kill_cancel_retry_s", Severity.BLOCK, LimitScope(venue="SIM1"))
    assert desk.engine.set_limit(SetLimit(key, "1", SUPERVISOR)).accepted
    desk.working()
    desk.working(destination="SIM2")
    desk.kill()
    desk.outbound.sent.clear()
    _retry_after(desk, 1)
    assert [r.destination for r in desk.outbound.sent] == ["SIM1"]


def test_an_order_whose_fate_is_unknown_waits_for_the_status_request(desk: KillDesk) -> None:
    [order_id] = desk.working()
    desk.kill()
    desk.engine.line_lost("SIM1")
    assert desk.order(order_id).status is S.UNKNOWN
    desk.outbound.sent.clear()
    _retry_after(desk, 60)
    assert desk.outbound.sent == []


@pytest.mark.parametrize("snapshot", [True, False])
def test_retries_survive_a_restart_exactly(desk: KillDesk, snapshot: bool) -> None:
    desk.working(2)
    desk.kill()
    _retry_after(desk, 5)
    before = (desk.engine.book.kill.rows(), desk.engine.kill_switch_status())
    engine = desk.reopen(snapshot=snapshot)
    assert (engine.book.kill.rows(), engine.kill_switch_status()) == before
    assert engine.kill_switch_status()[0].retries == 2
