"""Reading the day's executions and session alerts (and the newest anomalies of any day) back from the log,
window by window, up to a fixed seq."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.engine import history
from app.engine.commands import SubmitOrder
from app.engine.events import ExecutionApplied, SessionAlertRaised
from app.engine.fix.alerts import AlertKind, AlertLevel
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder


def test_executions_and_alerts_of_the_day_up_to_a_fixed_seq(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "WINDOW", 3)  # many windows over a short log
    engine, _ = open_engine(tmp_path / "s.db")
    clock = engine.clock
    yesterday = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert yesterday is not None
    engine.apply_venue_messages([VenueOrder(yesterday, 100).fill(10)])
    clock.advance(24 * 3600)  # type: ignore[attr-defined]
    today_start = clock.now() - timedelta(hours=1)
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    alerts = [SessionAlertRaised("SIMA", AlertKind.GAP, AlertLevel.WARNING, f"gap {n}") for n in range(4)]
    engine.apply_venue_messages([venue.ack(), venue.fill(30)], notes=alerts[:2])
    engine.apply_venue_messages([venue.fill(20)], notes=alerts[2:])
    fixed = engine.store.last_seq
    engine.apply_venue_messages([venue.fill(50)])  # after the view subscribed: it arrives live, not here

    fills = history.executions_since(engine.store, today_start, fixed)
    assert [r.event.last_qty for r in fills if isinstance(r.event, ExecutionApplied)] == [30, 20]
    newest = history.session_alerts_since(engine.store, today_start, fixed, limit=3)
    assert [r.event.text for r in newest if isinstance(r.event, SessionAlertRaised)] == ["gap 1", "gap 2", "gap 3"]
    assert history.first_seq_since(engine.store, clock.now() + timedelta(1), fixed) == fixed + 1
    engine.close()
