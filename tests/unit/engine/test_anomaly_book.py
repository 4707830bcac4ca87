"""Acknowledging anomalies: the desk's open list, who may take an anomaly off it, and that the list survives a
restart from the log alone and from a snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.engine.anomaly_book import AnomalyBook
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.events import (
    ActionRefused,
    AnomaliesAcknowledged,
    AnomalyAcknowledged,
    AnomalyKind,
    AnomalyRecorded,
)
from app.engine.ids import OrderId, UserId
from app.engine.order_timeline import order_timeline
from app.engine.roles import Action
from app.engine.serialization import from_json, to_json
from tests.support.engine_kit import OTHER_TRADER, PM, SUPERVISOR, TRADER, VIEWER, open_engine, spec
from tests.support.reports import VenueOrder


def _late_fill(engine: Engine, trader: UserId = TRADER) -> None:
    """An order filled, then filled again: a late fill and an overfill about it."""
    order_id = engine.submit(SubmitOrder(spec(trader=trader), trader)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    engine.apply_venue_messages([venue.ack(), venue.fill(100)])
    venue.qty += 10
    engine.apply_venue_messages([venue.fill(10)])


def _desk(path: Path) -> Engine:
    """Late fills on two of trader1's orders (anomalies 1 to 4), then an execution for an order we never sent (5)."""
    engine, _ = open_engine(path)
    _late_fill(engine)
    _late_fill(engine)
    engine.apply_venue_messages([VenueOrder("NOT-OURS-1", 50).fill(5)])
    return engine


def _state(engine: Engine) -> tuple[int, dict[int, tuple[str, AnomalyKind]]]:
    book = engine.book.anomalies
    return book.recorded, {n: (a.order_id or "-", a.kind) for n, a in book.open.items()}


def test_anomalies_are_numbered_and_open_until_acknowledged_and_the_acknowledgement_is_audited(tmp_path: Path) -> None:
    engine = _desk(tmp_path / "desk.db")
    recorded, open_ = _state(engine)
    assert recorded == 5
    late, over, unknown = AnomalyKind.LATE_FILL, AnomalyKind.OVERFILL, AnomalyKind.UNKNOWN_ORDER
    assert [kind for _order, kind in open_.values()] == [late, over, late, over, unknown]

    result = engine.acknowledge_anomalies([2, 1], TRADER, " looked at the venue's fills ")
    assert result.accepted, result.message
    assert result.message == "2 anomalies acknowledged."
    assert list(engine.book.anomalies.open) == [3, 4, 5]
    last = list(engine.store.read())[-1]
    assert (last.kind, last.user) == ("AnomalyAcknowledged", TRADER)
    assert '"looked at the venue\'s fills"' in last.data
    order_id = engine.book.anomalies.open[3].order_id
    assert order_id is not None
    assert engine.acknowledge_anomalies([3, 3], TRADER).message == "1 anomaly acknowledged."
    said = [entry.what for entry in order_timeline(engine.store, order_id)]
    assert "Anomaly 3 acknowledged" in said
    assert list(engine.book.anomalies.open) == [4, 5]


def test_who_may_acknowledge_what(tmp_path: Path) -> None:
    engine = _desk(tmp_path / "desk.db")
    _late_fill(engine, trader=OTHER_TRADER)  # anomalies 6 and 7, on the other desk's order
    refusals = {
        VIEWER: ([1], "a viewer cannot acknowledge anomalies"),
        OTHER_TRADER: ([1], "belongs to desk EQ1"),
        PM: ([1], "may act only on their own orders"),
        TRADER: ([5], "about no order of ours; a supervisor may"),
    }
    for user, (numbers, words) in refusals.items():
        result = engine.acknowledge_anomalies(numbers, user)
        assert not result.accepted
        assert words in result.message
        last = list(engine.store.read())[-1]
        assert (last.kind, last.user) == ("ActionRefused", user)
        assert from_json(ActionRefused, last.data).action is Action.ACKNOWLEDGE_ANOMALY
    assert not engine.acknowledge_anomalies([1, 6], TRADER).accepted  # all or none
    assert list(engine.book.anomalies.open) == [1, 2, 3, 4, 5, 6, 7]

    assert engine.acknowledge_anomalies([6, 7], OTHER_TRADER).accepted
    assert engine.acknowledge_anomalies([5, 1], SUPERVISOR).accepted
    assert list(engine.book.anomalies.open) == [2, 3, 4]


def test_an_anomaly_acknowledged_twice_or_never_recorded_is_refused_in_words(tmp_path: Path) -> None:
    engine = _desk(tmp_path / "desk.db")
    assert engine.acknowledge_anomalies([1], TRADER).accepted
    assert (
        engine.acknowledge_anomalies([1], TRADER).message == "Anomaly 1 is already acknowledged; nothing was changed."
    )
    assert "There is no anomaly 9 (the desk has recorded 5)" in engine.acknowledge_anomalies([9], TRADER).message
    assert "none was chosen" in engine.acknowledge_anomalies([], TRADER).message
    assert list(engine.book.anomalies.open) == [2, 3, 4, 5]


def test_the_open_list_survives_a_restart_from_the_log_alone_and_from_a_snapshot(tmp_path: Path) -> None:
    engine = _desk(tmp_path / "desk.db")
    assert engine.acknowledge_anomalies([2], TRADER).accepted
    before = _state(engine)
    engine.close()
    replayed, _ = open_engine(tmp_path / "desk.db")  # no snapshot yet: the log alone
    assert _state(replayed) == before
    replayed.snapshot()
    replayed.close()
    restored, _ = open_engine(tmp_path / "desk.db")
    assert restored.store.latest_snapshot() is not None
    assert _state(restored) == before
    restored.apply_venue_messages([VenueOrder("NOT-OURS-2", 50).fill(5)])
    assert list(restored.book.anomalies.open) == [1, 3, 4, 5, 6]  # numbering carries on after the snapshot
    restored.close()

    fresh = AnomalyBook()
    fresh.load_rows(engine.book.anomalies.rows())
    assert (fresh.recorded, fresh.open) == (engine.book.anomalies.recorded, engine.book.anomalies.open)


def test_the_acknowledgement_round_trips_through_the_log_format() -> None:
    for event in (AnomalyAcknowledged(3, "checked with the venue", OrderId("O-1")), AnomalyAcknowledged(4)):
        assert from_json(AnomalyAcknowledged, to_json(event)) == event


def _kinds_and_orders(engine: Engine) -> tuple[dict[AnomalyKind, int], dict[str, int]]:
    book = engine.book.anomalies
    about = {order_id: book.about(order_id)[0] for order_id in engine.ledger.orders}
    return dict(book.kinds), {order_id: n for order_id, n in about.items() if n}


def test_a_supervisor_acknowledges_a_whole_kind_up_to_what_they_saw_in_one_audited_event(tmp_path: Path) -> None:
    engine = _desk(tmp_path / "desk.db")  # 1 late, 2 over, 3 late, 4 over, 5 unknown
    late = AnomalyKind.LATE_FILL
    assert engine.book.anomalies.kinds == {late: 2, AnomalyKind.OVERFILL: 2, AnomalyKind.UNKNOWN_ORDER: 1}
    first = engine.book.anomalies.open[1].order_id
    assert first is not None
    assert engine.book.anomalies.about(first)[0] == 2

    refused = engine.acknowledge_anomaly_kind(late, 5, TRADER)
    assert not refused.accepted
    assert "a supervisor may" in refused.message
    assert list(engine.book.anomalies.open) == [1, 2, 3, 4, 5]

    _late_fill(engine)  # 6 late, 7 over: recorded after the supervisor looked (at number 5)
    result = engine.acknowledge_anomaly_kind(late, 5, SUPERVISOR, " venue bug, ticket 42 ")
    assert result.accepted, result.message
    assert result.message == "2 anomalies (late fill) acknowledged."
    assert list(engine.book.anomalies.open) == [2, 4, 5, 6, 7]  # the late fill recorded after stays open
    assert engine.book.anomalies.kinds[late] == 1
    assert engine.book.anomalies.about(first) == (1, engine.book.anomalies.open[2])
    last = list(engine.store.read())[-1]
    assert (last.kind, last.user) == ("AnomaliesAcknowledged", SUPERVISOR)
    assert from_json(AnomaliesAcknowledged, last.data) == AnomaliesAcknowledged(late, 5, 2, "venue bug, ticket 42")
    again = engine.acknowledge_anomaly_kind(late, 5, SUPERVISOR)
    assert (again.accepted, again.message) == (False, "No late fill anomaly up to number 5 is open; nothing changed.")

    before = (_state(engine), _kinds_and_orders(engine))
    engine.close()
    replayed, _ = open_engine(tmp_path / "desk.db")  # the log alone
    assert (_state(replayed), _kinds_and_orders(replayed)) == before
    replayed.snapshot()
    replayed.close()
    restored, _ = open_engine(tmp_path / "desk.db")
    assert restored.store.latest_snapshot() is not None
    assert (_state(restored), _kinds_and_orders(restored)) == before
    restored.close()


def test_a_flood_of_anomalies_keeps_exact_counts_by_kind_and_by_order() -> None:
    book, at = AnomalyBook(), datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    kinds = (AnomalyKind.UNKNOWN_ORDER, AnomalyKind.LATE_FILL, AnomalyKind.OVERFILL)
    for n in range(20_000):
        order_id = None if n % 3 == 0 else OrderId(f"O-{n % 7}")
        book.apply(AnomalyRecorded(kinds[n % 3], f"report {n}", order_id), at)
    assert len(book.open) == book.recorded == 20_000
    assert sum(book.kinds.values()) == 20_000
    assert sum(book.about(OrderId(f"O-{k}"))[0] for k in range(7)) == 20_000 - book.kinds[AnomalyKind.UNKNOWN_ORDER]

    book.apply(AnomaliesAcknowledged(AnomalyKind.LATE_FILL, 10_000, 3_333), at)
    book.apply(AnomalyAcknowledged(19_999), at)  # the last one (number 19_999 is n=19_998: unknown order)
    assert book.kinds[AnomalyKind.LATE_FILL] == 6_667 - 3_333
    assert len(book.open) == 20_000 - 3_333 - 1
    newest = {k: book.about(OrderId(f"O-{k}"))[1] for k in range(7)}
    for anomaly in newest.values():
        assert anomaly is not None
        later = [a for a in book.open.values() if a.order_id == anomaly.order_id and a.number > anomaly.number]
        assert not later
    fresh = AnomalyBook()
    fresh.load_rows(book.rows())
    assert (fresh.kinds, {k: fresh.about(OrderId(f"O-{k}")) for k in range(7)}) == (
        book.kinds,
        {k: book.about(OrderId(f"O-{k}")) for k in range(7)},
    )


def test_the_acknowledgement_of_a_kind_round_trips_through_the_log_format() -> None:
    event = AnomaliesAcknowledged(AnomalyKind.OVERFILL, 120, 37, "venue bug")
    assert from_json(AnomaliesAcknowledged, to_json(event)) == event
