"""The trading day: when the desk's day rolls over (a wall-clock time in a time zone), and which day an instant is in.

Daily figures (an account's realised P&L for the daily loss trigger) are keyed by the trading day, so they
start again at the roll without anything having to run at that moment: the first fill after the roll
finds yesterday's key and starts from zero. The gate's rate and duplicate-order windows also stop at the
roll: what was sent before it does not count in the new day. A trading day is named by the date on which
it ends, so with a 17:00 New York roll, Monday 18:00 there is already in Tuesday's trading day. The roll is a risk limit
(``trading_day_roll``, desk-wide, default ``00:00 UTC``), set and audited like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from app.engine.fix.config_values import time_of_day, time_zone

_ROLL: Final = re.compile(r"(\S+)\s+(\S+)")
ROLL_EXAMPLE: Final = '"17:00 America/New_York" or "00:00 UTC"'
_DAY: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DayRoll:
    """The moment, every day, one trading day ends and the next begins."""

    at: time
    zone: ZoneInfo

    def trading_day(self, ts: datetime) -> date:
        """The trading day ``ts`` (an aware instant) falls in, named by the date it ends."""
        local = ts.astimezone(self.zone)
        if self.at == time(0):
            return local.date()
        return local.date() + _DAY if local.time() >= self.at else local.date()

    def ends(self, ts: datetime) -> datetime:
        """When the trading day ``ts`` falls in ends: the next roll after ``ts``, as an aware instant."""
        day = self.trading_day(ts)
        roll_date = day if self.at != time(0) else day + _DAY
        return datetime.combine(roll_date, self.at, self.zone)

    def begins(self, ts: datetime) -> datetime:
        """When the trading day ``ts`` falls in began: the last roll at or before ``ts``, as an aware instant."""
        day = self.trading_day(ts)
        roll_date = day - _DAY if self.at != time(0) else day
        return datetime.combine(roll_date, self.at, self.zone)

    def describe(self) -> str:
        """'17:00 America/New_York'."""
        return f"{self.at:%H:%M} {self.zone.key}"


def day_roll(text: str) -> DayRoll:
    """``"HH:MM Zone/Name"``: when the trading day rolls over."""
    found = _ROLL.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not a roll time; write it like {ROLL_EXAMPLE}")
    at, zone = found.groups()
    try:
        return DayRoll(time_of_day("roll", at), time_zone("zone", zone))
    except ValueError as err:
        raise ValueError(f"{text!r}: {err}") from None
