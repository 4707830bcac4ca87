"""Start-up: the newest usable snapshot, then the log's tail replayed on top, with progress reported.

Replay makes no decisions: each event already says what it did. A snapshot is only trusted when the log
holds the event it was taken at, with the same hash; otherwise the log is replayed from the start.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.engine import collector, snapshot
from app.engine.book_snapshots import BookSnapshots
from app.engine.errors import StoreCorruptError
from app.engine.events import EVENT_TYPES, Event
from app.engine.ids import OrderId
from app.engine.position_history import LoggedFills
from app.engine.projections import Projections
from app.engine.serialization import from_json
from app.engine.store import EventStore, StoredEvent

Progress = Callable[[str, int, int], None]
"""Called as (what is happening, done, total) while the book is rebuilt."""

_PROGRESS_EVERY = 20_000


@dataclass(frozen=True, slots=True)
class Restored:
    """The rebuilt projections, the log position of the snapshot they started from (0 for none), and what
    the next snapshot has to write (the snapshot's pieces, less those the replayed tail changed)."""

    projections: Projections
    snapshot_seq: int
    snapshots: BookSnapshots


def restore(store: EventStore, progress: Progress | None = None) -> Restored:
    """Rebuild the projections exactly as the log stands."""
    with collector.paused():  # the book is millions of objects that live on: no passes over them while built
        restored = _restore(store, progress or _silent)
        gc.freeze()  # and later collections need not walk them again
    return restored


def _restore(store: EventStore, report: Progress) -> Restored:
    loaded, after = _from_snapshot(store, report)
    projections = loaded.projections
    projections.positions.read_back_from(LoggedFills(store, projections, after))  # for the fills it let go of
    total = store.last_seq - after
    report("Replaying the order log", 0, total)
    ts_text, ts = "", datetime.min.replace(tzinfo=UTC)
    changed: set[OrderId] = set()
    for done, stored in enumerate(store.read(after), start=1):
        if stored.ts != ts_text:  # neighbouring events mostly share a time (a batch's): parse it once
            ts_text, ts = stored.ts, datetime.fromisoformat(stored.ts)
        if (order_id := projections.apply(decode_event(stored), ts)) is not None:
            changed.add(order_id)
        if done % _PROGRESS_EVERY == 0:
            report("Replaying the order log", done, total)
    report("Ready", total, total)
    return Restored(projections, after, BookSnapshots(loaded.layout, changed))


def _from_snapshot(store: EventStore, report: Progress) -> tuple[snapshot.Loaded, int]:
    snap = store.latest_snapshot()
    if snap is None:
        return _empty(), 0
    report("Loading the saved book", 0, 1)
    loaded = snapshot.load(snap, lambda done, total: report("Loading the saved book (blocks of orders)", done, total))
    if loaded is None:
        report(f"The saved book is from an older version (schema {snap.schema_version}); rebuilding", 0, 1)
        return _empty(), 0
    if store.hash_at(snap.last_seq) != snap.last_hash:
        report("The saved book does not match the log; rebuilding from the log", 0, 1)
        return _empty(), 0
    return loaded, snap.last_seq


def _empty() -> snapshot.Loaded:
    return snapshot.Loaded(Projections(), snapshot.Layout())


def decode_event(stored: StoredEvent) -> Event:
    """The event a log record holds; a kind this program does not know is a clear error, not a guess."""
    cls = EVENT_TYPES.get(stored.kind)
    if cls is None:
        raise StoreCorruptError(
            f"Event {stored.seq} is of a kind this version does not know ({stored.kind!r}); "
            "it was written by a newer version of the program."
        )
    return from_json(cls, stored.data)


def _silent(what: str, done: int, total: int) -> None:
    """Progress that nobody watches."""
