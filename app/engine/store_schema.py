"""Lay out, create, recognise and open the event store's SQLite file; turn SQLite failures into plain words.

A new store is built under a temporary name and linked into place only when complete, so a crash during
creation never leaves a half-made store behind. An existing file is judged from its raw header first:
a text file, random bytes, a truncated database or another program's database is refused before SQLite
is allowed to touch it, and the file is left exactly as it was. ``connect`` then opens it in WAL mode with
SQLite's exclusive locking, taking the write lock at once so no second process can use the store.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from pathlib import Path

import sqlite_utils

from app.engine.errors import (
    DiskFullError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreVersionError,
)

APPLICATION_ID = 0x4F454D53
"""``PRAGMA application_id`` of an OEMS event store: the bytes "OEMS"."""
APPLICATION_NAME = "oems-desktop event store"
"""Written to the ``meta`` table, for a person who opens the file with another SQLite tool."""
STORE_SCHEMA_VERSION = 5
"""Layout of the tables below; a store with a higher number was written by a newer program.

1: events, snapshots, outbound. 2: adds ``fix_sessions`` (each FIX session's sequence state) and ``inbound``
(the application messages received). 3: adds ``credentials`` (each user's password hash, kept out of the
immutable log). 4: indexes sent messages by the event they went with (an order's timeline finds its wire
messages). 5: adds ``snapshot_parts`` and ``snapshot_part_uses`` (a snapshot in pieces that later snapshots
share). ``migrate`` upgrades an older store in place.
"""
GENESIS_HASH = "0" * 64
"""The hash the first event chains to."""

LOCK_WAIT_SECONDS = 0.2
"""How long ``open`` waits for a store another process holds before reporting it locked."""
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 5, 6, 10, 11, 13, 26
"""SQLite's primary result codes that get words of their own (only ``SQLITE_FULL`` means a full disk)."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100

_APPEND_ONLY_TRIGGERS = """
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: an event cannot be changed'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: an event cannot be deleted'); END;
"""
_SESSION_TABLES_V2 = (
    "CREATE TABLE fix_sessions (name TEXT NOT NULL, epoch INTEGER NOT NULL, started_ts TEXT NOT NULL, "
    "next_in_seq INTEGER NOT NULL, PRIMARY KEY (name, epoch))",
    "CREATE TABLE inbound (session TEXT NOT NULL, msg_seq INTEGER NOT NULL, received_ts TEXT NOT NULL, "
    "cl_ord_id TEXT, raw BLOB NOT NULL, PRIMARY KEY (session, msg_seq))",
    "CREATE INDEX inbound_by_cl_ord_id ON inbound (cl_ord_id)",
    "CREATE TRIGGER inbound_no_update BEFORE UPDATE ON inbound BEGIN SELECT "
    "RAISE(ABORT, 'received FIX messages are kept as they came: one cannot be changed'); END",
    "CREATE TRIGGER inbound_no_delete BEFORE DELETE ON inbound BEGIN SELECT "
    "RAISE(ABORT, 'received FIX messages are kept as they came: one cannot be deleted'); END",
    "CREATE TRIGGER outbound_no_update BEFORE UPDATE ON outbound BEGIN SELECT "
    "RAISE(ABORT, 'sent FIX messages are kept as they went: one cannot be changed'); END",
    "CREATE TRIGGER outbound_no_delete BEFORE DELETE ON outbound BEGIN SELECT "
    "RAISE(ABORT, 'sent FIX messages are kept as they went: one cannot be deleted'); END",
)
"""Added by store layout 2: FIX session state, received messages, and the sent ones made append-only."""
_CREDENTIAL_TABLES_V3 = (
    "CREATE TABLE credentials (user_id TEXT PRIMARY KEY, scheme TEXT NOT NULL, n INTEGER NOT NULL, "
    "r INTEGER NOT NULL, p INTEGER NOT NULL, salt BLOB NOT NULL, digest BLOB NOT NULL, event_seq INTEGER NOT NULL)",
)
"""Added by store layout 3: one salted slow hash per user, with its parameters, replaced when the password is.

Hashes never go into the events (the log is kept forever and copied for audit); ``event_seq`` names the
``PasswordChanged`` or ``UserCreated`` event that set the row, committed in the same transaction.
"""

_OUTBOUND_BY_EVENT_V4 = "CREATE INDEX outbound_by_event ON outbound (event_seq)"
"""Added by store layout 4."""

_SNAPSHOT_PART_TABLES_V5 = (
    "CREATE TABLE snapshot_parts (id INTEGER PRIMARY KEY, blob BLOB NOT NULL)",
    "CREATE TABLE snapshot_part_uses (snapshot_id INTEGER NOT NULL, part_id INTEGER NOT NULL, "
    "PRIMARY KEY (snapshot_id, part_id)) WITHOUT ROWID",
    "CREATE INDEX snapshot_part_uses_by_part ON snapshot_part_uses (part_id)",
)
"""Added by store layout 5: a snapshot's pieces, each written in its own short transaction and shared by every
later snapshot whose piece did not change; a piece no kept snapshot uses is deleted."""


def create_store_file(path: Path) -> None:
    """Create an empty store at ``path`` unless one appears there meanwhile (then leave that one alone)."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists():  # SQLite would replay this orphan onto the new file and corrupt it
        raise corrupt_error(path, f"the file is missing but its write-ahead log {wal.name} is still there")
    building = path.with_name(f".{path.name}.{os.getpid()}.creating")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        building.unlink(missing_ok=True)
        _build(building)
        _publish(building, path)
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    except OSError as exc:
        raise StoreError(f"The event store {path} could not be created: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(OSError):
            building.unlink(missing_ok=True)


def _build(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # nobody sees this file yet; one fsync below makes it durable
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {STORE_SCHEMA_VERSION}")
        db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
        _create_tables(db)
        conn.executescript(_APPEND_ONLY_TRIGGERS)
        for statement in (*_SESSION_TABLES_V2, *_CREDENTIAL_TABLES_V3, *_SNAPSHOT_PART_TABLES_V5):
            conn.execute(statement)
        conn.execute(_OUTBOUND_BY_EVENT_V4)
        db.table("meta").insert_all(
            [
                {"key": "application", "value": APPLICATION_NAME},
                {"key": "store_schema_version", "value": str(STORE_SCHEMA_VERSION)},
                {"key": "store_tag", "value": new_store_tag()},
            ]
        )
    finally:
        conn.close()
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _create_tables(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key", not_null={"value"})
    event_columns = {
        "seq": int,
        "ts": str,
        "user": str,
        "kind": str,
        "order_id": str,
        "data": str,
        "hash": str,
    }
    db.table("events").create(event_columns, pk="seq", not_null={"ts", "user", "kind", "data", "hash"})
    db.table("events").create_index(["order_id"], index_name="events_by_order")
    db.table("snapshots").create(
        {
            "id": int,
            "schema_version": int,
            "last_seq": int,
            "last_hash": str,
            "created_ts": str,
            "blob": bytes,
        },
        pk="id",
        not_null={"schema_version", "last_seq", "last_hash", "created_ts", "blob"},
    )
    db.table("outbound").create(
        {"session": str, "msg_seq": int, "raw": bytes, "event_seq": int},
        pk=("session", "msg_seq"),
        not_null={"session", "msg_seq", "raw"},
    )


def _publish(building: Path, path: Path) -> None:
    """Give the finished file its real name without ever replacing a file that is already there."""
    try:
        os.link(building, path)
    except FileExistsError:
        return  # another window created it first: open that one, whose lock decides who writes
    except OSError:
        if path.exists():
            return
        os.rename(building, path)  # a file system without hard links
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the new name durable (POSIX); a platform that cannot open a directory skips this."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check_file_header(path: Path) -> None:
    """Refuse, before SQLite opens it, a file that is not an intact OEMS store; never modify it."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header = file.read(_HEADER_SIZE)
    except OSError as exc:
        raise StoreError(f"The event store {path} cannot be read: {exc.strerror or exc}.") from exc
    if size == 0:
        raise corrupt_error(path, "the file is empty (0 bytes)")
    if len(header) < _HEADER_SIZE or not header.startswith(_SQLITE_MAGIC):
        raise corrupt_error(path, "it is not a database file")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise corrupt_error(path, "it is a database, but not an OEMS event store")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or size % page_size:
        raise corrupt_error(path, f"the file is cut short ({size:,} bytes is not a whole number of pages)")
    _check_page_count(path, header, size, page_size)


def _check_page_count(path: Path, header: bytes, size: int, page_size: int) -> None:
    counted = int.from_bytes(header[28:32], "big")
    count_valid = header[92:96] == header[96:100]
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0  # a checkpoint may be half done; SQLite redoes it
    if count_valid and not wal_pending and counted * page_size > size:
        raise corrupt_error(path, f"the file is cut short ({size:,} of {counted * page_size:,} bytes)")


def check_identity(conn: sqlite3.Connection, path: Path) -> None:
    """Check, on an open connection, that the tables are an OEMS store of a version this program reads."""
    (app_id,) = conn.execute("PRAGMA application_id").fetchone()
    if app_id != APPLICATION_ID:
        raise corrupt_error(path, "it is a database, but not an OEMS event store")
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'store_schema_version'").fetchone()
    except sqlite3.OperationalError as exc:
        raise corrupt_error(path, "its table of contents (meta) is missing") from exc
    if row is None or not str(row[0]).isdigit():
        raise corrupt_error(path, "it does not record its store schema version")
    version = int(row[0])
    if version > STORE_SCHEMA_VERSION:
        raise StoreVersionError(
            f"The event store {path} was written by a newer version of OEMS (store layout {version}; this "
            f"program reads up to {STORE_SCHEMA_VERSION}). Install the newer version to open it; the file "
            "was left untouched."
        )


_TAG_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_store_tag() -> str:
    """Four random letters naming one store, so two stores never issue the same ClOrdID (about a million kinds)."""
    return "".join(secrets.choice(_TAG_LETTERS) for _ in range(4))


def store_tag(conn: sqlite3.Connection) -> str:
    """This store's tag, given to a store made before tags existed the first time it is opened (the only
    write: every other open just reads it)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'store_tag'").fetchone()
    if row is not None:
        return str(row[0])
    tag = new_store_tag()
    conn.execute("INSERT INTO meta (key, value) VALUES ('store_tag', ?)", (tag,))
    return tag


def migrate(conn: sqlite3.Connection) -> None:
    """Bring an older store's layout up to ``STORE_SCHEMA_VERSION`` in one transaction; events are untouched."""
    (version,) = conn.execute("SELECT value FROM meta WHERE key = 'store_schema_version'").fetchone()
    if int(version) >= STORE_SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if int(version) < 2:
            for statement in _SESSION_TABLES_V2:
                conn.execute(statement)
        if int(version) < 3:
            for statement in _CREDENTIAL_TABLES_V3:
                conn.execute(statement)
        if int(version) < 4:
            conn.execute(_OUTBOUND_BY_EVENT_V4)
        if int(version) < 5:
            for statement in _SNAPSHOT_PART_TABLES_V5:
                conn.execute(statement)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'store_schema_version'", (str(STORE_SCHEMA_VERSION),))
        conn.execute(f"PRAGMA user_version = {STORE_SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def corrupt_error(path: Path, what: str) -> StoreCorruptError:
    """The error for a damaged store: what is wrong, and what the trader should do about it."""
    return StoreCorruptError(
        f"The event store {path} cannot be used: {what}. The file was left untouched. Restore it from a "
        "backup, or move it aside (keep it: it is the audit record) to start with a new, empty store."
    )


def connect(path: Path, *, synchronous_full: bool) -> sqlite3.Connection:
    """Open ``path`` (never creating it) in WAL mode and take the exclusive lock now, for good."""
    uri = path.resolve().as_uri() + "?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=LOCK_WAIT_SECONDS, check_same_thread=False)
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute(f"PRAGMA synchronous = {'FULL' if synchronous_full else 'NORMAL'}")
        conn.execute("BEGIN IMMEDIATE")  # the write lock, kept until close by the exclusive mode
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.close()
        raise translate_error(exc, path) from exc
    if str(mode).lower() != "wal":
        conn.close()
        raise StoreError(f"The event store {path} could not be switched to WAL mode (SQLite kept {mode}).")
    return conn


def primary_code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code for ``exc`` (extended codes folded), 0 if it carries none."""
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def translate_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """The ``StoreError`` a person can act on for an SQLite failure on ``path``."""
    code = primary_code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreLockedError(
            f"The event store {path} is in use by another program (another OEMS window?). Close it and "
            "try again: two windows must never write one store."
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return corrupt_error(path, f"SQLite reports '{exc}'")
    if code == SQLITE_FULL:
        return DiskFullError(f"The disk holding {path} is full. Free some space on that disk, then try again.")
    if code == SQLITE_IOERR:
        return StoreError(
            f"The event store {path} could not be read or written: the disk reported an input/output error "
            f"(SQLite: '{exc}'). Check that the disk is still attached and healthy, then restart OEMS."
        )
    return StoreError(f"The event store {path} could not be used: SQLite reports '{exc}'.")
