"""Read history back from the event log: the day's executions, session alerts and drop-copy breaks, for views
opening late (open anomalies need no read: the engine keeps them, ``anomaly_book``).

Each read walks the log in windows of ``WINDOW`` seqs up to a seq the caller fixed (the log's end when the
view subscribed to live changes), so nothing is read twice or missed, and each query holds the store's
connection only briefly: a view may run these on a worker thread while the engine commits on its own.
"""

from __future__ import annotations

from datetime import datetime

from app.engine.events import (
    EVENT_TYPES,
    ExecutionApplied,
    ExecutionBreak,
    ExecutionBreakCleared,
    Recorded,
    SessionAlertRaised,
)
from app.engine.ids import UserId
from app.engine.serialization import from_json
from app.engine.store import EventStore, StoredEvent

WINDOW = 5_000
"""Seqs scanned per query."""


def first_seq_since(store: EventStore, since: datetime, last_seq: int) -> int:
    """The first seq recorded at or after ``since`` (``last_seq + 1`` if none), by bisecting the log.

    Events are recorded in time order, so the log is sorted by time as well as by seq.
    """
    lo, hi = 1, last_seq + 1
    while lo < hi:
        mid = (lo + hi) // 2
        ts = store.ts_at(mid)
        if ts is not None and datetime.fromisoformat(ts) < since:
            lo = mid + 1
        else:
            hi = mid
    return lo


def executions_since(store: EventStore, since: datetime, last_seq: int) -> list[Recorded]:
    """Every execution that moved a position from ``since`` up to ``last_seq``, oldest first."""
    found = _read_kind(store, ExecutionApplied.__name__, first_seq_since(store, since, last_seq), last_seq)
    return [r for r in found if isinstance(r.event, ExecutionApplied) and r.event.counted]


def session_alerts_since(store: EventStore, since: datetime, last_seq: int, limit: int) -> list[Recorded]:
    """The newest ``limit`` session alerts from ``since`` up to ``last_seq``, oldest first."""
    return _newest(store, SessionAlertRaised.__name__, first_seq_since(store, since, last_seq), last_seq, limit)


def breaks_since(store: EventStore, since: datetime, last_seq: int) -> list[Recorded]:
    """Every drop-copy break opened or cleared from ``since`` up to ``last_seq``, oldest first."""
    first = first_seq_since(store, since, last_seq)
    found = [
        r for kind in (ExecutionBreak, ExecutionBreakCleared) for r in _read_kind(store, kind.__name__, first, last_seq)
    ]
    return sorted(found, key=lambda r: r.seq)


def _newest(store: EventStore, kind: str, first: int, last: int, limit: int) -> list[Recorded]:
    """The newest ``limit`` records of ``kind`` with seqs ``first..last``, oldest first, read from the end back."""
    found: list[Recorded] = []
    upper = last
    while upper >= first and len(found) < limit:
        lower = max(first, upper - WINDOW + 1)
        found[:0] = _decode(store.read_kind(kind, lower, upper))
        upper = lower - 1
    return found[-limit:] if limit else []


def _read_kind(store: EventStore, kind: str, first: int, last: int) -> list[Recorded]:
    found: list[Recorded] = []
    for lower in range(first, last + 1, WINDOW):
        found += _decode(store.read_kind(kind, lower, min(last, lower + WINDOW - 1)))
    return found


def _decode(rows: list[StoredEvent]) -> list[Recorded]:
    return [
        Recorded(row.seq, datetime.fromisoformat(row.ts), UserId(row.user), from_json(EVENT_TYPES[row.kind], row.data))
        for row in rows
    ]
