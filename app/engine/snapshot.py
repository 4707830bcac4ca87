"""Snapshots of the book in pieces of plain values, loaded only by a program that knows their version.

A snapshot is a small header plus pieces, each a pickle of plain values only (tuples, lists, strings,
numbers, None): an order segment is the rows of a run of orders in the order they were made, a fill block
a run of one position's fills in the order they arrived (``book_snapshots`` decides how long a run is). Decimals and
times are text, enums their values. The header holds the ledger's counters, the marks, the desk views'
rows, each position's totals with the ids of its fill blocks, and the ids of the order segments. Pieces are
stored apart (``EventStore.save_snapshot_part``) and shared: the next snapshot rewrites only the segments
and blocks that changed (see ``book_snapshots``). Everything is read back by an unpickler that refuses
every class and function, so a doctored piece cannot run code, and rows are turned back into the engine's
objects by the functions below, never by the pickle.

Its schema version is stored beside it: a snapshot from a newer program is refused with a clear error,
one from an older program is set aside so the log is replayed from the start (never misread). Raise
``SCHEMA_VERSION`` whenever a row below changes shape.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.engine import collector
from app.engine.enums import OrderStatus, OrdType, Side, TimeInForce
from app.engine.errors import SnapshotVersionError, StoreCorruptError
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.order import Amendment, ChainLink, Fill, LinkOutcome, Order, OrderSpec, RequestKind
from app.engine.positions import FillKey, Position
from app.engine.projections import Projections
from app.engine.store_records import Snapshot

SCHEMA_VERSION = 5
"""5: the anomaly book's desk view; 4: in pieces (order segments, fill blocks) under a header; 3: one pickle with
desk views; 2: rows of plain values (1 was a pickle of the engine's objects). Raise it when a row changes shape."""

Row = tuple[Any, ...]
PositionKey = tuple[AccountId, str]


@dataclass(frozen=True, slots=True)
class FillBlocks:
    """Where one position's fills are stored: how many, at which revision of the position, in which pieces."""

    count: int
    revision: int
    parts: tuple[int, ...]


@dataclass(slots=True)
class Layout:
    """Where the newest snapshot keeps each piece of the book, so the next one rewrites only what changed."""

    segments: list[list[OrderId]] = field(default_factory=list)
    """The order ids of each segment, in the order the orders were made."""
    segment_parts: list[int | None] = field(default_factory=list)
    """The piece holding each segment (``None``: not saved yet)."""
    fill_blocks: dict[PositionKey, FillBlocks] = field(default_factory=dict)


@dataclass(slots=True)
class Loaded:
    """A book read from a snapshot, and where that snapshot keeps its pieces."""

    projections: Projections
    layout: Layout


def pack(rows: object) -> bytes:
    """Plain values as the bytes of one piece or header."""
    with collector.paused():  # many small objects: collection passes would only slow this down
        return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def book_totals(projections: Projections) -> bytes:
    """The small part of the book, read at once: the ledger's counters, the marks and the desk views' rows."""
    ledger = projections.ledger
    marks = [(symbol, str(px)) for symbol, px in projections.positions.marks.items()]
    desk = {view.name: view.rows() for view in projections.desk_views}
    return pack((ledger.ids_issued, ledger.orphan_anomalies, marks, desk))


def header(totals: bytes, positions: list[Row], segment_parts: list[int]) -> bytes:
    """The snapshot's header: ``book_totals``, position rows (``position_row`` + fill pieces), segment pieces."""
    return pack((totals, positions, segment_parts))


def load(snap: Snapshot) -> Loaded | None:
    """The book in ``snap``, or None when it is from an older schema this program does not read."""
    if snap.schema_version > SCHEMA_VERSION:
        raise SnapshotVersionError(
            f"The saved book was written by a newer version of this program (snapshot schema "
            f"{snap.schema_version}, this program reads up to {SCHEMA_VERSION}). Run the newer version, or move "
            "the data file aside."
        )
    if snap.schema_version < SCHEMA_VERSION:
        return None
    try:
        with collector.paused():  # loading makes millions of objects; collection passes would double the time
            return _rebuild(_unpickle(snap.blob), snap.parts)
    except pickle.UnpicklingError as err:
        raise StoreCorruptError(f"The saved snapshot of the book is damaged ({err}).") from err
    except (EOFError, IndexError, KeyError, TypeError, ValueError, ArithmeticError) as err:
        raise StoreCorruptError(f"The saved snapshot of the book is damaged ({type(err).__name__}: {err}).") from err


def _unpickle(blob: bytes) -> Any:
    return _PlainUnpickler(io.BytesIO(blob)).load()


class _PlainUnpickler(pickle.Unpickler):
    """Admits plain values only: any class or function named in the blob is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a snapshot may not name {module}.{name}")


# Writing rows ---------------------------------------------------------------------------------------


def _text(value: Decimal | datetime | None) -> str | None:
    return None if value is None else str(value) if isinstance(value, Decimal) else value.isoformat()


def time_texts() -> Mapping[datetime, str]:
    """Times to their ISO text, each distinct time formatted once, for ``order_row``: the orders of a book share the
    few times of the batches that made and changed them, and formatting a time costs more than the rest of a row."""
    return _Memo(datetime.isoformat)


def order_row(o: Order, times: Mapping[datetime, str]) -> Row:
    """One order as a row of plain values (``times``: from ``time_texts``, shared by the rows of one snapshot)."""
    s = o.spec
    spec = (
        s.symbol, s.side.value, str(s.qty), s.ord_type.value, s.account, s.destination, s.trader, s.tif.value,
        _text(s.limit_px), _text(s.stop_px), _text(s.expire_at), s.parent_id, s.text,
    )  # fmt: skip
    chain = [
        (link.cl_ord_id, link.orig_cl_ord_id, link.kind.value, link.outcome.value, _amendment_row(link.amendment))
        for link in o.chain
    ]
    fills = [(exec_id, str(f.qty), str(f.px), f.busted) for exec_id, f in o.fills.items()]
    return (
        o.order_id, spec, o.status.value, o.cl_ord_id, times[o.created_at], times[o.updated_at],
        str(o.qty), _text(o.limit_px), _text(o.stop_px), o.resume_status.value, chain, o.venue_order_id,
        str(o.cum_qty), str(o.leaves_qty), str(o.avg_px), str(o.tally_qty), sorted(o.exec_ids), fills,
        o.anomalies, o.text,
    )  # fmt: skip


def _amendment_row(a: Amendment | None) -> Row | None:
    return None if a is None else (str(a.qty), _text(a.limit_px), _text(a.stop_px))


def position_row(p: Position) -> Row:
    """One position's totals as a row of plain values (the header adds the pieces holding its fills)."""
    return (
        p.account, p.symbol, str(p.net_qty), str(p.avg_cost), str(p.realized_pnl), str(p.bought_qty),
        str(p.sold_qty),
    )  # fmt: skip


def fill_rows(fills: list[tuple[FillKey, tuple[Decimal, Decimal]]]) -> list[Row]:
    """Position fills (key, (signed qty, price)) as rows of plain values."""
    return [(order_id, exec_id, str(qty), str(px)) for (order_id, exec_id), (qty, px) in fills]


# Reading rows ---------------------------------------------------------------------------------------


class _Memo(dict[Any, Any]):
    """A value to another, each distinct one converted once (``memo[value]``, a plain dict lookup when known)."""

    __slots__ = ("_convert",)

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._convert(key)
        return value


class _Values:
    """Text back to values, each distinct text converted once: a book repeats its prices and times a lot."""

    def __init__(self) -> None:
        self.decimal = _Memo(Decimal)
        self.time = _Memo(datetime.fromisoformat)

    def maybe_decimal(self, text: str | None) -> Decimal | None:
        return None if text is None else self.decimal[text]


def _members(enum: Any) -> Callable[[str], Any]:
    """The member of ``enum`` with a value (KeyError for an unknown one), by one dict lookup."""
    return {member.value: member for member in enum}.__getitem__


_STATUS, _SIDE, _ORD_TYPE, _TIF = _members(OrderStatus), _members(Side), _members(OrdType), _members(TimeInForce)
_KIND, _OUTCOME = _members(RequestKind), _members(LinkOutcome)


def _rebuild(head: Any, parts: Mapping[int, bytes]) -> Loaded:
    totals, positions, segment_parts = head
    ids_issued, orphan_anomalies, marks, desk = _unpickle(totals)
    values = _Values()
    projections = Projections()
    layout = Layout()
    ledger = projections.ledger
    ledger.ids_issued, ledger.orphan_anomalies = int(ids_issued), int(orphan_anomalies)
    orders, by_cl_ord_id = ledger.orders, ledger.by_cl_ord_id
    specs: dict[Row, OrderSpec] = {}
    for part in segment_parts:
        segment = []
        for row in _unpickle(parts[part]):
            order = _order(row, values, specs)
            orders[order.order_id] = order
            by_cl_ord_id[ClOrdId(order.order_id)] = order.order_id  # as the ledger does: its first ClOrdID
            for link in order.chain:
                by_cl_ord_id[link.cl_ord_id] = order.order_id
            segment.append(order.order_id)
        layout.segments.append(segment)
        layout.segment_parts.append(part)
    for row in positions:
        position, fill_parts = _position(row, values, parts)
        projections.positions.by_key[(position.account, position.symbol)] = position
        layout.fill_blocks[(position.account, position.symbol)] = FillBlocks(len(position.fills), 0, fill_parts)
    projections.positions.marks = {symbol: values.decimal[px] for symbol, px in marks}
    for view in projections.desk_views:
        view.load_rows(desk.get(view.name, []))
    projections.exposure.rebuild(ledger)
    return Loaded(projections, layout)


def _order(row: Row, v: _Values, specs: dict[Row, OrderSpec]) -> Order:
    (
        order_id, spec_row, status, cl_ord_id, created_at, updated_at, qty, limit_px, stop_px, resume_status,
        chain, venue_order_id, cum_qty, leaves_qty, avg_px, tally_qty, exec_ids, fills, anomalies, text,
    ) = row  # fmt: skip
    spec = specs.get(spec_row)
    if spec is None:
        spec = specs[spec_row] = _spec(spec_row, v)
    d, t = v.decimal, v.time  # the hot loop of a start: plain dict lookups, no calls
    return Order(
        order_id, spec, _STATUS(status), cl_ord_id, t[created_at], t[updated_at],
        d[qty], None if limit_px is None else d[limit_px], None if stop_px is None else d[stop_px],
        _STATUS(resume_status), [_link(link, v) for link in chain], venue_order_id, d[cum_qty],
        d[leaves_qty], d[avg_px], d[tally_qty], set(exec_ids),
        {e: _fill((d[q], d[px], busted)) for e, q, px, busted in fills}, int(anomalies), text,
    )  # fmt: skip


_fill = Fill._make  # a Fill from a ready tuple, without the named tuple's Python __new__


def _spec(row: Row, v: _Values) -> OrderSpec:
    symbol, side, qty, ord_type, account, destination, trader, tif, limit_px, stop_px, expire_at, parent, text = row
    return OrderSpec(
        symbol, _SIDE(side), v.decimal[qty], _ORD_TYPE(ord_type), account, destination, trader,
        _TIF(tif), v.maybe_decimal(limit_px), v.maybe_decimal(stop_px), None if expire_at is None else
        v.time[expire_at], parent, text,
    )  # fmt: skip


def _link(row: Row, v: _Values) -> ChainLink:
    cl_ord_id, orig, kind, outcome, amendment = row
    terms = None
    if amendment is not None:
        terms = Amendment(v.decimal[amendment[0]], v.maybe_decimal(amendment[1]), v.maybe_decimal(amendment[2]))
    return ChainLink(cl_ord_id, orig, _KIND(kind), _OUTCOME(outcome), terms)


def _position(row: Row, v: _Values, parts: Mapping[int, bytes]) -> tuple[Position, tuple[int, ...]]:
    account, symbol, net_qty, avg_cost, realized, bought, sold, fill_parts = row
    position = Position(
        account, symbol, v.decimal[net_qty], v.decimal[avg_cost], v.decimal[realized], v.decimal[bought],
        v.decimal[sold],
    )  # fmt: skip
    fills, d = position.fills, v.decimal
    for part in fill_parts:
        for order_id, exec_id, qty, px in _unpickle(parts[part]):
            fills[(order_id, exec_id)] = (d[qty], d[px])
    return position, tuple(fill_parts)
