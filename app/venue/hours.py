"""A simulated venue's trading calendar: which days it trades, when each trading day opens and closes, DST-safe.

A venue with an opening time keeps hours: it takes orders only from the open to the close of a trading day
(``is_open``), and ``closed_words`` says when it opens next, in the venue's own time zone. A venue with no opening
time is non-stop: it takes orders at any hour (the demo venues, so the desktop trades at night), though its DAY
orders still expire at its close.

A trading day is a weekday that is not one of the venue's holidays. At each trading day's close (a wall-clock
time in the venue's time zone) DAY orders expire, GTC and GTD orders stay; the simulator asks
``next_close`` on its injected clock and calls ``VenueApplication.close_session`` when that moment has come,
so a DAY order entered after Friday's close, on a Saturday or on a holiday works until the next trading
day's close. A GTD order given an ExpireDate (432) instead of an ExpireTime (126) is good through that date:
it expires at the close of the last trading day on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

WEEKEND: Final = frozenset({5, 6})
"""Saturday and Sunday, as ``date.weekday()`` numbers."""
_SEARCH_DAYS: Final = 366
"""How far the calendar looks for a trading day before deciding the venue has none."""


@dataclass(frozen=True, slots=True)
class TradingCalendar:
    """When a venue trades: its close each trading day (None: it never closes), its time zone and holidays, and
    its opening time (None: it takes orders at any hour)."""

    close: time | None
    zone: ZoneInfo
    holidays: frozenset[date] = frozenset()
    weekend: frozenset[int] = WEEKEND
    open: time | None = None

    def is_open(self, now: datetime) -> bool:
        """Whether the venue takes orders at ``now`` (aware): always without hours, else from the open to the close
        of a trading day."""
        if self.open is None or self.close is None:
            return True
        day = _local_date(now, self.zone)
        return self.is_trading_day(day) and self._close_on(day, self.open) <= now < self._close_on(day, self.close)

    def next_open(self, now: datetime) -> datetime | None:
        """The first open at or after ``now`` (aware), in UTC; None for a venue without hours."""
        if self.open is None or self.close is None:
            return None
        day = _local_date(now, self.zone)
        for _ in range(_SEARCH_DAYS):
            if self.is_trading_day(day) and self._close_on(day, self.open) >= now:
                return self._close_on(day, self.open)
            day += timedelta(days=1)
        raise ValueError(f"the venue's calendar has no trading day in the year after {now.date().isoformat()}")

    def closed_words(self, now: datetime) -> str | None:
        """Why the venue takes no orders at ``now``, in a trader's words ("market closed: opens Mon 2026-01-05 09:30
        America/New_York"); None while it is open."""
        if self.is_open(now):
            return None
        opens = self.next_open(now)
        assert opens is not None  # a venue without hours is always open
        local = opens.astimezone(self.zone)
        return f"market closed: opens {local:%a %Y-%m-%d %H:%M} {self.zone.key}"

    def is_trading_day(self, day: date) -> bool:
        """Whether the venue trades on ``day`` (its local date)."""
        return day.weekday() not in self.weekend and day not in self.holidays

    def next_close(self, now: datetime) -> datetime | None:
        """The first close strictly after ``now`` (aware), in UTC; None for a venue that never closes."""
        if self.close is None:
            return None
        day = _local_date(now, self.zone)
        for _ in range(_SEARCH_DAYS):
            if self.is_trading_day(day):
                closing = self._close_on(day, self.close)
                if closing > now:
                    return closing
            day += timedelta(days=1)
        raise ValueError(f"the venue's calendar has no trading day in the year after {now.date().isoformat()}")

    def good_through(self, day: date) -> datetime:
        """When an order good through ``day`` (a GTD ExpireDate, the venue's local date) expires, in UTC: the
        close of the last trading day on or before it; for a venue that never closes, the end of ``day``."""
        if self.close is None:
            return self._close_on(day + timedelta(days=1), time(0, 0))
        last = day
        for _ in range(_SEARCH_DAYS):
            if self.is_trading_day(last):
                return self._close_on(last, self.close)
            last -= timedelta(days=1)
        raise ValueError(f"the venue's calendar has no trading day in the year up to {day.isoformat()}")

    def _close_on(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone).astimezone(UTC)


def _local_date(now: datetime, zone: ZoneInfo) -> date:
    if now.tzinfo is None:
        raise ValueError("the venue's calendar needs an aware time from the injected clock")
    return now.astimezone(zone).date()
