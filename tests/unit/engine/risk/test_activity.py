"""Recent activity in the snapshot: compact rows that bring back the same counts and duplicate checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.engine.enums import Side
from app.engine.ids import UserId
from app.engine.risk.activity import RecentActivity
from tests.support.engine_kit import spec

NOW = datetime(2026, 3, 2, 15, tzinfo=UTC)


def _busy() -> RecentActivity:
    """A burst: 300 orders from two traders over three seconds, on ten different terms, and some cancels."""
    activity = RecentActivity()
    for n in range(300):
        ts = NOW + timedelta(seconds=n // 100)
        trader = UserId("trader1" if n % 3 else "trader2")
        activity.order_sent(spec(trader=trader, side=Side.BUY, limit_px=Decimal(10 + n % 10)), ts)
        if n % 7 == 0:
            activity.message_sent(trader, ts)
    return activity


def _checks(activity: RecentActivity) -> list[object]:
    since = NOW + timedelta(milliseconds=500)
    counts = [
        activity.count(trader, orders=orders, since=since, cap=1_000)
        for trader in ("trader1", "trader2")
        for orders in (True, False)
    ]
    sent = [activity.last_sent(spec(side=Side.BUY, limit_px=Decimal(px))) for px in range(8, 22)]
    return [counts, sent]


def test_the_rows_are_few_and_bring_back_the_same_counts_and_last_times() -> None:
    activity = _busy()
    rows = activity.rows()
    assert len(rows) <= 3 * 2 * 2 + 10  # a row per trader, kind and time; one per terms
    restored = RecentActivity()
    restored.load_rows(rows)
    assert _checks(restored) == _checks(activity)
    assert restored.rows() == rows
    later = NOW + timedelta(seconds=90)  # the kept minute moves on alike
    for kept in (activity, restored):
        kept.order_sent(spec(side=Side.SELL), later)
    assert _checks(restored) == _checks(activity)
    assert restored.rows() == activity.rows()


def test_rows_of_an_older_snapshot_one_time_each_still_load() -> None:
    activity = _busy()
    older = [
        (kind, trader, ts.isoformat())
        for kind, by_trader in (("order", activity.orders), ("message", activity.messages))
        for trader, times in by_trader.items()
        for ts in times
    ] + [row for row in activity.rows() if row[0] == "terms"]
    restored = RecentActivity()
    restored.load_rows(older)
    assert _checks(restored) == _checks(activity)


def test_rows_written_again_as_the_minute_moves_on_equal_rows_written_afresh() -> None:
    written, fresh = _busy(), _busy()
    written.rows()  # keeps its times' text for the next snapshot
    for n in range(50):
        ts = NOW + timedelta(seconds=61 + n / 10)  # the first second of the burst leaves the kept minute
        for kept in (written, fresh):
            kept.order_sent(spec(side=Side.SELL, limit_px=Decimal(n % 4 + 1)), ts)
            kept.message_sent(UserId("trader2"), ts)
    assert written.rows() == fresh.rows()
    assert written.rows() == fresh.rows()
