"""The simulator's durable memory: one SQLite file (WAL) that keeps what a real venue keeps across a client's restart.

Per session served: where it stands (its ``SessionRecord``: epoch, next MsgSeqNum in) and every message it sent, so
the desk logs on again with the numbers continuing and a ResendRequest after a restart is answered. Per venue: its id
counters (one small JSON document, replaced at each save) and one row per client order of its trading day, working
or finished, as ``venue_state.py`` writes them; a save writes only the orders that changed since the last one and
deletes those the venue forgot, and the day roll deletes the finished ones. The sessions' writes commit with each save,
before the transport writes a byte; the venue's orders are saved whenever they changed, in a commit just before the
sessions' one for the reports that tell of it, so a crash never brings back an order as it was before a report the
desk may have read (it would trade again what it already reported filled). Tests use the simulator
without a store: everything then lives in memory.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from app.engine.fix.session_store import MemorySessionStore
from app.engine.store_records import SessionRecord

VENUE_STORE_FILE: Final = "venues.sqlite3"
"""The venue store's file name in the desk's data directory."""

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS session_records (
    name TEXT PRIMARY KEY, epoch INTEGER NOT NULL, started_ts TEXT NOT NULL, next_in_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS session_messages (
    name TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, raw BLOB NOT NULL, PRIMARY KEY (key, seq)
);
CREATE TABLE IF NOT EXISTS venue_state (venue TEXT PRIMARY KEY, saved_ts TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS venue_orders (
    venue TEXT NOT NULL, order_id TEXT NOT NULL, live INTEGER NOT NULL, state TEXT NOT NULL,
    PRIMARY KEY (venue, order_id)
);
"""


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One client order as the venue keeps it: its OrderID, whether it is still working, and its state (JSON)."""

    order_id: str
    live: bool
    state: str


@dataclass(frozen=True, slots=True)
class VenueChanges:
    """What a save writes for one venue: its id counters (JSON), the orders that changed, the OrderIDs of those it
    forgot, and whether its trading day rolled (the finished orders of the day go)."""

    counters: str
    changed: list[OrderRow]
    gone: list[str]
    day_rolled: bool = False


@dataclass(frozen=True, slots=True)
class SavedVenue:
    """What the store holds of one venue: when it was last saved, its id counters (JSON) and its orders' states."""

    saved_ts: str
    counters: str
    orders: list[str]


class VenueStore:
    """The venues' SQLite file: sessions' numbers and sent messages, and each venue's saved state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fresh = not path.exists()
        """Whether the file did not exist before: the venues start with nothing remembered."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._depth = 0
        self._after: list[Callable[[], None]] = []

    @contextlib.contextmanager
    def unit(self) -> Iterator[None]:
        """Everything written inside, in units nested or not, commits at once when the outermost ends (or none of it
        if an error ends it); then what was put off until the commit (``after_commit``) happens, in order."""
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if not self._depth:
                self._db.rollback()
                self._after.clear()
            raise
        self._depth -= 1
        if not self._depth:
            self._db.commit()
            after, self._after = self._after, []
            for act in after:
                act()

    def after_commit(self, act: Callable[[], None]) -> None:
        """Do ``act`` once what the current unit wrote has committed (at once, outside any unit): a message is written
        only when the change it tells of and the message itself are in the file."""
        if self._depth:
            self._after.append(act)
        else:
            act()

    def session_store(self, name: str) -> DurableSessionStore:
        """The store of session ``name``, holding what it kept from its earlier runs."""
        return DurableSessionStore(self, name)

    def wipe_session(self, name: str) -> None:
        """Forget everything session ``name`` kept: it starts again at MsgSeqNum 1 (a fault script's restart)."""
        with self.unit():
            self._db.execute("DELETE FROM session_records WHERE name = ?", (name,))
            self._db.execute("DELETE FROM session_messages WHERE name = ?", (name,))

    def save_session(self, record: SessionRecord, sent: list[tuple[int, bytes]]) -> None:
        """Record where a session stands and the messages it is about to send, in one commit."""
        with self.unit():
            self._db.execute("INSERT OR REPLACE INTO session_records VALUES (?, ?, ?, ?)", record)
            self._db.executemany(
                "INSERT OR REPLACE INTO session_messages VALUES (?, ?, ?, ?)",
                [(record.name, record.key, seq, raw) for seq, raw in sent],
            )

    def session_record(self, name: str) -> SessionRecord | None:
        """Where session ``name`` stood when last saved, or None if it never ran on this store."""
        row = self._db.execute("SELECT * FROM session_records WHERE name = ?", (name,)).fetchone()
        return None if row is None else SessionRecord(*row)

    def sent_messages(self, name: str) -> list[tuple[str, int, bytes]]:
        """Every message session ``name`` sent, as (epoch key, MsgSeqNum, bytes), oldest first."""
        rows = self._db.execute(
            "SELECT key, seq, raw FROM session_messages WHERE name = ? ORDER BY rowid", (name,)
        ).fetchall()
        return [(key, seq, bytes(raw)) for key, seq, raw in rows]

    def save_venue(self, venue: str, saved_ts: str, changes: VenueChanges) -> None:
        """Apply ``changes`` to venue ``venue``'s saved state, saved at ``saved_ts`` (ISO-8601), in one commit."""
        db = self._db
        with self.unit():
            db.execute("INSERT OR REPLACE INTO venue_state VALUES (?, ?, ?)", (venue, saved_ts, changes.counters))
            db.executemany(
                "INSERT OR REPLACE INTO venue_orders VALUES (?, ?, ?, ?)",
                [(venue, row.order_id, row.live, row.state) for row in changes.changed],
            )
            db.executemany(
                "DELETE FROM venue_orders WHERE venue = ? AND order_id = ?", [(venue, oid) for oid in changes.gone]
            )
            if changes.day_rolled:
                db.execute("DELETE FROM venue_orders WHERE venue = ? AND live = 0", (venue,))

    def venue_state(self, venue: str) -> SavedVenue | None:
        """What venue ``venue`` saved; None if it was never saved here."""
        row = self._db.execute("SELECT saved_ts, state FROM venue_state WHERE venue = ?", (venue,)).fetchone()
        if row is None:
            return None
        orders = self._db.execute("SELECT state FROM venue_orders WHERE venue = ?", (venue,)).fetchall()
        return SavedVenue(row[0], row[1], [state for (state,) in orders])

    def close(self) -> None:
        """Close the file."""
        self._db.close()


class DurableSessionStore(MemorySessionStore):
    """A venue session's store that also writes through to the ``VenueStore``: it reads from memory, loaded from
    the file when it opens, and each save commits to the file as well."""

    def __init__(self, venues: VenueStore, name: str) -> None:
        super().__init__()
        self.venues = venues
        """The file it writes through to."""
        record = venues.session_record(name)
        if record is not None:
            self._records[name] = record
        for key, seq, raw in venues.sent_messages(name):
            self._sent.setdefault(key, {})[seq] = raw

    def save(self, record: SessionRecord, sent: list[tuple[int, bytes]]) -> None:
        """Record where the session stands and the messages it is about to send, in memory and in the file."""
        self.venues.save_session(record, sent)
        super().save(record, sent)
