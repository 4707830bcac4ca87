"""The venue's close on its own clock: DAY orders expire (150=C), GTC orders survive, every day, DST or not."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from app.engine.clock import FakeClock
from app.engine.fix import parse_message
from app.engine.fix.tags import MsgType
from app.venue.hours import next_close
from app.venue.profiles import NEW_YORK
from app.venue.simulator import SimulatedVenue
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import QUIET, Client

OPEN = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
"""09:30 in New York, a Monday in winter (UTC-5)."""


def test_the_next_close_is_today_until_it_has_passed_then_tomorrow() -> None:
    four = time(16, 0)
    assert next_close(four, NEW_YORK, OPEN) == datetime(2026, 1, 5, 21, 0, tzinfo=UTC)
    assert next_close(four, NEW_YORK, datetime(2026, 1, 5, 21, 0, tzinfo=UTC)) == datetime(
        2026, 1, 6, 21, 0, tzinfo=UTC
    )


def test_the_close_keeps_its_local_time_across_daylight_saving() -> None:
    before_spring = datetime(2026, 3, 7, 22, 0, tzinfo=UTC)  # Saturday evening, still UTC-5
    assert next_close(time(16, 0), NEW_YORK, before_spring) == datetime(2026, 3, 8, 20, 0, tzinfo=UTC)  # now UTC-4


def test_at_the_close_day_orders_expire_and_gtc_orders_stay() -> None:
    clock = FakeClock(OPEN)
    venue = SimulatedVenue(QUIET, [session_config("SIMA", "OEMS", "SIMA")], clock)
    desk = Client(venue.app, "SIMA")
    desk.new("day", "1", "10", "99.00")
    desk.new("gtc", "1", "10", "98.00", tif="1")
    assert venue.next_close == datetime(2026, 1, 5, 21, 0, tzinfo=UTC)
    clock.advance((venue.next_close - OPEN - timedelta(seconds=1)).total_seconds())
    venue.tick()
    assert _reports(venue) == []
    clock.advance(1)
    venue.tick()
    assert _reports(venue) == [("day", "C", "C", "DAY order expired at the close")]
    assert venue.next_close == datetime(2026, 1, 6, 21, 0, tzinfo=UTC)
    clock.advance(24 * 3600)
    venue.tick()
    assert len(_reports(venue)) == 1  # the GTC order works on


def _reports(venue: SimulatedVenue) -> list[tuple[str | None, ...]]:
    """What the venue has sent its session (stored, as nothing is connected): ClOrdID, 150, 39, 58."""
    served = venue.served["SIMA"]
    sent = [parse_message(raw) for _, raw in served.store.outbound_messages(served.session.record.key, 1, None)]
    return [(m.get(11), m.get(150), m.get(39), m.get(58)) for m in sent if m.msg_type == MsgType.EXECUTION_REPORT]
