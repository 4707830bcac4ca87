"""When a simulated venue closes: a wall-clock time in its time zone, every day, DST-safe.

At the close DAY orders expire (GTC and GTD orders stay); the simulator asks ``next_close`` on its injected
clock and calls ``VenueApplication.close_session`` when that moment has come.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_close(close: time, zone: ZoneInfo, now: datetime) -> datetime:
    """The first close strictly after ``now`` (aware), in UTC: today's local ``close`` in ``zone``, or tomorrow's."""
    if now.tzinfo is None:
        raise ValueError("next_close needs an aware time from the injected clock")
    day = now.astimezone(zone).date()
    today = datetime.combine(day, close, tzinfo=zone).astimezone(UTC)
    return today if today > now else datetime.combine(day + timedelta(days=1), close, tzinfo=zone).astimezone(UTC)
