"""A snapshot brings back exactly the book it was taken of, holds nothing but plain values, and is taken in pieces."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import book_snapshots, recovery, snapshot
from app.engine.commands import SubmitOrder
from app.engine.enums import ExecType, OrderStatus
from app.engine.errors import StoreCorruptError
from app.engine.ids import AccountId, ClOrdId
from app.engine.projections import Projections
from app.engine.store import EventStore, Snapshot
from tests.support.engine_kit import TRADER, spec
from tests.support.reports import VenueOrder
from tests.unit.engine.order_desk import Desk


def _busy_desk(tmp_path: Path) -> Desk:
    """One order through an amend, a partial fill, a bust and a correction, plus an unknown-order report."""
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40", "replace", "replaced")
    first = desk.venue.fill(10, 11)
    second = desk.venue.fill(5, 12)
    desk.send(first, second, desk.venue.bust(first))
    desk.send(VenueOrder("NOT-OURS", 10).ack())
    desk.engine.positions.set_mark("AAPL", Decimal("10.25"))
    desk.steps("cancel")
    return desk


def state(book: Projections) -> tuple[object, ...]:
    """Everything a snapshot must bring back, as comparable values."""
    ledger, positions = book.ledger, book.positions
    return (
        ledger.orders,
        list(ledger.orders),  # the order the orders were made in
        ledger.by_cl_ord_id,
        ledger.ids_issued,
        ledger.orphan_anomalies,
        positions.by_key,
        {key: list(p.fills.items()) for key, p in positions.by_key.items()},  # the order fills arrived in
        positions.marks,
    )


def test_a_loaded_snapshot_equals_the_book_in_every_field(tmp_path: Path) -> None:
    desk = _busy_desk(tmp_path)
    book = desk.engine.book
    desk.engine.snapshot()
    loaded = snapshot.load(_latest(desk.engine.store))
    assert loaded is not None
    assert state(loaded.projections) == state(book)
    assert book.ledger.orphan_anomalies == 1
    assert any(fill.busted for order in book.ledger for fill in order.fills.values())


def test_a_loaded_book_keeps_working(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40")
    desk.engine.snapshot()
    desk.engine.reload()
    desk.steps("fill40")
    assert (desk.order.cum_qty, desk.order.tally_qty) == (Decimal(80), Decimal(80))


def test_a_snapshot_rewrites_only_the_segments_and_fills_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(book_snapshots, "SEGMENT_ORDERS", 2)
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40")
    engine = desk.engine
    others = [_order(desk, f"B{n}") for n in range(5)]  # segments: [desk, B0] [B1, B2] [B3, B4]
    engine.snapshot()
    first = _latest(engine.store)
    desk.send(others[2].fill(10))  # B2 changes (segment 1) and the position gains a fill
    engine.snapshot()
    second = _latest(engine.store)
    assert len(first.parts) == 4  # three segments and one block of fills
    assert len(set(second.parts) - set(first.parts)) == 2  # segment 1, and the block with the new fill
    assert len(set(second.parts) & set(first.parts)) == 2  # segments 0 and 2 are shared
    loaded = snapshot.load(second)
    assert loaded is not None
    assert state(loaded.projections) == state(engine.book)


@pytest.mark.parametrize("change", ["bust", "correct"])
def test_a_bust_or_a_correction_rewrites_the_positions_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    monkeypatch.setattr(book_snapshots, "FILL_BLOCK", 2)
    desk = Desk(tmp_path)
    desk.steps("ack")
    fills = [desk.venue.fill(10, 10 + n) for n in range(4)]
    desk.send(*fills)
    desk.engine.snapshot()
    venue = desk.venue
    if change == "bust":
        desk.send(venue.bust(fills[1]))
    else:  # same number of fills, one of them different
        correction = venue.report(ExecType.TRADE_CORRECT, OrderStatus.PARTIALLY_FILLED, last_qty=Decimal(10))
        desk.send(dataclasses.replace(correction, last_px=Decimal(99), ref_exec_id=fills[1].exec_id))
    desk.engine.snapshot()
    loaded = snapshot.load(_latest(desk.engine.store))
    assert loaded is not None
    assert state(loaded.projections) == state(desk.engine.book)
    prices = [px for _, px in desk.engine.positions.by_key[(AccountId("ACC1"), "AAPL")].fills.values()]
    assert prices == ([10, 12, 13] if change == "bust" else [10, 99, 12, 13])


def test_a_snapshot_that_never_finished_is_not_used_and_its_pieces_are_deleted(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40")
    engine = desk.engine
    engine.snapshot()
    finished = _latest(engine.store)
    desk.steps("fill40")
    engine._snapshots.start(engine.book, engine.store.last_seq, engine.store.last_hash, "2026-01-05T00:00:00+00:00")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(book_snapshots, "STEP_SECONDS", 0)
        engine._snapshots.step(engine.store)  # the order's row ...
        engine._snapshots.step(engine.store)  # ... and its segment saved: one piece written, then the program dies
    engine.store.close()
    reopened = EventStore.open(tmp_path / "desk.sqlite3", synchronous_full=False)
    assert _latest(reopened) == finished
    restored = recovery.restore(reopened)
    assert restored.projections.ledger.orders == engine.ledger.orders
    parts = reopened._require_open().execute("SELECT count(*) FROM snapshot_parts").fetchone()[0]
    assert parts > len(finished.parts)  # the orphan piece is still there ...
    engine.store = reopened
    engine.snapshot()
    kept = _latest(reopened)
    used = reopened._require_open().execute("SELECT count(DISTINCT part_id) FROM snapshot_part_uses").fetchone()[0]
    parts = reopened._require_open().execute("SELECT count(*) FROM snapshot_parts").fetchone()[0]
    assert parts == used >= len(kept.parts)  # ... until the next snapshot deletes what nobody uses


@pytest.mark.parametrize("damage", ["header", "piece", "missing piece"])
def test_a_damaged_snapshot_is_reported_as_damaged(tmp_path: Path, damage: str) -> None:
    desk = _busy_desk(tmp_path)
    desk.engine.snapshot()
    snap = _latest(desk.engine.store)
    some_part = next(iter(snap.parts))
    if damage == "header":
        snap = dataclasses.replace(snap, blob=snap.blob[:-5])
    elif damage == "piece":
        snap = dataclasses.replace(snap, parts={**snap.parts, some_part: b"not a pickle"})
    else:
        snap = dataclasses.replace(snap, parts={k: v for k, v in snap.parts.items() if k != some_part})
    with pytest.raises(StoreCorruptError, match="snapshot of the book is damaged"):
        snapshot.load(snap)


def test_a_segment_whose_columns_differ_in_length_is_reported_as_damaged(tmp_path: Path) -> None:
    desk = _busy_desk(tmp_path)
    desk.engine.snapshot()
    snap = _latest(desk.engine.store)
    header = snapshot._unpickle(snap.blob)
    segment = header[2][0]
    piece = snapshot._unpickle(snap.parts[segment])
    piece[0][0] += piece[0][0]  # its order ids twice over: the other columns no longer line up with them
    short = piece
    snap = dataclasses.replace(snap, parts={**snap.parts, segment: snapshot.pack(short)})
    with pytest.raises(StoreCorruptError, match="snapshot of the book is damaged"):
        snapshot.load(snap)


def test_orders_loaded_with_the_same_terms_change_apart_and_end_as_a_full_replay_does(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    engine = desk.engine
    twins = [_order(desk, f"T{n}") for n in range(2)]  # the same spec, filled alike: their values are shared
    fills = [twin.fill(40, 25) for twin in twins]
    desk.send(*fills)
    engine.snapshot()
    engine.reload()
    first, second = (engine.book.ledger.orders[engine.book.ledger.by_cl_ord_id[ClOrdId(f"T{n}")]] for n in range(2))
    assert first.spec == second.spec
    assert list(first.fills.values()) == list(second.fills.values())
    desk.send(twins[0].fill(10, 26), twins[1].bust(fills[1]))
    assert (first.cum_qty, second.cum_qty) == (Decimal(50), Decimal(0))
    assert sum(f.busted for f in first.fills.values()) == 0
    assert sum(f.busted for f in second.fills.values()) == 1
    replayed = Projections()
    for stored in engine.store.read():
        replayed.apply(recovery.decode_event(stored), datetime.fromisoformat(stored.ts))
    assert state(engine.book) == state(replayed)


def test_loading_a_snapshot_reports_its_progress_segment_by_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(book_snapshots, "SEGMENT_ORDERS", 2)
    monkeypatch.setattr(snapshot, "_PROGRESS_EVERY", 1)
    desk = Desk(tmp_path)
    for n in range(5):
        _order(desk, f"P{n}")  # six orders: three segments
    desk.engine.snapshot()
    said: list[tuple[int, int]] = []
    assert snapshot.load(_latest(desk.engine.store), lambda done, total: said.append((done, total))) is not None
    assert said == [(0, 3), (1, 3), (2, 3)]
    steps: list[tuple[str, int, int]] = []
    desk.engine.reload(lambda what, done, total: steps.append((what, done, total)))
    assert ("Loading the saved book (blocks of orders)", 2, 3) in steps


def _order(desk: Desk, cl_ord_id: str) -> VenueOrder:
    desk.engine.submit(SubmitOrder(spec(), TRADER, ClOrdId(cl_ord_id)))
    venue = VenueOrder(cl_ord_id, 100)
    desk.send(venue.ack())
    return venue


def _latest(store: EventStore) -> Snapshot:
    snap = store.latest_snapshot()
    assert snap is not None
    return snap
