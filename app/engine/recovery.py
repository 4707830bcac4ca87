"""Start-up: the newest usable snapshot, then the log's tail replayed on top, with progress reported.

Replay makes no decisions: each event already says what it did. A snapshot is only trusted when the log
holds the event it was taken at, with the same hash; otherwise the log is replayed from the start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.engine import snapshot
from app.engine.errors import StoreCorruptError
from app.engine.events import EVENT_TYPES, Event
from app.engine.projections import Projections
from app.engine.serialization import from_json
from app.engine.store import EventStore, StoredEvent

Progress = Callable[[str, int, int], None]
"""Called as (what is happening, done, total) while the book is rebuilt."""

_PROGRESS_EVERY = 20_000


@dataclass(frozen=True, slots=True)
class Restored:
    """The rebuilt projections and the log position of the snapshot they started from (0 for none)."""

    projections: Projections
    snapshot_seq: int


def restore(store: EventStore, progress: Progress | None = None) -> Restored:
    """Rebuild the projections exactly as the log stands."""
    report = progress or _silent
    projections, after = _from_snapshot(store, report)
    total = store.last_seq - after
    report("Replaying the order log", 0, total)
    ts_text, ts = "", datetime.min.replace(tzinfo=UTC)
    for done, stored in enumerate(store.read(after), start=1):
        if stored.ts != ts_text:  # neighbouring events mostly share a time (a batch's): parse it once
            ts_text, ts = stored.ts, datetime.fromisoformat(stored.ts)
        projections.apply(decode_event(stored), ts)
        if done % _PROGRESS_EVERY == 0:
            report("Replaying the order log", done, total)
    report("Ready", total, total)
    return Restored(projections, after)


def _from_snapshot(store: EventStore, report: Progress) -> tuple[Projections, int]:
    snap = store.latest_snapshot()
    if snap is None:
        return Projections(), 0
    report("Loading the saved book", 0, 1)
    loaded = snapshot.load(snap.blob, snap.schema_version)
    if loaded is None:
        report(f"The saved book is from an older version (schema {snap.schema_version}); rebuilding", 0, 1)
        return Projections(), 0
    if store.hash_at(snap.last_seq) != snap.last_hash:
        report("The saved book does not match the log; rebuilding from the log", 0, 1)
        return Projections(), 0
    return loaded, snap.last_seq


def save_snapshot(store: EventStore, projections: Projections, now: datetime) -> None:
    """Save the projections as the snapshot at the log's current end."""
    blob = snapshot.dump(projections)
    store.save_snapshot(snapshot.SCHEMA_VERSION, store.last_seq, store.last_hash, now.isoformat(), blob)


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
