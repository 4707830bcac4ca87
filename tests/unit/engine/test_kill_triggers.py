"""Automatic kill switch triggers: daily loss per account, a venue's reject storm, a line down too long."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.ids import AccountId, OrderId
from app.engine.kill_switch import KillSwitch
from app.engine.kill_terms import KillGrade, KillTrigger, Scope, ScopeKind
from app.engine.kill_triggers import KillTriggers, TriggerLimits
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder


class Watched:
    """An engine on a fake clock, its triggers, and lines that are up unless a test takes one down."""

    def __init__(self, path: Path, limits: TriggerLimits) -> None:
        self.clock = FakeClock()
        self.engine: Engine = open_engine(path, clock=self.clock)[0]
        self.down: set[str] = set()
        self.triggers = KillTriggers(self.engine, limits, ["SIM1", "SIM2"], lambda venue: venue not in self.down)

    def order(self, **terms: Any) -> tuple[OrderId, VenueOrder]:
        result = self.engine.submit(SubmitOrder(spec(**terms), TRADER))
        assert result.order_id is not None
        venue = VenueOrder(result.order_id, Decimal(terms.get("qty", 100)))
        self.engine.apply_venue_messages([venue.ack()])
        return result.order_id, venue

    def trade(self, side: Side, px: int, account: str = "ACC1") -> None:
        _, venue = self.order(side=side, account=AccountId(account))
        self.engine.apply_venue_messages([venue.fill(100, px)])

    def switches(self) -> list[KillSwitch]:
        return list(self.engine.book.kill.active.values())


def test_an_accounts_daily_loss_at_its_limit_stops_that_account(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3", TriggerLimits(daily_loss={AccountId("ACC1"): Decimal(500)}))
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
    assert switch.reason == "ACC1 has lost 500.00 today, at or past its daily loss limit of 500.00."
    assert desk.engine.ledger.orders[working].status is OrderStatus.PENDING_CANCEL
    assert desk.engine.ledger.orders[other].status is OrderStatus.NEW
    desk.trade(Side.SELL, 1, account="ACC2")  # more fills elsewhere: the same switch, not another
    assert len(desk.switches()) == 1


def test_an_account_with_no_loss_limit_is_never_stopped(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3", TriggerLimits(daily_loss={AccountId("ACC9"): Decimal(1)}))
    desk.trade(Side.BUY, 10)
    desk.trade(Side.SELL, 1)
    assert desk.switches() == []


def test_a_reject_storm_halts_the_venue_it_came_from(tmp_path: Path) -> None:
    desk = Watched(tmp_path / "s.sqlite3", TriggerLimits(reject_storm=3, reject_window=10))
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
    desk = Watched(tmp_path / "s.sqlite3", TriggerLimits(line_down=30))
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
    desk = Watched(tmp_path / "s.sqlite3", TriggerLimits(line_down=30))
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
