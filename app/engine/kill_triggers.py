"""Automatic kill switch triggers: an account's daily loss, a venue's reject storm, a venue's line down too long.

``KillTriggers`` follows the engine's committed change sets (fills move realised P&L, venue rejects count
toward a storm) and, on ``check_lines`` (the caller runs it every second or so), each venue's line. When a
threshold is passed it trips a switch as the system, naming the trigger and the values that set it off;
a trigger whose switch is already on does not trip again. Time comes from the engine's injected clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from app.engine.engine import ChangeSet, Engine
from app.engine.enums import ExecType
from app.engine.events import ExecutionApplied, RequestRejected
from app.engine.ids import AccountId, OrderId
from app.engine.kill_terms import KillGrade, KillTrigger, Scope, ScopeKind
from app.engine.order import ZERO


@dataclass(frozen=True, slots=True)
class TriggerLimits:
    """The thresholds of the automatic triggers and the grade each trips."""

    daily_loss: Mapping[AccountId, Decimal] = field(default_factory=dict)
    """Realised loss per account (a positive amount) that stops the account; accounts not named have none."""
    daily_loss_grade: KillGrade = KillGrade.CANCEL_WORKING
    reject_storm: int = 20
    """Venue rejects (of orders, cancels or amends) within ``reject_window`` seconds that halt the venue."""
    reject_window: float = 10.0
    reject_storm_grade: KillGrade = KillGrade.HALT
    line_down: float = 30.0
    """Seconds a venue's line may be down, with orders working on it, before the venue is halted."""
    line_down_grade: KillGrade = KillGrade.HALT


class KillTriggers:
    """Watches ``engine`` (and, through ``line_up``, each of ``venues``) and trips a switch when a limit is passed."""

    def __init__(
        self, engine: Engine, limits: TriggerLimits, venues: Sequence[str], line_up: Callable[[str], bool]
    ) -> None:
        self.engine, self.limits, self.venues, self.line_up = engine, limits, tuple(venues), line_up
        self._rejects: dict[str, deque[float]] = {}
        self._down_since: dict[str, float] = {}
        engine.subscribe(self._on_changes)

    def _on_changes(self, changes: ChangeSet) -> None:
        accounts: set[AccountId] = set()
        for recorded in changes.recorded:
            event = recorded.event
            if type(event) is ExecutionApplied:
                if event.counted:
                    accounts.add(self.engine.ledger.orders[event.order_id].spec.account)
                if event.exec_type is ExecType.REJECTED:
                    self._count_reject(event.order_id)
            elif type(event) is RequestRejected:
                self._count_reject(event.order_id)
        for account in accounts:
            self._check_loss(account)

    def _check_loss(self, account: AccountId) -> None:
        limit = self.limits.daily_loss.get(account)
        if limit is None:
            return
        realised = sum((p.realized_pnl for p in self.engine.positions.by_key.values() if p.account == account), ZERO)
        if -realised >= limit:
            reason = f"{account} has lost {-realised:,.2f} today, at or past its daily loss limit of {limit:,.2f}."
            scope = Scope(ScopeKind.ACCOUNT, account)
            self._trip(scope, self.limits.daily_loss_grade, KillTrigger.DAILY_LOSS, reason, realised, limit)

    def _count_reject(self, order_id: OrderId) -> None:
        venue = self.engine.ledger.orders[order_id].spec.destination
        now = self.engine.clock.monotonic()
        times = self._rejects.setdefault(venue, deque())
        times.append(now)
        window = self.limits.reject_window
        while times and now - times[0] > window:
            times.popleft()
        if len(times) >= self.limits.reject_storm:
            count, limit = len(times), self.limits.reject_storm
            reason = f"{venue} rejected {count} requests within {window:g} seconds (the limit is {limit})."
            grade = self.limits.reject_storm_grade
            self._trip(Scope(ScopeKind.VENUE, venue), grade, KillTrigger.REJECT_STORM, reason, count, limit)
            times.clear()

    def check_lines(self) -> None:
        """Halt each venue whose line has been down longer than the limit with orders still working on it."""
        now = self.engine.clock.monotonic()
        for venue in self.venues:
            if self.line_up(venue):
                self._down_since.pop(venue, None)
                continue
            down = now - self._down_since.setdefault(venue, now)
            if down < self.limits.line_down:
                continue
            working = sum(1 for o in self.engine.ledger.live() if o.spec.destination == venue)
            if working:
                reason = f"The line to {venue} has been down {down:.0f} seconds; orders working on it: {working}."
                grade, limit = self.limits.line_down_grade, Decimal(str(self.limits.line_down))
                self._trip(Scope(ScopeKind.VENUE, venue), grade, KillTrigger.SESSION_LOST, reason, round(down), limit)

    def _trip(
        self,
        scope: Scope,
        grade: KillGrade,
        trigger: KillTrigger,
        reason: str,
        observed: Decimal | int,
        limit: Decimal | int,
    ) -> None:
        if any(s.trigger is trigger for s in self.engine.book.kill.matching(scope)):
            return
        self.engine.trip_kill_switch(scope, grade, trigger, reason, observed=Decimal(observed), limit=Decimal(limit))
