"""Take snapshots of the book a piece at a time, rewriting only what changed, without stopping the engine.

A snapshot is exactly the book at one seq of the log. Taking it is split into pieces (one order segment or one
block of a position's fills, see ``snapshot``), and after each batch it commits the engine works on them for a few
milliseconds (``STEP_SECONDS``), by time, not by count: a segment of big orders (thousands of fills each) pauses
between two orders and resumes after the next batch, and a small book's snapshot is done in one go. While the
pieces are being written the book moves on; the snapshot still shows it as it stood at its seq because:

- everything small (the ledger's counters, marks, desk views, position totals) is read when it starts;
- the fills a position gained since the last snapshot are copied when it starts (a cheap list of tuples
  that never change);
- an order still to be written is written as it is unless an event is about to change it: then
  ``Projections.before_change`` calls ``_Job.capture`` first, which keeps a copy of the order as it stood.

Only order segments with a changed order, and the fills a position gained (all its fills after a bust or a
correction), are written again; the other pieces are shared with the snapshot before. The header, saved
last in one transaction, makes the snapshot exist; pieces of one that never finished are deleted later.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Reversible
from decimal import Decimal
from itertools import chain, islice, repeat
from time import perf_counter
from typing import TypeVar

from app.engine import collector
from app.engine.events import Event
from app.engine.ids import OrderId
from app.engine.order import Order
from app.engine.positions import FillKey, Position
from app.engine.projections import Projections
from app.engine.snapshot import (
    SCHEMA_VERSION,
    FillBlocks,
    Layout,
    OrderSegment,
    PositionKey,
    Row,
    book_totals,
    fill_block,
    header,
    order_as_it_stands,
    position_row,
    time_texts,
)
from app.engine.store import EventStore

SEGMENT_ORDERS = 200
"""Orders per order segment: what one piece of work writes when any of them changed (a few milliseconds)."""
FILL_BLOCK = 2_000
"""Fills per block of a position's fills (about as much work as a segment)."""
RUN_WEIGHT = 100
"""Orders and fills that end a run: a segment adds its orders a run at a time, in one unit of work (a few hundred
microseconds), columns built for the whole run at once; a big order (thousands of fills) makes a run of its own, so
the engine can pause between two of them."""
STEP_SECONDS = 0.004
"""How long the engine works on a snapshot after a batch (at least one unit: a run of orders, a piece's save)."""

_Piece = Iterator[None]
"""A piece's work: each ``next`` does one unit of it (a run of orders, then the save); exhausted once saved."""
_DONE = object()
_T = TypeVar("_T")


def _last(items: Reversible[_T], count: int) -> list[_T]:
    """The last ``count`` of ``items`` (a dict or a view of one), in order, reached from the end: a snapshot starts by
    taking the orders and fills added since the last one, and walking a big book's older ones to get there stalled the
    engine's loop for tens of milliseconds."""
    tail = list(islice(reversed(items), count))
    tail.reverse()
    return tail


class BookSnapshots:
    """Knows where the newest snapshot keeps each piece and which pieces changed since; runs one snapshot at a time."""

    def __init__(self, layout: Layout | None = None, changed: Iterable[OrderId] = ()) -> None:
        self.layout = layout if layout is not None else Layout()
        segments = self.layout.segments  # a start indexes every order: by C-level loops
        numbers = chain.from_iterable(map(repeat, range(len(segments)), map(len, segments)))
        self._segment_of = dict(zip(chain.from_iterable(segments), numbers, strict=True))
        self._dirty: set[int] = set()
        self._dirty_rows = 0
        self.job: _Job | None = None
        self.note(changed)

    def note(self, order_ids: Iterable[OrderId]) -> None:
        """These orders changed: the segments holding them are written again by the next snapshot."""
        segment_of, dirty = self._segment_of, self._dirty
        for order_id in order_ids:
            segment = segment_of.get(order_id)
            if segment is not None and segment not in dirty:  # a call only for a segment's first change
                self._mark(segment)

    def _mark(self, segment: int) -> None:
        """Segment ``segment`` is to be written again (its orders counted once in ``rows_due``)."""
        if segment not in self._dirty:
            self._dirty.add(segment)
            self._dirty_rows += len(self.layout.segments[segment])

    def rows_due(self, book: Projections) -> int:
        """The order rows a snapshot begun now would write: every order of the segments with a changed order, and the
        orders made since the last snapshot."""
        return self._dirty_rows + len(book.ledger.orders) - len(self._segment_of)

    def start(self, book: Projections, last_seq: int, last_hash: str, created_ts: str) -> None:
        """Begin a snapshot of ``book`` as it stands now, at ``last_seq``; ``step`` does the rest."""
        if self.job is not None:
            raise RuntimeError("a snapshot is already under way")
        self._place_new_orders(book)
        todo, self._dirty, self._dirty_rows = sorted(self._dirty), set(), 0
        self.job = _Job(self.layout, book, todo, (last_seq, last_hash, created_ts))

    def step(self, store: EventStore) -> int | None:
        """Work on the snapshot under way for ``STEP_SECONDS``; when it is complete, the seq it was taken at."""
        job = self.job
        if job is None:
            return None
        try:
            done = job.step(store)
        except BaseException:
            self.abandon()
            raise
        if not done:
            return None
        self.job = None
        return job.last_seq

    def finish(self, store: EventStore) -> int | None:
        """Write every piece left of the snapshot under way; the seq it was taken at (None if none was)."""
        while self.job is not None:
            if (seq := self.step(store)) is not None:
                return seq
        return None

    def abandon(self) -> None:
        """Give up the snapshot under way (its pieces are deleted later); the next one writes its segments."""
        job, self.job = self.job, None
        if job is not None:
            job.detach()
            for segment in job.todo:
                self._mark(segment)

    def _place_new_orders(self, book: Projections) -> None:
        """Put the orders made since the last snapshot into segments, in the order they were made."""
        layout, orders = self.layout, book.ledger.orders
        for order_id in _last(orders, len(orders) - len(self._segment_of)):
            if not layout.segments or len(layout.segments[-1]) >= SEGMENT_ORDERS:
                layout.segments.append([])
                layout.segment_parts.append(None)
            segment = len(layout.segments) - 1
            layout.segments[segment].append(order_id)
            self._segment_of[order_id] = segment
            self._dirty.add(segment)


class _Job:
    """One snapshot under way: what it has to write, and the orders it must keep as they stood."""

    def __init__(self, layout: Layout, book: Projections, todo: list[int], point: tuple[int, str, str]) -> None:
        self.layout, self.book, self.todo = layout, book, todo
        self.last_seq, self.last_hash, self.created_ts = point
        self._orders = book.ledger.orders
        self._pending: dict[OrderId, int] = {oid: n for n in todo for oid in layout.segments[n]}
        self._captured: dict[OrderId, Order] = {}
        self._written: dict[int, int] = {}
        self._times = time_texts()
        self._totals = book_totals(book)  # small: read (and frozen as bytes) now
        self._positions: list[tuple[PositionKey, Row, FillBlocks, list[int]]] = []
        self._store: EventStore | None = None
        self._pieces: list[_Piece] = [self._segment_piece(n) for n in todo]
        for key, position in book.positions.by_key.items():
            self._plan_position(key, position)
        self._pieces.reverse()  # popped from the end: segments first, in order
        book.before_change = self.capture

    def capture(self, event: Event) -> None:
        """``event`` is about to change its order: keep the order as it stood if it is still to be written."""
        order_id = getattr(event, "order_id", None)
        if order_id in self._pending:
            del self._pending[order_id]
            self._captured[order_id] = order_as_it_stands(self._orders[order_id])

    def step(self, store: EventStore) -> bool:
        """Do units of the pieces left until ``STEP_SECONDS`` have gone (at least one), then the header if they are
        all done and time is left; whether the snapshot is complete."""
        self._store, pieces = store, self._pieces
        with collector.paused():  # the columns of a piece are made and dropped here: no collection passes over them
            if pieces:
                deadline = perf_counter() + STEP_SECONDS
                while pieces:
                    if next(pieces[-1], _DONE) is _DONE:
                        pieces.pop()
                    if perf_counter() >= deadline:
                        return False
            self._save_header(store)
        return True

    def detach(self) -> None:
        """Stop watching the book."""
        if self.book.before_change == self.capture:
            self.book.before_change = None

    def _segment_piece(self, n: int) -> _Piece:
        """Segment ``n``: a unit per run of orders (a run ends once its orders and fills reach ``RUN_WEIGHT``), each
        added as it stood at the snapshot's seq, then its save."""
        pending, captured, orders = self._pending, self._captured, self._orders
        segment = OrderSegment(self._times)
        run: list[Order] = []
        weight = 0
        for order_id in self.layout.segments[n]:
            # unchanged since the snapshot began, or kept as it stood before it changed
            order = orders[order_id] if pending.pop(order_id, None) is not None else captured.pop(order_id)
            run.append(order)
            weight += 1 + len(order.fills)
            if weight >= RUN_WEIGHT:
                segment.add(run)
                run, weight = [], 0
                yield
        if run:
            segment.add(run)
            yield
        self._written[n] = self._saved(segment.piece())

    def _plan_position(self, key: PositionKey, position: Position) -> None:
        """Read the totals now; copy the fills to write (those since the last snapshot, or all after a change)."""
        before = self.layout.fill_blocks.get(key)
        kept: list[int] = []
        first = 0
        if before is not None and before.revision == position.revision and len(position.fills) >= before.count:
            whole = before.count // FILL_BLOCK
            kept, first = list(before.parts[:whole]), whole * FILL_BLOCK
        fills = _last(position.fills.items(), len(position.fills) - first)
        blocks = FillBlocks(len(position.fills), position.revision, ())
        self._positions.append((key, position_row(position), blocks, kept))
        for start in range(0, len(fills), FILL_BLOCK):
            self._pieces.append(self._fill_piece(kept, fills[start : start + FILL_BLOCK]))

    def _fill_piece(self, parts: list[int], fills: list[tuple[FillKey, tuple[Decimal, Decimal]]]) -> _Piece:
        """A block of fills: one unit, its save."""
        yield from ()  # a generator all the same, like the segments' pieces
        parts.append(self._saved(fill_block(fills)))

    def _saved(self, blob: bytes) -> int:
        """Save a piece in the store ``step`` is writing to; its id."""
        assert self._store is not None  # pieces run only inside ``step``, which sets it
        return self._store.save_snapshot_part(blob)

    def _save_header(self, store: EventStore) -> None:
        layout = self.layout
        segment_parts = [self._written.get(n, part) for n, part in enumerate(layout.segment_parts)]
        positions = [(*row, parts) for _, row, _, parts in self._positions]
        blob = header(self._totals, positions, segment_parts)  # type: ignore[arg-type]  # every segment is saved
        fill_parts = [part for *_, parts in self._positions for part in parts]
        used = [part for part in segment_parts if part is not None] + fill_parts
        store.save_snapshot(SCHEMA_VERSION, self.last_seq, self.last_hash, self.created_ts, blob, used)
        self.detach()
        layout.segment_parts = segment_parts
        for key, _, blocks, parts in self._positions:
            layout.fill_blocks[key] = FillBlocks(blocks.count, blocks.revision, tuple(parts))
