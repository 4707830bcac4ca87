"""Automatic kill switch triggers: an account's daily loss, a venue's reject storm, a venue's line down too long.

``KillTriggers`` follows the engine's committed change sets (fills move realised P&L, venue rejects count
toward a storm), the marks (through ``watch_marks``: a moving mark moves the unrealised P&L of every account
holding the symbol, re-checked at most once a second per account) and, on ``check_lines`` and
``check_marks`` (the caller runs them every second or so), each venue's line and any mark move still to
be checked. An account's loss is its P&L this trading day (app/engine/risk/daily_pnl.py): realised today,
plus its open positions' unrealised P&L at their marks, measured for a position carried into the day from
the day's opening mark (the prior close) rather than its cost (a position with no mark yet adds nothing). When a
threshold is passed it trips a switch as the system, naming the trigger and the values that set it off;
a trigger whose switch is already on does not trip again. A breach seen in a committed change set trips
through ``Engine.after_batch``: the switch is engaged in a transaction of its own once every listener has
seen the batch that showed it, never from inside the listener. Time comes from the engine's injected clock.

The thresholds are the desk's risk limits, so a supervisor sets them in the limits editor and each change
is audited: ``daily_loss`` per account (or desk-wide, for every account; off until set), counted over the
trading day (``trading_day_roll``), ``reject_storm`` rejects within ``reject_storm_window_s`` per venue, and
``line_down_s`` per venue.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.engine.engine import ChangeSet, Engine
from app.engine.enums import ExecType
from app.engine.events import ExecutionApplied, RequestRejected
from app.engine.ids import AccountId, OrderId
from app.engine.kill_terms import KillGrade, KillTrigger, Scope, ScopeKind
from app.engine.prices import PriceBook, Quote

MARK_CHECK_SECONDS = 1.0
"""The least time between two checks of one account's loss prompted by moving marks."""


@dataclass(frozen=True, slots=True)
class TriggerGrades:
    """How hard each automatic trigger stops trading (the thresholds are risk limits, see the module docstring)."""

    daily_loss: KillGrade = KillGrade.CANCEL_WORKING
    reject_storm: KillGrade = KillGrade.HALT
    line_down: KillGrade = KillGrade.HALT


class KillTriggers:
    """Watches ``engine`` (and, through ``line_sound``, each of ``venues``) and trips a switch past a limit."""

    def __init__(
        self,
        engine: Engine,
        venues: Sequence[str],
        line_sound: Callable[[str], bool],
        grades: TriggerGrades = TriggerGrades(),
    ) -> None:
        self.engine, self.grades, self.venues, self.line_sound = engine, grades, tuple(venues), line_sound
        self._rejects: dict[str, deque[float]] = {}
        self._down_since: dict[str, float] = {}
        self._loss_checked: dict[AccountId, float] = {}
        self._marks_moved: set[AccountId] = set()
        self._tripping: set[tuple[Scope, KillTrigger]] = set()
        engine.subscribe(self._on_changes)

    def watch_marks(self, prices: PriceBook) -> None:
        """Re-check the loss of each account holding a symbol whose mark moves in ``prices``.

        Subscribe after app/engine/marks.py ``follow_marks``, so the positions are marked before the check.
        """
        prices.subscribe(self._on_quotes)

    def _on_quotes(self, quotes: list[Quote]) -> None:
        moved = {quote.symbol for quote in quotes if quote.mark is not None}
        if not moved:
            return
        for (account, symbol), position in self.engine.positions.by_key.items():
            if position.net_qty and symbol in moved:
                self._marks_moved.add(account)
        self.check_marks()

    def check_marks(self) -> None:
        """Check the loss of each account whose marks moved, unless it was checked less than a second ago."""
        now = self.engine.clock.monotonic()
        for account in sorted(self._marks_moved):
            last = self._loss_checked.get(account)
            if last is None or now - last >= MARK_CHECK_SECONDS:
                self._marks_moved.discard(account)
                self._check_loss(account)

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
        self._loss_checked[account] = self.engine.clock.monotonic()
        limits = self.engine.book.limits
        applied = limits.for_scope(account).get("daily_loss")
        if applied is None:
            return
        limit: Decimal = applied.value
        daily, now, roll = self.engine.book.daily, self.engine.clock.now(), limits.day_roll()
        realised = daily.today(account, now, roll)
        unrealised = daily.unrealised_today(account, self.engine.positions, now, roll)
        pnl = realised + unrealised
        if -pnl >= limit:
            reason = (
                f"{account} has lost {-pnl:,.2f} this trading day (realised {realised:,.2f}, unrealised "
                f"{unrealised:,.2f} at the marks), at or past its daily loss limit of {limit:,.2f} ({applied.where()})."
            )
            scope = Scope(ScopeKind.ACCOUNT, account)
            self._trip(scope, self.grades.daily_loss, KillTrigger.DAILY_LOSS, reason, pnl, limit)

    def _count_reject(self, order_id: OrderId) -> None:
        venue = self.engine.ledger.orders[order_id].spec.destination
        now = self.engine.clock.monotonic()
        limits = self.engine.book.limits
        window, limit = (
            float(limits.setting("reject_storm_window_s", venue=venue)),
            limits.setting("reject_storm", venue=venue),
        )
        times = self._rejects.setdefault(venue, deque())
        times.append(now)
        while times and now - times[0] > window:
            times.popleft()
        if len(times) >= limit:
            count = len(times)
            reason = f"{venue} rejected {count} requests within {window:g} seconds (the limit is {limit})."
            grade = self.grades.reject_storm
            self._trip(Scope(ScopeKind.VENUE, venue), grade, KillTrigger.REJECT_STORM, reason, count, limit)
            times.clear()

    def check_lines(self) -> None:
        """Halt each venue whose line has been down longer than the limit with orders still working on it."""
        now = self.engine.clock.monotonic()
        for venue in self.venues:
            if self.line_sound(venue):  # logged on, or closed by its schedule
                self._down_since.pop(venue, None)
                continue
            down = now - self._down_since.setdefault(venue, now)
            grace: Decimal = self.engine.book.limits.setting("line_down_s", venue=venue)
            if down < grace:
                continue
            working = sum(1 for o in self.engine.ledger.live() if o.spec.destination == venue)
            if working:
                reason = f"The line to {venue} has been down {down:.0f} seconds; orders working on it: {working}."
                scope, grade = Scope(ScopeKind.VENUE, venue), self.grades.line_down
                self._trip(scope, grade, KillTrigger.SESSION_LOST, reason, round(down), grace)

    def _trip(
        self,
        scope: Scope,
        grade: KillGrade,
        trigger: KillTrigger,
        reason: str,
        observed: Decimal | int,
        limit: Decimal | int,
    ) -> None:
        """Engage the switch once the batch that showed the breach is committed and seen by every listener.

        A breach found while a trip for the same scope and trigger waits, or after one is on, trips nothing.
        """
        if (scope, trigger) in self._tripping:
            return
        self._tripping.add((scope, trigger))

        def engage() -> None:
            self._tripping.discard((scope, trigger))
            if any(s.trigger is trigger for s in self.engine.book.kill.matching(scope)):
                return
            engine = self.engine
            engine.trip_kill_switch(scope, grade, trigger, reason, observed=Decimal(observed), limit=Decimal(limit))

        self.engine.after_batch(engage)
