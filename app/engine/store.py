"""Keep the engine's events durably: an append-only, hash-chained SQLite log with snapshots and outbound FIX.

The store knows nothing of orders. It stores records the engine has already serialized, gives each the
next gapless sequence number and a sha256 hash chaining it to the one before, and commits a transaction's
records together with the FIX messages they cause, so nothing reaches the wire before it is on disk.

One program at a time: the file is opened with SQLite's exclusive locking mode and the write lock is
taken at once, so a second window (or any other process) opening the same store gets ``StoreLockedError``.
Every SQLite failure leaves as a ``StoreError`` subclass whose message names the file and what to do.

Run ``python -m app.engine.store verify PATH`` to check a store's pages and hash chain from a shell.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from app.engine.errors import ChainBrokenError, DiskFullError, DuplicateOutboundError, StoreError
from app.engine.fast_init import new_tuple
from app.engine.store_records import Credential, SessionRecord, Snapshot, StoredEvent, chain_hash
from app.engine.store_schema import (
    GENESIS_HASH,
    SQLITE_FULL,
    check_file_header,
    check_identity,
    connect,
    corrupt_error,
    create_store_file,
    migrate,
    primary_code,
    store_tag,
    translate_error,
)

__all__ = ["Credential", "EventStore", "SessionRecord", "Snapshot", "StoredEvent", "Transaction", "chain_hash"]

READ_CHUNK = 5000
"""Rows fetched per query while streaming the log."""
KEEP_SNAPSHOTS = 3
"""Snapshots kept; older ones are pruned when a new one is saved."""
PROGRESS_EVERY = READ_CHUNK * 4
"""Events between two calls of ``verify_chain``'s progress callback."""

_COLUMNS = "seq, ts, user, kind, order_id, data, hash"
_INSERT_EVENT = f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
_INSERT_OUTBOUND = "INSERT INTO outbound (session, msg_seq, raw, event_seq) VALUES (?, ?, ?, ?)"
_INSERT_INBOUND = "INSERT INTO inbound (session, msg_seq, received_ts, cl_ord_id, raw) VALUES (?, ?, ?, ?, ?)"
_SAVE_SESSION = (
    "INSERT INTO fix_sessions (name, epoch, started_ts, next_in_seq) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (name, epoch) DO UPDATE SET next_in_seq = excluded.next_in_seq"
)
_SAVE_CREDENTIAL = (
    "INSERT OR REPLACE INTO credentials (user_id, scheme, n, r, p, salt, digest, event_seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_READ_CHUNK_SQL = f"SELECT {_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?"
_SNAPSHOT_COLUMNS = "schema_version, last_seq, last_hash, created_ts, blob"

_Row = tuple[int, str, str, str, str | None, str, str]


class Transaction:
    """The records and outbound messages of one commit; made by ``EventStore.transaction``."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._last_seq = store.last_seq
        self._last_hash = store.last_hash
        self._rows: list[_Row] = []
        self._outbound: list[tuple[str, int, bytes, int | None]] = []
        self._outbound_keys: set[tuple[str, int]] = set()
        self._inbound: list[tuple[str, int, str, str | None, bytes]] = []
        self._sessions: dict[tuple[str, int], tuple[str, int, str, int]] = {}
        self._credentials: dict[str, tuple[str, str, int, int, int, bytes, bytes, int]] = {}
        self.closed = False

    @property
    def last_seq(self) -> int:
        """The seq of the newest record, including this transaction's own."""
        return self._last_seq

    @property
    def last_hash(self) -> str:
        """The hash of the newest record, including this transaction's own."""
        return self._last_hash

    @property
    def pending(self) -> int:
        """Records appended in this transaction."""
        return len(self._rows)

    def append(self, kind: str, ts: str, user: str, data: str, order_id: str | None = None) -> StoredEvent:
        """Add a record; its seq and hash are final now, it is written when the transaction commits."""
        if self.closed:
            self._require_live()
        seq = self._last_seq + 1
        oid = order_id or None
        digest = chain_hash(self._last_hash, seq, ts, user, kind, oid, data)
        row = (seq, ts, user, kind, oid, data, digest)
        self._rows.append(row)  # a plain tuple: executemany binds those fastest
        self._last_seq, self._last_hash = seq, digest
        stored: StoredEvent = new_tuple(StoredEvent, row)
        return stored

    def add_outbound(self, session: str, msg_seq: int, raw: bytes, event_seq: int | None = None) -> None:
        """Store the FIX message ``raw`` sent as ``msg_seq`` on ``session``, committed with the events."""
        self._require_live()
        key = (session, msg_seq)
        if key in self._outbound_keys or self._store.has_outbound(session, msg_seq):
            raise DuplicateOutboundError(
                f"FIX session {session} already has a stored outbound message with MsgSeqNum {msg_seq}; "
                "a sequence number is never reused within a session."
            )
        if event_seq is not None and not 1 <= event_seq <= self._last_seq:
            raise ValueError(f"outbound message names event seq {event_seq}, which does not exist")
        self._outbound_keys.add(key)
        self._outbound.append((session, msg_seq, bytes(raw), event_seq))

    def add_inbound(self, session: str, msg_seq: int, received_ts: str, raw: bytes, cl_ord_id: str | None) -> None:
        """Keep the application message ``raw`` received as ``msg_seq`` on ``session`` (the audit trail)."""
        if self.closed:
            self._require_live()
        self._inbound.append((session, msg_seq, received_ts, cl_ord_id, bytes(raw)))

    def save_session(self, state: SessionRecord) -> None:
        """Record where FIX session ``state.name`` stands; the last call in a transaction wins."""
        self._require_live()
        self._sessions[(state.name, state.epoch)] = (state.name, state.epoch, state.started_ts, state.next_in_seq)

    def save_credential(self, credential: Credential) -> None:
        """Set ``credential.user_id``'s password hash, tied to this transaction's newest event (the one saying so)."""
        self._require_live()
        if not self._rows:
            raise ValueError("a password hash is saved only with the event that records the change")
        self._credentials[credential.user_id] = (*credential, self._last_seq)

    def _require_live(self) -> None:
        if self.closed:
            raise StoreError("This transaction has ended; open a new one with EventStore.transaction().")


class EventStore:
    """The event log of one OEMS installation; open it with ``EventStore.open``.

    Writes come from one thread (the engine's loop). Reads may also come from worker threads (the desktop reads
    history on one, see app/ui/background.py): SQLite serialises the calls on the shared connection, and ``close``
    waits for a read in progress, after which reads raise ``StoreError`` (closing the connection under a read
    crashed the interpreter).
    """

    def __init__(
        self, conn: sqlite3.Connection, path: Path, last_seq: int, last_hash: str, tag: str, *, synchronous_full: bool
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._synchronous_full = synchronous_full
        self._path = path
        self.tag = tag
        """Four letters naming this store, made when it was created: part of every ClOrdID it issues."""
        self._last_seq = last_seq
        self._last_hash = last_hash
        self._tx: Transaction | None = None
        self._reading = threading.Lock()
        """Held by each read and by ``close``: the connection is never closed under a read on another thread."""

    @classmethod
    def open(cls, path: Path, *, synchronous_full: bool = True) -> EventStore:
        """Open the store at ``path``, creating an empty one if no file is there.

        ``synchronous_full=False`` trades durability across power loss (not process crashes) for speed.
        Raises ``StoreCorruptError``, ``StoreLockedError``, ``StoreVersionError`` or ``StoreError``.
        """
        path = Path(path)
        if not path.exists():
            create_store_file(path)
        check_file_header(path)
        conn = connect(path, synchronous_full=synchronous_full)
        try:
            check_identity(conn, path)
            migrate(conn)
            tag = store_tag(conn)
            row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            conn.close()
            raise translate_error(exc, path) from exc
        except BaseException:
            conn.close()
            raise
        last_seq, last_hash = (row[0], row[1]) if row else (0, GENESIS_HASH)
        return cls(conn, path, last_seq, last_hash, tag, synchronous_full=synchronous_full)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @property
    def last_seq(self) -> int:
        """The seq of the newest committed record (0 for an empty log)."""
        return self._last_seq

    @property
    def last_hash(self) -> str:
        """The hash of the newest committed record (64 zeros for an empty log)."""
        return self._last_hash

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Group appends into one SQLite transaction: committed on exit, discarded on an exception.

        If the commit fails (a full disk, say) nothing of it is kept, ``last_seq`` and ``last_hash``
        keep their committed values and the store stays usable. Transactions do not nest.
        """
        self._require_open()
        if self._tx is not None:
            raise StoreError(f"A transaction is already open on the event store {self._path}; they do not nest.")
        tx = self._tx = Transaction(self)
        try:
            yield tx
            self._commit(tx)
        finally:
            tx.closed = True
            self._tx = None

    def _commit(self, tx: Transaction) -> None:
        rows, outbound, inbound, sessions = tx._rows, tx._outbound, tx._inbound, tx._sessions
        if not rows and not outbound and not inbound and not sessions:
            return  # a credential is only ever saved with its event (rows)
        conn = self._require_open()
        try:
            conn.execute("BEGIN IMMEDIATE")
            for sql, records in (
                (_INSERT_EVENT, rows),
                (_INSERT_OUTBOUND, outbound),
                (_INSERT_INBOUND, inbound),
                (_SAVE_SESSION, sessions.values()),
                (_SAVE_CREDENTIAL, tx._credentials.values()),
            ):
                if records:  # most batches fill one or two of these: skip the others' statement round trips
                    conn.executemany(sql, records)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise self._write_error(exc, f"the last {len(rows)} events were not saved") from exc
        except BaseException:
            self._rollback()
            raise
        self._last_seq, self._last_hash = tx.last_seq, tx.last_hash

    def read(self, after_seq: int = 0) -> Iterator[StoredEvent]:
        """Stream the committed records after ``after_seq`` in ascending order, fetched in chunks."""
        last = after_seq
        while True:
            rows = self._fetch(_READ_CHUNK_SQL, (last, READ_CHUNK))
            yield from map(StoredEvent._make, rows)
            if len(rows) < READ_CHUNK:
                return
            last = rows[-1][0]

    def read_order(self, order_id: str) -> list[StoredEvent]:
        """One order's records in seq order: its audit timeline."""
        rows = self._fetch(f"SELECT {_COLUMNS} FROM events WHERE order_id = ? ORDER BY seq", (order_id,))
        return [StoredEvent._make(row) for row in rows]

    def read_kind(self, kind: str, first_seq: int, last_seq: int) -> list[StoredEvent]:
        """The records of ``kind`` with seqs ``first_seq..last_seq`` (inclusive), in seq order.

        Each call scans only that seq range, so a reader on another thread can walk the log in windows
        without holding the connection for long (see ``history``).
        """
        sql = f"SELECT {_COLUMNS} FROM events WHERE seq BETWEEN ? AND ? AND kind = ? ORDER BY seq"
        return [StoredEvent._make(row) for row in self._fetch(sql, (first_seq, last_seq, kind))]

    def ts_at(self, seq: int) -> str | None:
        """The recorded time of event ``seq``, or ``None`` if there is no such event."""
        rows = self._fetch("SELECT ts FROM events WHERE seq = ?", (seq,))
        return str(rows[0][0]) if rows else None

    def verify_chain(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Recompute the whole hash chain and check seqs are gapless; return the number of records.

        ``progress(done, total)`` is called every few thousand records and at the end. Raises
        ``ChainBrokenError`` naming the first bad seq (also its ``.seq``) and what is wrong with it.
        """
        total = self._last_seq
        expected, prev = 1, GENESIS_HASH
        next_report = PROGRESS_EVERY
        while rows := self._fetch(_READ_CHUNK_SQL, (expected - 1, READ_CHUNK)):
            expected, prev = self._verify_rows(rows, expected, prev)
            if progress is not None and expected - 1 >= next_report:
                progress(expected - 1, total)
                next_report += PROGRESS_EVERY
        self._verify_snapshot_anchors(expected - 1)
        if progress is not None:
            progress(expected - 1, total)
        return expected - 1

    def _verify_snapshot_anchors(self, last_seq: int) -> None:
        """Each snapshot recorded the hash of the event it was taken at; the log must still agree."""
        for snap_seq, snap_hash in self._fetch("SELECT last_seq, last_hash FROM snapshots ORDER BY last_seq", ()):
            if snap_seq > last_seq:
                raise ChainBrokenError(
                    f"The event log in {self._path} is broken at seq {last_seq + 1}: it ends at seq {last_seq}, "
                    f"but a snapshot was taken at seq {snap_seq}, so its last records were removed.",
                    last_seq + 1,
                )
            if self.hash_at(snap_seq) != snap_hash:
                raise ChainBrokenError(
                    f"The event log in {self._path} is broken at or before seq {snap_seq}: it disagrees with the "
                    f"snapshot taken at seq {snap_seq}, so the records up to it (or the snapshot) were rewritten "
                    "after the snapshot was saved.",
                    snap_seq,
                )

    def hash_at(self, seq: int) -> str | None:
        """The stored hash of event ``seq`` (the genesis hash for 0), or ``None`` if there is no such event."""
        if seq == 0:
            return GENESIS_HASH
        rows = self._fetch("SELECT hash FROM events WHERE seq = ?", (seq,))
        return str(rows[0][0]) if rows else None

    def _verify_rows(self, rows: list[_Row], expected: int, prev: str) -> tuple[int, str]:
        for seq, ts, user, kind, order_id, data, stored in rows:
            if seq != expected:
                raise ChainBrokenError(self._gap_message(expected, seq), expected)
            prev = chain_hash(prev, seq, ts, user, kind, order_id, data)
            if prev != stored:
                raise ChainBrokenError(
                    f"The event log in {self._path} is broken at seq {seq} ({kind}, {ts}): its stored hash "
                    "does not match its contents, so this record was altered after it was written.",
                    seq,
                )
            expected += 1
        return expected, prev

    def _gap_message(self, expected: int, found: int) -> str:
        where = f"The event log in {self._path} is broken at seq {expected}"
        if expected == 1:
            return f"{where}: it starts at seq {found} instead of 1, so its first records were removed."
        missing = f"seq {expected} was" if found == expected + 1 else f"seqs {expected} to {found - 1} were"
        return f"{where}: seq {expected - 1} is followed by seq {found}; {missing} removed."

    def check_integrity(self) -> None:
        """Run SQLite's page-level check; raise ``StoreCorruptError`` saying what it found."""
        problems = [row[0] for row in self._fetch("PRAGMA quick_check(5)", ())]
        if problems != ["ok"]:
            raise corrupt_error(self._path, "SQLite's integrity check found: " + "; ".join(problems))

    def save_snapshot_part(self, blob: bytes) -> int:
        """Store one piece of a snapshot still being taken (committed now, in its own short transaction); its id.

        A piece is kept only while a saved snapshot names it (``save_snapshot``'s ``parts``): the pieces of a
        snapshot that never got saved (a crash halfway) are deleted with the next snapshot.
        """
        conn = self._require_idle()
        try:
            with self._unsynced(conn):
                conn.execute("BEGIN IMMEDIATE")
                part_id = conn.execute("INSERT INTO snapshot_parts (blob) VALUES (?)", (bytes(blob),)).lastrowid
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise self._write_error(exc, "a piece of the snapshot was not saved") from exc
        assert part_id is not None  # an INSERT into a rowid table always gives one
        return part_id

    def save_snapshot(
        self,
        schema_version: int,
        last_seq: int,
        last_hash: str,
        created_ts: str,
        blob: bytes,
        parts: Iterable[int] = (),
    ) -> None:
        """Store a snapshot taken at ``last_seq`` (committed now) and prune all but the newest few.

        ``parts`` are the ids of the pieces it uses (saved before by ``save_snapshot_part``, possibly for an
        earlier snapshot); pieces that no kept snapshot uses any more are deleted in the same transaction.
        """
        conn = self._require_idle()
        self._check_snapshot_point(last_seq, last_hash)
        try:
            with self._unsynced(conn):
                self._insert_snapshot(conn, (schema_version, last_seq, last_hash, created_ts, bytes(blob)), parts)
        except sqlite3.Error as exc:
            self._rollback()
            raise self._write_error(exc, "the snapshot was not saved") from exc

    def _insert_snapshot(self, conn: sqlite3.Connection, row: tuple[object, ...], parts: Iterable[int]) -> None:
        conn.execute("BEGIN IMMEDIATE")
        snapshot_id = conn.execute(f"INSERT INTO snapshots ({_SNAPSHOT_COLUMNS}) VALUES (?, ?, ?, ?, ?)", row).lastrowid
        conn.executemany(
            "INSERT INTO snapshot_part_uses (snapshot_id, part_id) VALUES (?, ?)",
            [(snapshot_id, part) for part in parts],
        )
        self._prune_snapshots(conn)
        conn.execute("COMMIT")

    @contextmanager
    def _unsynced(self, conn: sqlite3.Connection) -> Iterator[None]:
        """Commit without waiting for the disk: for snapshots, which only speed up the next start.

        The write-ahead log keeps commits in order, so the next synced commit (any batch of events) makes
        these durable too; a power cut before it loses at most this snapshot, never an event, and the next
        start replays a longer tail.
        """
        if not self._synchronous_full:
            yield
            return
        conn.execute("PRAGMA synchronous = NORMAL")
        try:
            yield
        except BaseException:
            self._rollback()  # the setting is put back outside any transaction
            raise
        finally:
            conn.execute("PRAGMA synchronous = FULL")

    @staticmethod
    def _prune_snapshots(conn: sqlite3.Connection) -> None:
        kept = "SELECT id FROM snapshots ORDER BY last_seq DESC, id DESC LIMIT ?"
        conn.execute(f"DELETE FROM snapshots WHERE id NOT IN ({kept})", (KEEP_SNAPSHOTS,))
        conn.execute("DELETE FROM snapshot_part_uses WHERE snapshot_id NOT IN (SELECT id FROM snapshots)")
        conn.execute("DELETE FROM snapshot_parts WHERE id NOT IN (SELECT part_id FROM snapshot_part_uses)")

    def _check_snapshot_point(self, last_seq: int, last_hash: str) -> None:
        if not 0 <= last_seq <= self._last_seq:
            raise ValueError(f"a snapshot at seq {last_seq} is outside the log (seqs 0 to {self._last_seq})")
        actual = self.hash_at(last_seq)
        if actual != last_hash:
            raise ValueError(f"a snapshot at seq {last_seq} names hash {last_hash}, but that event's is {actual}")

    def latest_snapshot(self) -> Snapshot | None:
        """The newest snapshot (highest ``last_seq``), or ``None`` if there is none."""
        # Pick the row first, then read its one blob: ordering rows that carry blobs makes SQLite sort them all.
        newest = self._fetch("SELECT id FROM snapshots ORDER BY last_seq DESC, id DESC LIMIT 1", ())
        if not newest:
            return None
        snapshot_id = newest[0][0]
        ((version, last_seq, last_hash, created_ts, blob),) = self._fetch(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE id = ?", (snapshot_id,)
        )
        sql = (
            "SELECT p.id, p.blob FROM snapshot_part_uses u JOIN snapshot_parts p ON p.id = u.part_id "
            "WHERE u.snapshot_id = ?"
        )
        parts = {part_id: bytes(blob) for part_id, blob in self._fetch(sql, (snapshot_id,))}
        return Snapshot(version, last_seq, last_hash, created_ts, blob, parts)

    def has_outbound(self, session: str, msg_seq: int) -> bool:
        """Whether message ``msg_seq`` of ``session`` is stored."""
        sql = "SELECT 1 FROM outbound WHERE session = ? AND msg_seq = ?"
        return bool(self._fetch(sql, (session, msg_seq)))

    def last_outbound_seq(self, session: str) -> int:
        """The highest stored MsgSeqNum of ``session`` (0 if none): where a restarted session resumes."""
        rows = self._fetch("SELECT max(msg_seq) FROM outbound WHERE session = ?", (session,))
        return int(rows[0][0] or 0)

    def outbound_messages(self, session: str, from_seq: int, to_seq: int | None) -> list[tuple[int, bytes]]:
        """The stored messages ``from_seq..to_seq`` (inclusive; ``None`` or 0: to the end) for a resend."""
        upper = to_seq if to_seq else -1
        sql = (
            "SELECT msg_seq, raw FROM outbound WHERE session = ? AND msg_seq >= ? "
            "AND (? < 0 OR msg_seq <= ?) ORDER BY msg_seq"
        )
        return [(seq, bytes(raw)) for seq, raw in self._fetch(sql, (session, from_seq, upper, upper))]

    def session_record(self, name: str) -> SessionRecord | None:
        """Where FIX session ``name`` stood at its newest epoch, or ``None`` if it never ran."""
        sql = "SELECT name, epoch, started_ts, next_in_seq FROM fix_sessions WHERE name = ? ORDER BY epoch DESC LIMIT 1"
        rows = self._fetch(sql, (name,))
        return SessionRecord(*rows[0]) if rows else None

    def credential(self, user_id: str) -> Credential | None:
        """``user_id``'s stored password hash, or ``None`` if they have none."""
        rows = self._fetch(
            "SELECT user_id, scheme, n, r, p, salt, digest FROM credentials WHERE user_id = ?", (user_id,)
        )
        if not rows:
            return None
        user, scheme, n, r, p, salt, digest = rows[0]
        return Credential(user, scheme, n, r, p, bytes(salt), bytes(digest))

    def inbound_messages(self, cl_ord_ids: Iterable[str]) -> list[tuple[str, int, str, bytes]]:
        """The received messages naming any of ``cl_ord_ids``: (session, seq, received time, raw), oldest first."""
        ids = list(cl_ord_ids)
        marks = ",".join("?" * len(ids))
        sql = (
            f"SELECT session, msg_seq, received_ts, raw FROM inbound WHERE cl_ord_id IN ({marks}) "
            "ORDER BY received_ts, session, msg_seq"
        )
        return [(session, seq, ts, bytes(raw)) for session, seq, ts, raw in self._fetch(sql, tuple(ids))]

    def outbound_for_events(self, event_seqs: Iterable[int]) -> list[tuple[str, int, int, bytes]]:
        """The sent messages stored with any of ``event_seqs``: (session, MsgSeqNum, event seq, raw)."""
        seqs = list(event_seqs)
        marks = ",".join("?" * len(seqs))
        sql = (
            f"SELECT session, msg_seq, event_seq, raw FROM outbound WHERE event_seq IN ({marks}) "
            "ORDER BY event_seq, session, msg_seq"
        )
        return [(session, seq, event, bytes(raw)) for session, seq, event, raw in self._fetch(sql, tuple(seqs))]

    def close(self) -> None:
        """Checkpoint and close the file, releasing the lock; safe to call twice."""
        with self._reading:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                conn.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _require_open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"The event store {self._path} is closed.")
        return self._conn

    def _require_idle(self) -> sqlite3.Connection:
        if self._tx is not None:
            raise StoreError(f"Finish the open transaction on {self._path} first.")
        return self._require_open()

    def _fetch(self, sql: str, params: tuple[object, ...]) -> list[Any]:
        with self._reading:
            conn = self._require_open()
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise translate_error(exc, self._path) from exc

    def _rollback(self) -> None:
        conn = self._require_open()
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error as exc:
                raise translate_error(exc, self._path) from exc

    def _write_error(self, exc: sqlite3.Error, lost: str) -> StoreError:
        if primary_code(exc) == SQLITE_FULL:
            return DiskFullError(
                f"The disk holding {self._path} is full; {lost}. Free some space on that disk, then try "
                f"again: everything up to event {self._last_seq} is safely stored."
            )
        error = translate_error(exc, self._path)
        return type(error)(f"{error} ({lost}; everything up to event {self._last_seq} is safely stored)")


if __name__ == "__main__":
    from app.engine.store_cli import main

    raise SystemExit(main())
