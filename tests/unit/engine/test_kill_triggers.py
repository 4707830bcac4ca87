"""Automatic kill switch triggers: daily loss per account, a venue's reject storm, a line down too long.

Their thresholds are risk limits (set here as the supervisor), and the daily loss counts one trading day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.engine.clock import FakeClock
from app.engine.commands import SetLimit, SubmitOrder
from app.engine.engine import ChangeSet
from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.events import DayOpeningMark
from app.engine.ids import AccountId, OrderId
from app.engine.kill_switch import KillSwitch
from app.engine.kill_terms import KillGrade, KillTrigger, Scope, ScopeKind
from app.engine.kill_triggers import KillTriggers
from app.engine.marks import follow_marks
from app.engine.opening_marks import OpeningMarks
from app.engine.order import RequestKind
from app.engine.prices import PriceBook, Quote
from app.engine.risk.verdict import Severity
from app.engine.serialization import from_json
from tests.support.engine_kit import SUPERVISOR, TRADER, open_engine, spec
from tests.support.reports import VenueOrder
from tests.support.risk_kit import key

E = TypeVar("E")


class Watched:
    """An engine on a fake clock, its triggers, and lines that are up unless a test takes one down."""

    def __init__(self, path: Path, clock: FakeClock | None = None, **limits: str | int) -> None:
        self.path = path
        self.clock = clock or FakeClock()
        self.engine, self.outbound = open_engine(path, clock=self.clock)
        self.down: set[str] = set()
        self.triggers = KillTriggers(self.engine, ["SIM1", "SIM2"], lambda venue: venue not in self.down)
        self.prices = PriceBook()
        follow_marks(self.prices, self.engine)
        OpeningMarks(self.engine).follow(self.prices)
        self.triggers.watch_marks(self.prices)
        for name, value in limits.items():
            self.limit(name, value)

    def limit(self, name: str, value: str | int, **scope: str) -> None:
        result = self.engine.set_limit(SetLimit(key(name, Severity.BLOCK, **scope), str(value), SUPERVISOR))
        assert result.accepted, result.message

    def order(self, **terms: Any) -> tuple[OrderId, VenueOrder]:
        result = self.engine.submit(SubmitOrder(spec(**terms), TRADER))
        assert result.order_id is not None
        venue = VenueOrder(result.order_id, Decimal(terms.get("qty", 100)))
        self.engine.apply_venue_messages([venue.ack()])
        return result.order_id, venue

    def trade(self, side: Side, px: int, account: str = "ACC1") -> None:
        _, venue = self.order(side=side, account=AccountId(account))
        self.engine.apply_venue_messages([venue.fill(100, px)])

    def mark(self, px: str, symbol: str = "AAPL") -> None:
        """A quote whose mark (its last trade, with no bid or ask) is ``px``."""
        self.prices.update([Quote(symbol, None, None, Decimal(px), self.clock.now())])

    def confirm_cancels(self, orders: list[tuple[OrderId, VenueOrder]]) -> None:
        """The venue confirms each order's pending cancel."""
        reports = []
        for order_id, venue in orders:
            pending = self.engine.ledger.orders[order_id].pending
            assert pending is not None
            reports.append(venue.canceled(pending.cl_ord_id))
        self.engine.apply_venue_messages(reports)

    def events(self, cls: type[E]) -> list[E]:
        """Every logged event of type ``cls``, decoded."""
        return [from_json(cls, s.data) for s in self.engine.store.read() if s.kind == cls.__name__]

    def switches(self) -> list[KillSwitch]:
        return list(self.engine.book.kill.active.values())


def test_an_accounts_daily_loss_at_its_limit_stops_that_account(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 500, account="ACC1")
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 7)  # realised -300: under the limit
    assert desk.switches() == []
    working, _ = desk.order(account=AccountId("ACC1"))
    other, _ = desk.order(account=AccountId("ACC2"))
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 8)  # realised -500 in all
    [switch] = desk.switches()
    assert (switch.scope, switch.grade, switch.trigger, switch.user) == (
        Scope(ScopeKind.ACCOUNT, "ACC1"),
        KillGrade.CANCEL_WORKING,
        KillTrigger.DAILY_LOSS,
        "system",
    )
    assert switch.reason == (
        "ACC1 has lost 500.00 this trading day (realised -500.00, unrealised 0.00 at the marks), at or past its "
        "daily loss limit of 500.00 (for account ACC1)."
    )
    assert desk.engine.ledger.orders[working].status is OrderStatus.PENDING_CANCEL
    assert desk.engine.ledger.orders[other].status is OrderStatus.NEW
    desk.trade(Side.SELL, 1, account="ACC2")  # more fills elsewhere: the same switch, not another
    assert len(desk.switches()) == 1


def test_a_trigger_engages_its_switch_after_the_batch_that_showed_the_breach_not_inside_it(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 500, account="ACC1")
    desk.trade(Side.BUY, 10)
    seen: list[list[str]] = []
    nested: list[bool] = []

    def later_listener(changes: ChangeSet) -> None:  # subscribed after the triggers
        seen.append([type(r.event).__name__ for r in changes.recorded])
        nested.append(desk.engine.store._tx is not None)

    desk.engine.subscribe(later_listener)
    _, venue = desk.order(side=Side.SELL)
    seen.clear()
    desk.engine.apply_venue_messages([venue.fill(100, 4)])  # realised -600
    assert seen == [["ExecutionApplied"], ["KillSwitchEngaged"]]  # in the order they were committed
    assert nested == [False] * len(nested)
    [switch] = desk.switches()
    assert switch.trigger is KillTrigger.DAILY_LOSS
    audited = [e for e in desk.engine.store.read() if e.kind == "KillSwitchEngaged"]
    assert len(audited) == 1


def test_breaches_in_one_batch_and_the_next_trip_the_switch_once(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 100, account="ACC1")
    desk.trade(Side.BUY, 10)
    orders = [desk.order(side=Side.SELL)[1] for _ in range(3)]
    desk.engine.apply_venue_messages([orders[0].fill(50, 5), orders[1].fill(50, 5)])
    desk.engine.apply_venue_messages([orders[2].fill(10, 5)])
    assert [s.trigger for s in desk.switches()] == [KillTrigger.DAILY_LOSS]


def test_a_daily_loss_trip_cancels_hundreds_of_the_accounts_orders_on_two_venues_until_all_are_confirmed(
    tmp_path: Path,
) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 500, account="ACC1")
    desk.outbound.mass_cancel_venues = {"SIM1"}
    working = [desk.order(destination=venue) for venue in ("SIM1", "SIM2") for _ in range(150)]
    other = desk.order(account=AccountId("ACC2"))
    desk.trade(Side.BUY, 10)
    desk.outbound.sent.clear()
    desk.trade(Side.SELL, 4)  # realised -600: the trip follows the fill's batch, in a transaction of its own
    orders = desk.engine.ledger.orders
    assert all(orders[o].status is OrderStatus.PENDING_CANCEL for o, _ in working)  # pending until confirmed
    assert orders[other[0]].status is OrderStatus.NEW
    cancels = [r.order_id for r in desk.outbound.sent if r.kind is RequestKind.CANCEL]
    assert sorted(cancels) == sorted(o for o, _ in working)  # an account's switch: one cancel per order
    [status] = desk.engine.kill_switch_status()
    assert (status.working, status.unconfirmed) == (300, 300)
    desk.confirm_cancels(working[:200])
    assert desk.engine.kill_switch_status()[0].unconfirmed == 100
    desk.confirm_cancels(working[200:])
    [status] = desk.engine.kill_switch_status()
    assert (status.confirmed, status.unconfirmed, status.filled_after) == (300, 0, 0)
    assert all(orders[o].status is OrderStatus.CANCELED for o, _ in working)


def test_an_account_with_no_loss_limit_is_never_stopped(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 1, account="ACC9")
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 1)
    assert desk.switches() == []


def test_an_open_loss_at_the_marks_counts_toward_the_daily_loss(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 500, account="ACC1")
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 8)  # realised -200
    desk.trade(Side.BUY, 10)  # long 100 at 10
    desk.mark("7.5")  # unrealised -250: -450 in all
    assert desk.switches() == []
    desk.clock.advance(1)
    desk.mark("7")  # unrealised -300: -500 in all
    [switch] = desk.switches()
    assert (switch.scope, switch.trigger) == (Scope(ScopeKind.ACCOUNT, "ACC1"), KillTrigger.DAILY_LOSS)
    assert switch.reason == (
        "ACC1 has lost 500.00 this trading day (realised -200.00, unrealised -300.00 at the marks), at or past its "
        "daily loss limit of 500.00 (for account ACC1)."
    )


def test_a_fill_checks_the_loss_against_the_marks_already_in(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 500, account="ACC1")
    desk.mark("4")
    desk.trade(Side.BUY, 10)  # long 100 at 10, marked at 4: -600
    assert [s.trigger for s in desk.switches()] == [KillTrigger.DAILY_LOSS]


def test_moving_marks_check_an_account_at_most_once_a_second(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 500, account="ACC1")
    desk.trade(Side.BUY, 10)  # checked now, at the fill
    desk.mark("4")  # -600, but the account was checked less than a second ago
    desk.clock.advance(0.5)
    desk.mark("4.01")
    desk.triggers.check_marks()
    assert desk.switches() == []
    desk.clock.advance(0.5)
    desk.triggers.check_marks()  # a second after the fill: the move still owed is checked with no new quote
    assert [s.trigger for s in desk.switches()] == [KillTrigger.DAILY_LOSS]


def test_a_mark_moves_only_the_accounts_holding_the_symbol(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("daily_loss", 500)
    desk.trade(Side.BUY, 10, account="ACC2")
    desk.clock.advance(1)
    desk.mark("1", symbol="MSFT")
    desk.mark("6")  # ACC2 holds AAPL: -400
    assert desk.switches() == []
    desk.clock.advance(1)
    desk.mark("5")
    assert [s.scope for s in desk.switches()] == [Scope(ScopeKind.ACCOUNT, "ACC2")]


def test_a_reject_storm_halts_the_venue_it_came_from(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3", reject_storm=3, reject_storm_window_s=10)
    for seconds in (0, 6, 6):  # the first falls out of the window before the third
        _, venue = desk.order()
        desk.clock.advance(seconds)
        desk.engine.apply_venue_messages([venue.report(ExecType.REJECTED, OrderStatus.REJECTED)])
    assert desk.switches() == []
    _, venue = desk.order()
    desk.engine.apply_venue_messages([venue.report(ExecType.REJECTED, OrderStatus.REJECTED)])
    [switch] = desk.switches()
    assert (switch.scope, switch.grade, switch.trigger) == (
        Scope(ScopeKind.VENUE, "SIM1"),
        KillGrade.HALT,
        KillTrigger.REJECT_STORM,
    )
    assert switch.reason == "SIM1 rejected 3 requests within 10 seconds (the limit is 3)."
    assert not desk.engine.submit(SubmitOrder(spec(), TRADER)).accepted
    assert desk.engine.submit(SubmitOrder(spec(destination="SIM2"), TRADER)).accepted


def test_a_line_down_too_long_with_orders_working_halts_that_venue(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.order()
    desk.down = {"SIM1", "SIM2"}  # SIM2 has no orders working: nothing to protect there
    desk.triggers.check_lines()
    desk.clock.advance(29)
    desk.triggers.check_lines()
    assert desk.switches() == []
    desk.clock.advance(1)
    desk.triggers.check_lines()
    [switch] = desk.switches()
    assert (switch.scope, switch.trigger) == (Scope(ScopeKind.VENUE, "SIM1"), KillTrigger.SESSION_LOST)
    assert switch.reason == "The line to SIM1 has been down 30 seconds; orders working on it: 1."
    desk.clock.advance(60)
    desk.triggers.check_lines()
    assert len(desk.switches()) == 1


def test_a_line_that_comes_back_starts_its_count_again(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.order()
    desk.down = {"SIM1"}
    desk.triggers.check_lines()
    desk.clock.advance(20)
    desk.down = set()
    desk.triggers.check_lines()
    desk.down = {"SIM1"}
    desk.clock.advance(20)
    desk.triggers.check_lines()
    assert desk.switches() == []


def test_a_line_down_limit_set_by_the_supervisor_is_the_one_used(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3")
    desk.limit("line_down_s", 5, venue="SIM1")
    desk.order()
    desk.down = {"SIM1"}
    desk.triggers.check_lines()
    desk.clock.advance(5)
    desk.triggers.check_lines()
    [switch] = desk.switches()
    assert switch.reason == "The line to SIM1 has been down 5 seconds; orders working on it: 1."


NEW_YORK_ROLL = "17:00 America/New_York"


def test_the_daily_loss_starts_again_at_the_trading_day_roll(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 1, 5, 21, 0, tzinfo=UTC))  # 16:00 in New York, an hour before the roll
    desk = Watched(tmp_path / "s.sqlite3", clock, trading_day_roll=NEW_YORK_ROLL, daily_loss=500)
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 7)  # -300 on Monday's trading day
    desk.clock.advance(2 * 3600)  # 18:00 in New York: Tuesday's trading day
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 7)  # -300 again, but a new day: -300, not -600
    assert desk.switches() == []
    assert desk.engine.book.daily.today("ACC1", desk.clock.now(), desk.engine.book.limits.day_roll()) == -300
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 8)  # -500 on Tuesday's trading day
    [switch] = desk.switches()
    assert switch.trigger is KillTrigger.DAILY_LOSS
    assert "lost 500.00 this trading day" in switch.reason


def test_with_the_default_roll_the_trading_day_ends_at_midnight_utc(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3", FakeClock(datetime(2026, 1, 5, 23, 59, tzinfo=UTC)), daily_loss=500)
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 6)  # -400 on the 5th
    desk.clock.advance(120)  # 00:01 UTC on the 6th
    assert desk.engine.book.daily.today("ACC1", desk.clock.now(), desk.engine.book.limits.day_roll()) == 0
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 8)  # -200 on the 6th: with the 5th it would have been -600
    assert desk.switches() == []


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "replay"])
def test_the_days_loss_survives_a_restart_exactly(tmp_path: Path, snapshot: bool) -> None:
    clock = FakeClock(datetime(2026, 1, 5, 21, 0, tzinfo=UTC))
    desk = Watched(tmp_path / "s.sqlite3", clock, trading_day_roll=NEW_YORK_ROLL)
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 7)
    desk.clock.advance(2 * 3600)
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 9)
    rows = desk.engine.book.daily.rows()
    if snapshot:
        desk.engine.close()
    else:
        desk.engine.store.close()
    again = Watched(tmp_path / "s.sqlite3", clock)
    assert again.engine.book.daily.rows() == rows
    assert again.engine.book.daily.today("ACC1", clock.now(), again.engine.book.limits.day_roll()) == -100


def _carried_into_tuesday(tmp_path: Path, **limits: str | int) -> Watched:
    """Long 100 AAPL at 10 bought on Monday's trading day, marked at 8 before the 17:00 New York roll."""
    clock = FakeClock(datetime(2026, 1, 5, 21, 0, tzinfo=UTC))  # 16:00 in New York
    desk = Watched(tmp_path / "s.sqlite3", clock, trading_day_roll=NEW_YORK_ROLL, **limits)
    desk.trade(Side.BUY, 10)
    desk.mark("8")  # -200 on Monday
    desk.clock.advance(2 * 3600)  # 18:00 in New York: Tuesday's trading day
    return desk


def test_a_position_carried_into_the_day_loses_only_what_it_falls_below_the_prior_close(tmp_path: Path) -> None:
    desk = _carried_into_tuesday(tmp_path, daily_loss=250)
    desk.mark("7.5")  # the day's first mark: -50 against Monday's last mark (-250 against the cost)
    _, tuesday = desk.events(DayOpeningMark)  # Monday's was the first mark of that day
    assert (tuesday.day, tuesday.px) == ("2026-01-06", Decimal(8))
    assert tuesday.basis == "prior close: the last mark before the roll, at 2026-01-05 21:00:00 UTC"
    assert desk.switches() == []
    desk.clock.advance(1)
    desk.mark("5.5")  # -250 since the prior close
    [switch] = desk.switches()
    assert switch.reason == (
        "ACC1 has lost 250.00 this trading day (realised 0.00, unrealised -250.00 at the marks), at or past its "
        "daily loss limit of 250.00 (for the desk)."
    )


def test_selling_a_carried_position_counts_only_the_move_since_the_prior_close(tmp_path: Path) -> None:
    desk = _carried_into_tuesday(tmp_path, daily_loss=150)
    desk.mark("8")
    desk.trade(Side.SELL, 7)  # realised -300 against the cost, +200 of it lost before today: -100 today
    assert desk.switches() == []
    desk.trade(Side.BUY, 7)  # a new long today, from no carried position
    desk.clock.advance(1)
    desk.mark("6.5")  # -50 more: -150 today
    assert [s.trigger for s in desk.switches()] == [KillTrigger.DAILY_LOSS]


def test_a_desk_that_saw_no_mark_before_the_roll_measures_from_the_days_first_mark(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 1, 5, 21, 0, tzinfo=UTC))
    desk = Watched(tmp_path / "s.sqlite3", clock, trading_day_roll=NEW_YORK_ROLL)
    desk.trade(Side.BUY, 10)
    desk.clock.advance(2 * 3600)
    desk.mark("9")
    desk.mark("8")  # the day's opening mark is taken once
    assert desk.engine.book.daily.opening["AAPL"] == (date(2026, 1, 6), Decimal(9))
    book = desk.engine.book
    assert book.daily.unrealised_today("ACC1", book.positions, clock.now(), book.limits.day_roll()) == -100
    [opening] = desk.events(DayOpeningMark)
    assert opening.basis == "first mark of the day"


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "replay"])
def test_the_days_opening_marks_and_carried_positions_survive_a_restart(tmp_path: Path, snapshot: bool) -> None:
    desk = _carried_into_tuesday(tmp_path)
    desk.mark("7")
    desk.trade(Side.SELL, 7, account="ACC1")
    desk.trade(Side.BUY, 7)
    desk.mark("6")
    book, clock = desk.engine.book, desk.clock
    roll = book.limits.day_roll()
    figures = (book.daily.rows(), book.daily.unrealised_today("ACC1", book.positions, clock.now(), roll))
    if snapshot:
        desk.engine.close()
    else:
        desk.engine.store.close()
    again = Watched(tmp_path / "s.sqlite3", clock)
    again.mark("6")  # marks are not in the log; the opening mark is, and is not taken again
    book = again.engine.book
    assert (book.daily.rows(), book.daily.unrealised_today("ACC1", book.positions, clock.now(), roll)) == figures
    assert [e.day for e in again.events(DayOpeningMark)] == ["2026-01-05", "2026-01-06"]
