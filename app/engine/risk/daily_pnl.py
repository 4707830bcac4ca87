"""Each account's realised P&L in the current trading day, for the daily loss trigger.

The projections hand every fill's change in realised P&L here with the fill's time from the log and the
desk's trading day roll, so the figure is a projection like any other: a replay gives the same numbers,
and a day's total starts again from zero with the first fill of the next trading day (see trading_day.py).
It rides in the snapshot as plain rows (a ``DeskView`` that follows no event of its own, like
``RecentActivity``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.engine.order import ZERO
from app.engine.risk.trading_day import DayRoll


class DailyPnl:
    """Realised P&L per account for the trading day of its latest fill."""

    name = "daily_pnl"
    event_types: tuple[type, ...] = ()

    def __init__(self) -> None:
        self.by_account: dict[str, tuple[date, Decimal]] = {}
        self._span: tuple[DayRoll, datetime, datetime, date] | None = None
        """A roll, an instant and the end of its trading day, and that day: any time from the instant to the end
        is in the same day, so most fills skip the time zone arithmetic."""

    def apply(self, event: Any, ts: datetime) -> None:
        """Follows no event of its own (the projections call ``realised``)."""

    def realised(self, account: str, amount: Decimal, ts: datetime, roll: DayRoll) -> None:
        """A fill at ``ts`` moved ``account``'s realised P&L by ``amount``."""
        day = self.day_of(ts, roll)
        held = self.by_account.get(account)
        total = held[1] if held is not None and held[0] == day else ZERO
        self.by_account[account] = (day, total + amount)

    def today(self, account: str, now: datetime, roll: DayRoll) -> Decimal:
        """``account``'s realised P&L so far in the trading day ``now`` is in (zero if it has not traded)."""
        held = self.by_account.get(account)
        return held[1] if held is not None and held[0] == self.day_of(now, roll) else ZERO

    def day_of(self, ts: datetime, roll: DayRoll) -> date:
        """The trading day ``ts`` falls in."""
        span = self._span
        if span is None or span[0] != roll or not span[1] <= ts < span[2]:
            span = self._span = (roll, ts, roll.ends(ts), roll.trading_day(ts))
        return span[3]

    def rows(self) -> list[tuple[Any, ...]]:
        """Each account's trading day and realised P&L, as plain rows."""
        return [(account, day.isoformat(), str(total)) for account, (day, total) in self.by_account.items()]

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        for account, day, total in rows:
            self.by_account[account] = (date.fromisoformat(day), Decimal(total))
