"""Session schedules: open and closed, across midnight, over weekends and through daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.fix.schedule import ALWAYS_OPEN_SINCE, SessionSchedule

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def local(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return local(ZoneInfo("UTC"), year, month, day, hour, minute, second).astimezone(UTC)


FX_WEEK = SessionSchedule(time(17), time(16), NEW_YORK, weekdays_only=True)
"""17:00 to 16:00 New York, Sunday evening to Friday afternoon."""


def test_non_stop_is_always_open_and_never_resets() -> None:
    schedule = SessionSchedule()
    now = utc(2026, 1, 10, 3, 0)  # a Saturday night
    assert schedule.non_stop
    assert schedule.is_open(now)
    assert schedule.session_start(now) == ALWAYS_OPEN_SINCE
    assert schedule.next_open(now) == now
    assert schedule.closes_at(now) is None


def test_same_day_session_opens_at_start_and_closes_at_end() -> None:
    schedule = SessionSchedule(time(8), time(16, 30), LONDON)
    start, end = local(LONDON, 2026, 1, 7, 8), local(LONDON, 2026, 1, 7, 16, 30)
    assert not schedule.is_open(start - timedelta(seconds=1))
    assert schedule.is_open(start)
    assert schedule.is_open(end - timedelta(seconds=1))
    assert not schedule.is_open(end)
    assert schedule.next_open(start - timedelta(seconds=1)) == start
    assert schedule.closes_at(start) == end
    assert schedule.session_start(end) == start  # closed now: the last session's start
    assert schedule.next_open(end) == start + timedelta(days=1)


def test_session_across_midnight_belongs_to_the_evening_it_started() -> None:
    schedule = SessionSchedule(time(17), time(16), NEW_YORK)
    overnight = local(NEW_YORK, 2026, 1, 7, 3, 0)
    assert schedule.is_open(overnight)
    assert schedule.session_start(overnight) == local(NEW_YORK, 2026, 1, 6, 17)
    assert schedule.closes_at(overnight) == local(NEW_YORK, 2026, 1, 7, 16)
    break_hour = local(NEW_YORK, 2026, 1, 7, 16, 30)
    assert not schedule.is_open(break_hour)
    assert schedule.next_open(break_hour) == local(NEW_YORK, 2026, 1, 7, 17)
    assert schedule.closes_at(break_hour) == local(NEW_YORK, 2026, 1, 8, 16)


def test_weekdays_only_week_runs_sunday_evening_to_friday_afternoon() -> None:
    friday_close = local(NEW_YORK, 2026, 1, 9, 16)
    saturday = local(NEW_YORK, 2026, 1, 10, 12)
    sunday_open = local(NEW_YORK, 2026, 1, 11, 17)
    assert FX_WEEK.is_open(friday_close - timedelta(seconds=1))
    for closed in (friday_close, saturday, local(NEW_YORK, 2026, 1, 9, 17), sunday_open - timedelta(seconds=1)):
        assert not FX_WEEK.is_open(closed)
        assert FX_WEEK.next_open(closed) == sunday_open
        assert FX_WEEK.session_start(closed) == local(NEW_YORK, 2026, 1, 8, 17)
    assert FX_WEEK.is_open(sunday_open)
    assert FX_WEEK.closes_at(saturday) == local(NEW_YORK, 2026, 1, 12, 16)


def test_weekdays_only_day_session_skips_the_weekend() -> None:
    schedule = SessionSchedule(time(8), time(17), LONDON, weekdays_only=True)
    saturday = local(LONDON, 2026, 1, 10, 10)
    assert not schedule.is_open(saturday)
    assert schedule.next_open(saturday) == local(LONDON, 2026, 1, 12, 8)
    assert schedule.session_start(saturday) == local(LONDON, 2026, 1, 9, 8)


def test_new_york_spring_forward_keeps_wall_clock_hours() -> None:
    day = SessionSchedule(time(9, 30), time(16), NEW_YORK, weekdays_only=True)
    assert day.next_open(utc(2026, 3, 6, 12)) == utc(2026, 3, 6, 14, 30)  # EST, UTC-5
    assert day.next_open(utc(2026, 3, 7, 12)) == utc(2026, 3, 9, 13, 30)  # EDT, UTC-4, after 8 March
    assert FX_WEEK.next_open(utc(2026, 3, 7, 12)) == utc(2026, 3, 8, 21)
    assert FX_WEEK.closes_at(utc(2026, 3, 7, 12)) == utc(2026, 3, 9, 20)


def test_session_spanning_the_switch_is_an_hour_shorter() -> None:
    schedule = SessionSchedule(time(17), time(16), NEW_YORK)
    night_of_switch = utc(2026, 3, 8, 5)
    assert schedule.session_start(night_of_switch) == utc(2026, 3, 7, 22)  # 17:00 EST
    assert schedule.closes_at(night_of_switch) == utc(2026, 3, 8, 20)  # 16:00 EDT: 22 hours later


def test_start_time_skipped_by_the_clocks_opens_when_they_jump() -> None:
    london = SessionSchedule(time(1, 30), time(12), LONDON)  # 01:00 GMT jumps to 02:00 BST on 29 March 2026
    assert london.session_start(utc(2026, 3, 29, 5)) == utc(2026, 3, 29, 1)
    assert not london.is_open(utc(2026, 3, 29, 0, 59, 59))
    new_york = SessionSchedule(time(2, 30), time(4), NEW_YORK)  # 02:00 EST jumps to 03:00 EDT on 8 March
    assert new_york.next_open(utc(2026, 3, 8, 6)) == utc(2026, 3, 8, 7)


def test_london_fall_back_keeps_wall_clock_hours_and_takes_the_first_repeated_hour() -> None:
    day = SessionSchedule(time(8), time(16, 30), LONDON)
    assert day.next_open(utc(2026, 10, 23, 0)) == utc(2026, 10, 23, 7)  # BST, UTC+1
    assert day.next_open(utc(2026, 10, 26, 0)) == utc(2026, 10, 26, 8)  # GMT after 25 October
    early = SessionSchedule(time(1, 30), time(6), LONDON)  # 01:30 happens twice on 25 October 2026
    assert early.session_start(utc(2026, 10, 25, 4)) == utc(2026, 10, 25, 0, 30)
    assert early.closes_at(utc(2026, 10, 25, 4)) == utc(2026, 10, 25, 6)


def test_daily_reset_is_due_once_per_session() -> None:
    schedule = SessionSchedule(time(17), time(16), NEW_YORK)
    last_logon = local(NEW_YORK, 2026, 1, 6, 18)
    assert not last_logon < schedule.session_start(local(NEW_YORK, 2026, 1, 7, 15))
    assert last_logon < schedule.session_start(local(NEW_YORK, 2026, 1, 7, 17))


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"start": time(8)}, "needs both a start and an end"),
        ({"start": time(8), "end": time(8)}, "cannot start and end at the same time (08:00:00)"),
        ({"weekdays_only": True}, "non-stop session cannot be limited to weekdays"),
        ({"start": time(8, tzinfo=UTC), "end": time(9)}, "wall-clock times"),
    ],
)
def test_inconsistent_schedule_is_refused(kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        SessionSchedule(**kwargs)  # type: ignore[arg-type]  # each case passes the right types


@pytest.mark.parametrize("schedule", [SessionSchedule(), FX_WEEK])
def test_naive_time_is_refused(schedule: SessionSchedule) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule.is_open(datetime(2026, 1, 5, 12))  # noqa: DTZ001  # the mistake under test


ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"]
wall_times = st.builds(time, st.integers(0, 23), st.integers(0, 59), st.sampled_from([0, 30]))
DST_SWITCHES = [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6), utc(2026, 3, 29, 1), utc(2026, 10, 25, 1), utc(2026, 4, 5, 0)]
"""New York, London and Sydney changing their clocks: where wall-clock schedules go wrong."""
instants = st.one_of(
    st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC)),  # noqa: DTZ001
    st.builds(
        lambda switch, seconds: switch + timedelta(seconds=seconds),
        st.sampled_from(DST_SWITCHES),
        st.integers(-3 * 86400, 3 * 86400),
    ),
)


@given(
    st.tuples(wall_times, wall_times).filter(lambda pair: pair[0] != pair[1]),
    st.sampled_from(ZONES).map(ZoneInfo),
    st.booleans(),
    instants,
)
def test_start_open_and_close_agree_at_any_instant(
    times: tuple[time, time], zone: ZoneInfo, weekdays_only: bool, now: datetime
) -> None:
    schedule = SessionSchedule(times[0], times[1], zone, weekdays_only)
    start, opens, closes = schedule.session_start(now), schedule.next_open(now), schedule.closes_at(now)
    assert closes is not None
    assert start <= now < closes
    assert schedule.is_open(start)
    assert schedule.is_open(opens)
    assert closes - opens <= timedelta(hours=25)
    if schedule.is_open(now):
        assert opens == now
        assert closes - start <= timedelta(hours=25)
        assert schedule.session_start(closes - timedelta(microseconds=1)) == start
    else:
        assert start < now < opens < closes
        assert schedule.session_start(opens) == opens
        assert not schedule.is_open(opens - timedelta(microseconds=1))
