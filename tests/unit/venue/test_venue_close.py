"""The venue's close on its own clock: DAY orders expire (150=C) at the next trading day's close, GTC orders
survive, weekends and holidays have no close, GTD orders by date expire at the close of the last trading day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from app.engine.clock import FakeClock
from app.engine.fix import parse_message
from app.engine.fix.tags import MsgType
from app.venue.hours import TradingCalendar
from app.venue.profiles import NEW_YORK, US_HOLIDAYS
from app.venue.simulator import SimulatedVenue
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import QUIET, Client

OPEN = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
"""09:30 in New York, a Monday in winter (UTC-5)."""
FRIDAY_EVENING = datetime(2026, 1, 9, 22, 0, tzinfo=UTC)
"""17:00 in New York on Friday 9 January, after the close."""
CALENDAR = TradingCalendar(time(16, 0), NEW_YORK, frozenset({date(2026, 1, 19)}))
"""The venues' calendar with one holiday: Monday 19 January 2026 (Martin Luther King Jr. Day)."""


def _close(day: int, month: int = 1) -> datetime:
    """16:00 in New York on that day of 2026, in winter (UTC-5)."""
    return datetime(2026, month, day, 21, 0, tzinfo=UTC)


def test_the_next_close_is_today_until_it_has_passed_then_the_next_trading_day() -> None:
    assert CALENDAR.next_close(OPEN) == _close(5)
    assert CALENDAR.next_close(_close(5)) == _close(6)


def test_after_fridays_close_and_over_the_weekend_the_next_close_is_mondays() -> None:
    assert CALENDAR.next_close(FRIDAY_EVENING) == _close(12)
    assert CALENDAR.next_close(datetime(2026, 1, 10, 15, 0, tzinfo=UTC)) == _close(12)  # Saturday
    assert CALENDAR.next_close(datetime(2026, 1, 11, 23, 0, tzinfo=UTC)) == _close(12)  # Sunday evening


def test_a_holiday_has_no_close() -> None:
    assert not CALENDAR.is_trading_day(date(2026, 1, 19))
    assert CALENDAR.next_close(_close(16)) == _close(20)  # Friday's close, then Monday is the holiday


def test_the_close_keeps_its_local_time_across_daylight_saving() -> None:
    before_spring = datetime(2026, 3, 6, 22, 0, tzinfo=UTC)  # Friday evening, still UTC-5
    assert CALENDAR.next_close(before_spring) == datetime(2026, 3, 9, 20, 0, tzinfo=UTC)  # Monday, now UTC-4


def test_an_order_good_through_a_date_expires_at_the_close_of_the_last_trading_day_through_it() -> None:
    assert CALENDAR.good_through(date(2026, 1, 8)) == _close(8)
    assert CALENDAR.good_through(date(2026, 1, 11)) == _close(9)  # a Sunday: Friday's close
    assert CALENDAR.good_through(date(2026, 1, 19)) == _close(16)  # the holiday: the Friday before
    never = TradingCalendar(None, NEW_YORK)
    assert never.next_close(OPEN) is None
    assert never.good_through(date(2026, 1, 11)) == datetime(2026, 1, 12, 5, 0, tzinfo=UTC)  # midnight in New York


def test_the_default_venues_keep_the_new_york_exchange_holidays() -> None:
    assert {date(2026, 7, 3), date(2026, 11, 26), date(2026, 12, 25)} <= US_HOLIDAYS
    assert all(day.weekday() < 5 for day in US_HOLIDAYS)


def test_at_the_close_day_orders_expire_and_gtc_orders_stay() -> None:
    clock = FakeClock(OPEN)
    venue, desk = _venue(clock)
    desk.new("day", "1", "10", "99.00")
    desk.new("gtc", "1", "10", "98.00", tif="1")
    assert venue.next_close == _close(5)
    clock.advance((venue.next_close - OPEN - timedelta(seconds=1)).total_seconds())
    venue.tick()
    assert _reports(venue) == []
    clock.advance(1)
    venue.tick()
    assert _reports(venue) == [("day", "C", "C", "DAY order expired at the close")]
    assert venue.next_close == _close(6)
    clock.advance(24 * 3600)
    venue.tick()
    assert len(_reports(venue)) == 1  # the GTC order works on


def test_a_day_order_entered_after_fridays_close_or_on_saturday_works_until_mondays_close() -> None:
    clock = FakeClock(FRIDAY_EVENING)
    venue, desk = _venue(clock)
    desk.new("friday", "1", "10", "99.00")
    clock.advance(18 * 3600)  # Saturday 11:00 in New York
    desk.new("saturday", "1", "10", "98.00")
    _walk(venue, clock, until=_close(12) - timedelta(seconds=1))
    assert _reports(venue) == []  # no close on Saturday or Sunday
    _walk(venue, clock, until=_close(12))
    expired = "DAY order expired at the close"
    assert _reports(venue) == [("friday", "C", "C", expired), ("saturday", "C", "C", expired)]


def test_a_gtd_order_by_date_expires_at_the_venues_close_on_the_last_trading_day_through_it() -> None:
    clock = FakeClock(OPEN)
    venue, desk = _venue(clock)
    desk.new("gtd", "1", "10", "99.00", tif="6", extra=[(432, "20260110")])  # a Saturday
    _walk(venue, clock, until=_close(9) - timedelta(seconds=1))
    assert _reports(venue) == []
    _walk(venue, clock, until=_close(9))
    assert _reports(venue) == [("gtd", "C", "C", "GTD order reached its expiry time")]


def test_a_gtd_order_whose_date_has_already_closed_is_refused() -> None:
    _, desk = _venue(FakeClock(FRIDAY_EVENING))
    [reject] = desk.mine(desk.new("late", "1", "10", "99.00", tif="6", extra=[(432, "20260111")]))
    assert (reject.get(150), reject.get(39)) == ("8", "8")
    assert "has passed" in (reject.get(58) or "")


def _venue(clock: FakeClock) -> tuple[SimulatedVenue, Client]:
    venue = SimulatedVenue(QUIET, [session_config("SIMA", "OEMS", "SIMA")], clock)
    return venue, Client(venue.app, "SIMA")


def _walk(venue: SimulatedVenue, clock: FakeClock, until: datetime) -> None:
    """Tick the venue every hour of its clock up to ``until``, and at ``until``."""
    while clock.now() < until:
        clock.advance(min(3600.0, (until - clock.now()).total_seconds()))
        venue.tick()


def _reports(venue: SimulatedVenue) -> list[tuple[str | None, ...]]:
    """What the venue has sent its session (stored, as nothing is connected): ClOrdID, 150, 39, 58."""
    served = venue.served["SIMA"]
    sent = [parse_message(raw) for _, raw in served.store.outbound_messages(served.session.record.key, 1, None)]
    return [(m.get(11), m.get(150), m.get(39), m.get(58)) for m in sent if m.msg_type == MsgType.EXECUTION_REPORT]
