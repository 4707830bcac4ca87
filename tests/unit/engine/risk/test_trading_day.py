"""The trading day: which day an instant is in, when that day ends, and the roll as a limit's text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.risk.trading_day import DayRoll, day_roll

NEW_YORK = day_roll("17:00 America/New_York")


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_new_york_roll_puts_the_evening_in_the_next_trading_day() -> None:
    assert NEW_YORK.trading_day(_utc(2026, 1, 5, 21, 59)) == date(2026, 1, 5)  # 16:59 in New York
    assert NEW_YORK.trading_day(_utc(2026, 1, 5, 22, 0)) == date(2026, 1, 6)  # 17:00: Tuesday's day
    assert NEW_YORK.ends(_utc(2026, 1, 5, 15, 0)) == _utc(2026, 1, 5, 22, 0)
    assert NEW_YORK.begins(_utc(2026, 1, 5, 15, 0)) == _utc(2026, 1, 4, 22, 0)
    assert NEW_YORK.begins(_utc(2026, 1, 5, 22, 0)) == _utc(2026, 1, 5, 22, 0)


def test_the_roll_follows_daylight_saving_time() -> None:
    assert NEW_YORK.ends(_utc(2026, 7, 6, 15, 0)) == _utc(2026, 7, 6, 21, 0)  # EDT: 17:00 is 21:00 UTC


def test_a_midnight_roll_keeps_the_calendar_date() -> None:
    utc = day_roll("00:00 UTC")
    assert utc.trading_day(_utc(2026, 1, 5, 23, 59)) == date(2026, 1, 5)
    assert utc.trading_day(_utc(2026, 1, 6, 0, 0)) == date(2026, 1, 6)
    assert utc.ends(_utc(2026, 1, 5, 23, 59)) == _utc(2026, 1, 6, 0, 0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("17:00", "write it like"),
        ("25:00 UTC", "HH:MM"),
        ("17:00 Mars/Olympus", "Mars/Olympus"),
    ],
)
def test_a_bad_roll_says_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        day_roll(text)


ROLLS = st.sampled_from(
    [NEW_YORK, day_roll("00:00 UTC"), day_roll("06:30 Asia/Tokyo"), day_roll("23:15 Europe/London")]
)
INSTANTS = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))  # noqa: DTZ001 - bounds are naive


@given(ROLLS, INSTANTS)
def test_an_instant_is_in_the_day_that_ends_at_the_next_roll(roll: DayRoll, ts: datetime) -> None:
    end = roll.ends(ts)
    assert ts < end <= ts + timedelta(hours=25)
    assert roll.trading_day(end - timedelta(microseconds=1)) == roll.trading_day(ts)
    assert roll.trading_day(end) != roll.trading_day(ts)


@given(ROLLS, INSTANTS)
def test_an_instant_is_in_the_day_that_began_at_the_last_roll(roll: DayRoll, ts: datetime) -> None:
    began = roll.begins(ts)
    assert ts - timedelta(hours=25) <= began <= ts
    assert roll.trading_day(began) == roll.trading_day(ts)
    assert roll.trading_day(began - timedelta(microseconds=1)) != roll.trading_day(ts)
