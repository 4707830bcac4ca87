"""A venue keeping hours: orders only from the open to the close of a trading day, refused outside with when it
opens next; DAY orders expire at the close, GTC orders survive it; a non-stop venue takes orders at any hour."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.clock import FakeClock
from app.venue.hours import TradingCalendar
from app.venue.market_maker import QuoteShape
from app.venue.profiles import NEW_YORK, SIMA, VenueProfile, with_exchange_hours
from app.venue.simulator import SimulatedVenue
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import QUIET, Client, venue

HOURS = with_exchange_hours(QUIET)
"""The quiet test venue keeping New York exchange hours, 09:30 to 16:00."""
CALENDAR = TradingCalendar(time(16, 0), NEW_YORK, frozenset({date(2026, 1, 19)}), open=time(9, 30))
MONDAY_EARLY = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
"""08:00 in New York, Monday 5 January 2026 (UTC-5): before the open."""
MONDAY_OPEN = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
FRIDAY_CLOSE = datetime(2026, 1, 9, 21, 0, tzinfo=UTC)
"""16:00 in New York, Friday 9 January."""


def _trader(now: datetime, profile: VenueProfile = HOURS) -> Client:
    return Client(venue(profile, FakeClock(now)), "C1")


@pytest.mark.parametrize(
    ("now", "opens"),
    [
        (MONDAY_EARLY, "Mon 2026-01-05 09:30"),
        (FRIDAY_CLOSE, "Mon 2026-01-12 09:30"),  # the close itself is after hours
        (datetime(2026, 1, 17, 3, 0, tzinfo=UTC), "Tue 2026-01-20 09:30"),  # a Saturday, then a holiday Monday
        (datetime(2026, 3, 9, 13, 0, tzinfo=UTC), "Mon 2026-03-09 09:30"),  # 09:00 EDT the day after the change
    ],
)
def test_outside_hours_a_new_order_is_refused_saying_when_the_market_opens(now: datetime, opens: str) -> None:
    trader = _trader(now, with_exchange_hours(QUIET))
    [refused] = trader.mine(trader.new("a1", "1", "10", "99.00"))
    assert (refused[150], refused[39], refused[103]) == ("8", "8", "2")  # OrdRejReason 2: exchange closed
    if "01-20" in opens:
        assert CALENDAR.closed_words(now) == f"market closed: opens {opens} America/New_York"
    else:
        assert refused[58] == f"market closed: opens {opens} America/New_York"


def test_in_hours_orders_are_taken_and_after_the_close_day_orders_expire_gtc_stay_and_none_are_taken() -> None:
    clock = FakeClock(FRIDAY_CLOSE - timedelta(minutes=5))
    sim = SimulatedVenue(HOURS, [session_config("SIMA", "OEMS", "SIMA")], clock)
    trader = Client(sim.app, "SIMA")
    day, gtc = (
        trader.mine(trader.new("day", "1", "10", "99.00")),
        trader.mine(trader.new("gtc", "1", "10", "98.00", tif="1")),
    )
    assert [day[0][150], gtc[0][150]] == ["0", "0"]
    clock.advance(300)
    sim.tick()
    book = sim.app.engine.book("ACME")
    assert book is not None
    assert book.depth(5)[0] == [(98, 10)]  # DAY expired at the close; GTC works on
    [refused] = trader.mine(trader.new("late", "1", "10", "99.00", tif="1"))
    assert refused[58] == "market closed: opens Mon 2026-01-12 09:30 America/New_York"
    [no_replace] = trader.mine(trader.replace("gtc2", "gtc", "20", "98.00"))
    assert (no_replace.msg_type, no_replace[102], no_replace[58]) == ("9", "2", refused[58])
    [canceled] = trader.mine(trader.cancel("gtcx", "gtc"))
    assert canceled[150] == "4"  # cancels work at any hour


def test_a_non_stop_venue_takes_orders_on_a_sunday_night() -> None:
    trader = _trader(datetime(2026, 1, 11, 3, 0, tzinfo=UTC), QUIET)
    [ack] = trader.mine(trader.new("a1", "1", "10", "99.00"))
    assert ack[150] == "0"
    assert SIMA.open is None  # the shipped venues are non-stop, so the demo trades at any hour


def test_market_makers_stand_still_outside_hours() -> None:
    clock = FakeClock(MONDAY_EARLY)
    app = venue(dataclasses.replace(HOURS, liquidity=QuoteShape(levels=1)), clock)
    book, maker = app.engine.book("ACME"), app.makers[0]
    assert book is not None

    def quotes() -> set[str]:
        return {state.cl_ord_id for state in book.open_orders(maker.owner)}

    before = quotes()
    app.step_market()
    assert quotes() == before
    clock.advance((MONDAY_OPEN - MONDAY_EARLY).total_seconds())
    app.step_market()
    assert not quotes() & before  # requoted at the open


INSTANTS = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 1), timezones=st.just(UTC))  # noqa: DTZ001 - bounds are naive


@given(INSTANTS)
def test_the_market_is_open_exactly_between_a_trading_days_open_and_close(now: datetime) -> None:
    local = now.astimezone(NEW_YORK)
    expected = CALENDAR.is_trading_day(local.date()) and time(9, 30) <= local.time() < time(16, 0)
    assert CALENDAR.is_open(now) is expected
    opens = CALENDAR.next_open(now)
    assert opens is not None
    assert opens >= now
    assert CALENDAR.is_open(opens)
    assert (CALENDAR.closed_words(now) is None) is expected
