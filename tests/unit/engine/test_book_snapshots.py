"""Snapshots taken a piece per batch while the desk keeps trading: each is exactly the book at its seq.

Random desks (new orders, acks, fills, busts, amends, cancels over a few accounts) run with a snapshot
beginning every few events and tiny segments and fill blocks, so most snapshots are still being written
while later events change the very orders and positions they have not written yet. Every snapshot saved
must equal the book rebuilt by replaying the log up to its seq; no batch writes more than one piece (the time a
batch may spend on the snapshot is set to nothing: one unit of work, an order's row or a piece's save); and a
restart from the newest snapshot plus the tail equals the live book (and a replay with no snapshot at all).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine import book_snapshots, recovery, snapshot
from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.order import Amendment
from app.engine.projections import Projections
from app.engine.store import EventStore, Snapshot
from app.engine.venue_messages import ExecutionReport
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder
from tests.unit.engine.test_snapshot import state

ACTIONS = st.lists(
    st.tuples(st.sampled_from(["new", "ack", "fill", "fill", "bust", "amend", "cancel"]), st.integers(0, 6)),
    min_size=1,
    max_size=50,
)


class _Desk:
    """An engine whose store counts the snapshot pieces each batch writes."""

    def __init__(self, path: Path) -> None:
        self.engine, _ = open_engine(path, snapshot_every=3)
        self.venues: list[VenueOrder] = []
        self.fills: dict[int, list[ExecutionReport]] = {}
        self.pieces_per_batch: list[int] = []
        self.snapshots: list[Snapshot] = []
        store = self.engine.store
        save_part, save = store.save_snapshot_part, store.save_snapshot
        self._pieces = 0

        def counting_part(blob: bytes) -> int:
            self._pieces += 1
            return save_part(blob)

        def keeping(*args: object, **kwargs: object) -> None:
            save(*args, **kwargs)  # type: ignore[arg-type]
            latest = store.latest_snapshot()
            assert latest is not None
            self.snapshots.append(latest)

        store.save_snapshot_part = counting_part  # type: ignore[method-assign]
        store.save_snapshot = keeping  # type: ignore[method-assign]

    def act(self, action: str, n: int) -> None:
        """A new order, or ``action`` on order ``n``; then note how many snapshot pieces that batch wrote."""
        self._pieces = 0
        if action == "new" or not self.venues:
            self._new()
        else:
            self._on(action, n)
        self.pieces_per_batch.append(self._pieces)

    def _new(self) -> None:
        n = len(self.venues)
        cl_ord_id = f"N{n}"
        order_spec = spec(account=AccountId(f"ACC{n % 2}"), qty=Decimal(100))
        self.engine.submit(SubmitOrder(order_spec, TRADER, ClOrdId(cl_ord_id)))
        self.venues.append(VenueOrder(cl_ord_id, 100))
        self.fills[n] = []

    def _on(self, action: str, n: int) -> None:
        venue, engine, order_id = self.venues[n], self.engine, OrderId(f"N{n}")
        if action == "ack":
            engine.apply_venue_messages([venue.ack()])
        elif action == "fill" and venue.cum < venue.qty:
            self.fills[n].append(venue.fill(10, 10 + len(self.fills[n])))
            engine.apply_venue_messages([self.fills[n][-1]])
        elif action == "bust" and self.fills[n]:
            engine.apply_venue_messages([venue.bust(self.fills[n].pop(0))])
        elif action == "amend":
            engine.replace(ReplaceOrder(order_id, Amendment(Decimal(150), Decimal(11)), TRADER))
        elif action == "cancel":
            engine.cancel(CancelOrder(order_id, TRADER))


@pytest.fixture(autouse=True)
def _tiny_pieces() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(book_snapshots, "SEGMENT_ORDERS", 2)
        patch.setattr(book_snapshots, "FILL_BLOCK", 2)
        patch.setattr(book_snapshots, "STEP_SECONDS", 0)  # one unit per batch: segments pause between their orders
        patch.setattr(book_snapshots, "RUN_WEIGHT", 1)  # (each order a run of its own)
        yield


@given(ACTIONS)
def test_every_snapshot_taken_in_pieces_is_the_book_at_its_seq(actions: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "desk.sqlite3"
        desk = _Desk(path)
        for action, back in actions:
            desk.act(action, len(desk.venues) - 1 - back % max(1, len(desk.venues)))  # mostly new: written last
        assert max(desk.pieces_per_batch) <= 1
        for snap in desk.snapshots:
            loaded = snapshot.load(snap)
            assert loaded is not None
            assert state(loaded.projections) == state(_replayed(desk.engine.store, snap.last_seq))
        live = state(desk.engine.book)
        desk.engine.store.close()
        with EventStore.open(path, synchronous_full=False) as store:
            assert state(recovery.restore(store).projections) == live
            store._require_open().execute("DELETE FROM snapshots")
            assert state(recovery.restore(store).projections) == live


@pytest.mark.parametrize(("run_weight", "segment_units"), [(100, [0, 1]), (1, [0, 0, 1])])
def test_a_snapshot_is_spread_over_the_batches_that_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_weight: int, segment_units: list[int]
) -> None:
    monkeypatch.setattr(book_snapshots, "RUN_WEIGHT", run_weight)
    desk = _Desk(tmp_path / "desk.sqlite3")
    desk.engine.snapshot_every = 10_000
    for n in range(12):
        desk.act("new", n)
        desk.act("fill", n)
    desk.engine.snapshot_every = 1
    desk.act("fill", 0)  # starts a snapshot (6 segments, 6 or 7 blocks of fills) and writes its first piece
    start, n = len(desk.pieces_per_batch) - 1, 0
    while not desk.snapshots:
        n += 1
        desk.act("fill", 1 + n % 11)
    pieces = len(desk.snapshots[0].parts)
    assert pieces >= 12
    # A unit of work per batch (STEP_SECONDS is 0 here): each segment's two orders in one run (or one run each, when
    # an order and its fill make a run's weight), then its save; each block of fills saved at once; then the header.
    units = segment_units * 6 + [1] * (pieces - 6) + [0]
    assert desk.pieces_per_batch[start:] == units
    assert desk.snapshots[0].last_seq == desk.engine.store.last_seq - (len(units) - 1)
    assert state(snapshot.load(desk.snapshots[0]).projections) == state(  # type: ignore[union-attr]
        _replayed(desk.engine.store, desk.snapshots[0].last_seq)
    )


def test_a_snapshot_takes_as_many_pieces_per_batch_as_its_time_allows(tmp_path: Path) -> None:
    desk = _Desk(tmp_path / "desk.sqlite3")
    desk.engine.snapshot_every = 10_000
    for n in range(12):
        desk.act("new", n)
        desk.act("fill", n)
    desk.engine.snapshot_every = 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(book_snapshots, "STEP_SECONDS", 60.0)  # time enough for every piece of this small book
        desk.act("fill", 0)
    assert len(desk.snapshots) == 1
    assert desk.pieces_per_batch[-1] == len(desk.snapshots[0].parts) >= 12  # all in the batch that started it
    assert desk.snapshots[0].last_seq == desk.engine.store.last_seq
    assert state(snapshot.load(desk.snapshots[0]).projections) == state(desk.engine.book)  # type: ignore[union-attr]


def _replayed(store: EventStore, last_seq: int) -> Projections:
    book = Projections()
    for stored in store.read():
        if stored.seq > last_seq:
            break
        book.apply(recovery.decode_event(stored), datetime.fromisoformat(stored.ts))
    return book


def test_a_snapshot_waits_for_two_events_for_each_order_row_it_would_rewrite(tmp_path: Path) -> None:
    desk = _Desk(tmp_path / "desk.sqlite3")
    engine, snapshots = desk.engine, desk.engine._snapshots
    engine.snapshot_every = 10_000
    for n in range(8):
        desk.act("new", n)  # four segments of two orders
    engine.snapshot()
    base = engine.store.last_seq
    assert snapshots.rows_due(engine.book) == 0
    rows = []
    for action, n in (("ack", 0), ("ack", 1), ("ack", 6), ("new", 8)):
        desk.act(action, n)
        rows.append(snapshots.rows_due(engine.book))
    assert rows == [2, 2, 4, 5]  # a changed order's whole segment, once; then a new order
    engine.snapshot_every = 1
    while snapshots.job is None:
        before = engine.store.last_seq - base
        desk.act("fill", 0)
    assert before < 2 * 5 <= engine.store.last_seq - base
