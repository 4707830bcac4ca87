"""When a FIX session may be connected: all the time, or daily between two wall-clock times in a time zone.

A daily schedule runs from ``start`` to ``end`` local time; when ``end`` is not later than ``start`` the
session crosses midnight and ends the next day (17:00 to 16:00 is open 23 hours a day). Each trading
session is named by the local date it ends on: with ``weekdays_only`` only sessions that end Monday to
Friday run, so 17:00 to 16:00 opens Sunday 17:00 and closes for the weekend Friday 16:00.

Times are wall-clock times, so a session keeps its local hours across daylight-saving changes (its length
in hours changes instead). A local time that does not exist on a spring-forward day means the moment the
clocks jump; an ambiguous one on a fall-back day means its first occurrence. Sessions are half-open:
open at ``start``, closed at ``end``.

Every method takes an aware ``datetime`` from the injected clock (app/engine/clock.py) and answers in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

ALWAYS_OPEN_SINCE: Final = datetime.min.replace(tzinfo=UTC)
"""What ``session_start`` answers for a non-stop schedule: no session start, so no daily reset, ever."""

_FRIDAY: Final = 4
_SEARCH_DAYS: Final = 4  # sessions are at most a day long and weekends leave at most 3 days without one
_ONE_DAY: Final = timedelta(days=1)
_UTC_ZONE: Final = ZoneInfo("UTC")


@dataclass(frozen=True)
class SessionSchedule:
    """Non-stop (no ``start``/``end``, the default) or daily from ``start`` to ``end`` in ``zone``."""

    start: time | None = None
    """Local time the session opens each day; None for a non-stop session."""
    end: time | None = None
    """Local time the session closes; at or before ``start`` means the next day."""
    zone: ZoneInfo = _UTC_ZONE
    """The time zone ``start`` and ``end`` are read in."""
    weekdays_only: bool = False
    """Run only the sessions that end Monday to Friday."""

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValueError("a daily session schedule needs both a start and an end time")
        if self.start is not None and self.start == self.end:
            raise ValueError(f"a daily session cannot start and end at the same time ({self.start:%H:%M:%S})")
        if self.non_stop and self.weekdays_only:
            raise ValueError("a non-stop session cannot be limited to weekdays; give it start and end times")
        for moment in (self.start, self.end):
            if moment is not None and moment.tzinfo is not None:
                raise ValueError("session start and end are wall-clock times: give the time zone as `zone`")

    @property
    def non_stop(self) -> bool:
        """Whether the session is always open."""
        return self.start is None

    def is_open(self, now: datetime) -> bool:
        """Whether ``now`` falls inside a trading session."""
        _check_aware(now)
        return self.non_stop or any(start <= now < end for start, end in self._sessions_around(now))

    def session_start(self, now: datetime) -> datetime:
        """Start of the session that contains ``now``, or of the last one before it (``ALWAYS_OPEN_SINCE``
        when non-stop). A session last logged on before this moment is due its daily sequence reset."""
        _check_aware(now)
        if self.non_stop:
            return ALWAYS_OPEN_SINCE
        return max(start for start, _ in self._sessions_around(now) if start <= now)

    def next_open(self, now: datetime) -> datetime:
        """When the session is next open: ``now`` itself when it is open, else the next session's start."""
        if self.is_open(now):
            return now.astimezone(UTC)
        return min(start for start, _ in self._sessions_around(now) if start > now)

    def closes_at(self, now: datetime) -> datetime | None:
        """When the session open at ``now`` closes or, when closed, when the next one will; None if non-stop."""
        _check_aware(now)
        if self.non_stop:
            return None
        return min(end for _, end in self._sessions_around(now) if end > now)

    def _sessions_around(self, now: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The (start, end) in UTC of every session ending within a few days of ``now``, in order."""
        if self.start is None or self.end is None:
            return  # non-stop: no sessions to list
        today = now.astimezone(self.zone).date()
        crosses_midnight = self.end <= self.start
        for offset in range(-_SEARCH_DAYS, _SEARCH_DAYS + 1):
            end_day = today + timedelta(days=offset)
            if self.weekdays_only and end_day.weekday() > _FRIDAY:
                continue
            start_day = end_day - _ONE_DAY if crosses_midnight else end_day
            start, end = self._to_utc(start_day, self.start), self._to_utc(end_day, self.end)
            if start < end:  # both ends inside one spring-forward gap: a session that never opens
                yield (start, end)

    def _to_utc(self, day: date, moment: time) -> datetime:
        """The UTC instant of a local wall-clock time; a time skipped by the clocks maps to the jump."""
        local = datetime.combine(day, moment, tzinfo=self.zone)  # fold=0: the first of two ambiguous times
        instant = local.astimezone(UTC)
        if instant.astimezone(self.zone).replace(tzinfo=None) == local.replace(tzinfo=None):
            return instant
        return _first_instant_showing(local.replace(tzinfo=None), self.zone, instant)


def _check_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("session schedules need a timezone-aware time from the clock; got a naive datetime")


def _first_instant_showing(wall: datetime, zone: ZoneInfo, after_gap: datetime) -> datetime:
    """The first instant whose local time is at or past ``wall``, a time inside a spring-forward gap.

    ``after_gap`` (the gap time read with the offset before the jump) lies after the jump, and the same time
    read with the later offset lies before it; local time only rises between them, so bisect to the second.
    """
    before_gap = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = int(before_gap.timestamp()), int(after_gap.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)
