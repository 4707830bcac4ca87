"""What the charts plot: bounded series appended per quote, P&L samples, latency per venue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.engine.ids import AccountId, ExecId, OrderId
from app.engine.positions import Positions
from app.engine.prices import PriceBook, Quote
from app.ui.chart_series import PnlHistory, PriceHistory

T0 = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def test_price_history_keeps_the_latest_marks_per_symbol_up_to_its_size() -> None:
    prices = PriceBook()
    history = PriceHistory(prices, size=3)
    for n in range(5):
        ts = T0 + timedelta(seconds=n)
        prices.update([Quote("ACME", Decimal(n), Decimal(n + 2), None, ts), Quote("BOLT", None, None, None, ts)])
    acme = history.by_symbol["ACME"]
    assert list(acme.ys) == [3.0, 4.0, 5.0]
    assert list(acme.xs) == [(T0 + timedelta(seconds=n)).timestamp() for n in (2, 3, 4)]
    assert "BOLT" not in history.by_symbol  # no price, no point
    assert history.changes == 5


def test_pnl_samples_realised_and_realised_plus_unrealised() -> None:
    positions = Positions()
    position = positions.get(AccountId("ACC1"), "ACME")
    position.add((OrderId("O"), ExecId("1")), Decimal(10), Decimal(100))
    position.add((OrderId("O"), ExecId("2")), Decimal(-5), Decimal(102))
    positions.set_mark("ACME", Decimal(101))
    history = PnlHistory()
    history.sample(positions, T0)
    assert (list(history.realised.ys), list(history.total.ys)) == ([10.0], [15.0])
