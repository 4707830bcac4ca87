"""Snapshots of the book in pieces of plain values, loaded only by a program that knows their version.

A snapshot is a small header plus pieces, each a pickle of plain values only (tuples, lists, strings,
numbers, None): an order segment is a run of orders in the order they were made, a fill block a run of one
position's fills in the order they arrived (``book_snapshots`` decides how long a run is). Decimals and times
are text, enums their values. The header holds the ledger's counters, the marks, the desk views' rows, each
position's totals (with how many fills it let go of and what they add up to) with the ids of the blocks of the
fills it holds, and the ids of the order segments. Pieces are stored apart
(``EventStore.save_snapshot_part``) and shared: the next snapshot rewrites only the segments and blocks that
changed (see ``book_snapshots``). Everything is read back by an unpickler that refuses every class and
function, so a doctored piece cannot run code, and rows are turned back into the engine's objects by the
functions below, never by the pickle.

Pieces are laid out for a fast start: a segment or block is stored by columns (one tuple per field, not one
row per order), so loading turns each column into values with C-level ``map`` loops over memo lookups, and each
distinct decimal text is written once per piece (one object, so the pickle refers back to it) and read once.

Its schema version is stored beside it: a snapshot from a newer program is refused with a clear error,
one from an older program is set aside so the log is replayed from the start (never misread). Raise
``SCHEMA_VERSION`` whenever a row below changes shape.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from functools import partial
from itertools import chain, islice, repeat
from operator import attrgetter, itemgetter
from typing import Any, cast

from app.engine import collector
from app.engine.enums import OrderStatus, OrdType, Side, TimeInForce
from app.engine.errors import SnapshotVersionError, StoreCorruptError
from app.engine.fast_init import new_tuple
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.order import Amendment, ChainLink, Fill, LinkOutcome, Order, OrderSpec, RequestKind
from app.engine.positions import FillKey, Position
from app.engine.projections import Projections
from app.engine.store_records import Snapshot

SCHEMA_VERSION = 7
"""6: segments and fill blocks by columns, an order's fills as two lists; 5: the anomaly book's desk view; 4: in
pieces (order segments, fill blocks) under a header; 3: one pickle with desk views; 2: rows of plain values (1 was a
pickle of the engine's objects). Raise it when a row changes shape."""

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


Progress = Callable[[int, int], None]
"""Called as (order segments loaded, segments in all) while a snapshot is loaded."""
_PROGRESS_EVERY = 50
"""Segments between progress reports (10,000 orders)."""


def load(snap: Snapshot, progress: Progress | None = None) -> Loaded | None:
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
            return _rebuild(_unpickle(snap.blob), snap.parts, progress)
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


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def time_texts() -> Mapping[datetime | None, str | None]:
    """Times to their ISO text, each distinct time formatted once, for ``OrderSegment``: the orders of a book share the
    few times of the batches that made and changed them, and formatting a time costs more than the rest of an order."""
    texts = _Memo(datetime.isoformat)
    texts[None] = None  # a time left out (a spec's expiry)
    return texts


def order_as_it_stands(o: Order) -> Order:
    """A copy of ``o`` that later events leave alone (its chain links, exec ids and fills copied too): a snapshot keeps
    one of an order that is about to change before its segment is written."""
    links = [replace(link) for link in o.chain]  # links are changed in place (a request's outcome)
    return replace(o, chain=links, exec_ids=set(o.exec_ids), fills=dict(o.fills))


_SCALARS = 17
"""The fields of an order with one plain value each; the spec is the second."""
_DECIMAL_COLUMNS = (6, 7, 8, 11, 12, 13, 14)
"""Those holding decimal texts: quantity, limit and stop price, cum, leaves, average price, tally."""
_LINK_FIELDS = tuple(map(attrgetter, ("cl_ord_id", "orig_cl_ord_id", "kind._value_", "outcome._value_", "amendment")))
_QTY, _PX, _BUSTED = map(itemgetter, range(3))
_SPEC, _CHAIN, _EXEC_IDS, _FILLS = attrgetter("spec"), attrgetter("chain"), attrgetter("exec_ids"), attrgetter("fills")


class OrderSegment:
    """The piece of one segment of orders, built a run of orders at a time (``add``) and then packed (``piece``).

    The piece holds: a column per scalar field (the spec as an index into the segment's distinct specs), the
    distinct specs, and the chains, exec ids and fills of all its orders run together as columns, with how many
    each order has. No container per order is left to build but the order's own. Columns are made by C-level
    ``map`` loops over the orders' attributes (enums by ``_value_``, a plain attribute, not the ``value``
    descriptor), so an order costs a few microseconds, not one Python call per field.
    """

    def __init__(self, times: Mapping[datetime | None, str | None]) -> None:
        self._times = times
        self._columns: list[list[Any]] = [[] for _ in range(_SCALARS)]
        self._specs: dict[Row, int] = {}
        self._chain_counts: list[int] = []
        self._link_columns: list[list[Any]] = [[] for _ in _LINK_FIELDS]
        self._exec_counts: list[int] = []
        self._exec_ids: list[str] = []
        self._fill_counts: list[int] = []
        self._fill_ids: list[str] = []
        self._fill_columns: list[list[Any]] = [[], [], []]
        """Quantities, prices (as text) and whether busted."""

    def add(self, orders: Sequence[Order]) -> None:
        """Add ``orders`` (as they stand now) after those added before."""
        time = self._times.__getitem__
        columns, specs = self._columns, self._specs
        spec_index = [specs.setdefault(row, len(specs)) for row in _spec_rows(orders, time)]
        for n, values in enumerate(
            (
                map(attrgetter("order_id"), orders),
                spec_index,
                map(attrgetter("status._value_"), orders),
                map(attrgetter("cl_ord_id"), orders),
                map(time, map(attrgetter("created_at"), orders)),
                map(time, map(attrgetter("updated_at"), orders)),
                map(str, map(attrgetter("qty"), orders)),
                map(_text, map(attrgetter("limit_px"), orders)),
                map(_text, map(attrgetter("stop_px"), orders)),
                map(attrgetter("resume_status._value_"), orders),
                map(attrgetter("venue_order_id"), orders),
                *(map(str, map(attrgetter(name), orders)) for name in ("cum_qty", "leaves_qty", "avg_px", "tally_qty")),
                map(attrgetter("anomalies"), orders),
                map(attrgetter("text"), orders),
            )
        ):
            columns[n] += values
        chains = list(map(_CHAIN, orders))
        self._chain_counts += map(len, chains)
        links = list(chain.from_iterable(chains))
        for column, field_of in zip(self._link_columns, _LINK_FIELDS, strict=True):
            column += map(field_of, links)  # read now: links change in place
        exec_ids = list(map(sorted, map(_EXEC_IDS, orders)))
        self._exec_counts += map(len, exec_ids)
        self._exec_ids += chain.from_iterable(exec_ids)
        fills = list(map(_FILLS, orders))
        self._fill_counts += map(len, fills)
        self._fill_ids += chain.from_iterable(fills)
        terms = list(chain.from_iterable(map(dict.values, fills)))
        qty, px, busted = self._fill_columns
        qty += map(str, map(_QTY, terms))
        px += map(str, map(_PX, terms))
        busted += map(_BUSTED, terms)

    def piece(self) -> bytes:
        """The bytes of the segment's piece."""
        columns: list[tuple[Any, ...]] = list(map(tuple, self._columns))
        for n in _DECIMAL_COLUMNS:
            columns[n] = _shared(columns[n])
        links = list(map(tuple, self._link_columns))
        links[4] = tuple(map(_amendment_row, links[4]))
        return pack(
            (
                columns,
                list(self._specs),
                self._chain_counts,
                *links,
                self._exec_counts,
                self._exec_ids,
                self._fill_counts,
                self._fill_ids,
                *map(_shared, self._fill_columns),
            )
        )


def _spec_rows(orders: Sequence[Order], time: Callable[[datetime | None], str | None]) -> Iterator[Row]:
    """The orders' specs as rows of plain values, field by field."""
    specs = list(map(_SPEC, orders))

    def values(name: str) -> Iterator[Any]:
        return map(attrgetter(name), specs)

    return zip(
        values("symbol"), values("side._value_"), map(str, values("qty")), values("ord_type._value_"),
        values("account"), values("destination"), values("trader"), values("tif._value_"),
        map(_text, values("limit_px")), map(_text, values("stop_px")), map(time, values("expire_at")),
        values("parent_id"), values("text"), strict=True,
    )  # fmt: skip


def _shared(texts: Sequence[str | None]) -> tuple[str | None, ...]:
    """The texts with each distinct one the same object: the pickle then writes it once and refers back to it."""
    first: dict[str | None, str | None] = {}
    return tuple(map(first.setdefault, texts, texts))


def _amendment_row(a: Amendment | None) -> Row | None:
    return None if a is None else (str(a.qty), _text(a.limit_px), _text(a.stop_px))


def position_row(p: Position) -> Row:
    """One position's totals, how many fills it let go of and what they add up to, as a row of plain values (the
    header adds the pieces holding the fills it holds)."""
    return (
        p.account, p.symbol, str(p.net_qty), str(p.avg_cost), str(p.realized_pnl), str(p.bought_qty),
        str(p.sold_qty), p.earlier, tuple(map(str, p.opening)),
    )  # fmt: skip


def fill_block(fills: list[tuple[FillKey, tuple[Decimal, Decimal]]]) -> bytes:
    """Position fills (key, (signed qty, price)) as the bytes of one block: columns of order ids, exec ids, quantities
    and prices."""
    order_ids = [order_id for (order_id, _), _ in fills]
    exec_ids = [exec_id for (_, exec_id), _ in fills]
    qty, px = _shared([str(qty) for _, (qty, _) in fills]), _shared([str(px) for _, (_, px) in fills])
    return pack((order_ids, exec_ids, qty, px))


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
    """Text back to values, each distinct text converted once: a book repeats its prices and times a lot.

    ``None`` (an optional price or time left out) maps to itself, so optional and required fields are read alike.
    Fills, amendments and specs are immutable: the orders with the same ones share one.
    """

    def __init__(self) -> None:
        self.decimal = _Memo(Decimal)
        self.time = _Memo(datetime.fromisoformat)
        self.decimal[None] = self.time[None] = None
        d = self.decimal
        self.fill = _Memo(lambda terms: new_tuple(Fill, (d[terms[0]], d[terms[1]], bool(terms[2]))))
        self.position_fill = _Memo(lambda terms: (d[terms[0]], d[terms[1]]))
        self.amendment = _Memo(lambda terms: Amendment(d[terms[0]], d[terms[1]], d[terms[2]]))
        self.amendment[None] = None
        self.spec = _Memo(partial(_spec, values=self))


def _members(enum: Any) -> Callable[[str], Any]:
    """The member of ``enum`` with a value (KeyError for an unknown one), by one dict lookup."""
    return {member.value: member for member in enum}.__getitem__


_STATUS, _SIDE, _ORD_TYPE, _TIF = _members(OrderStatus), _members(Side), _members(OrdType), _members(TimeInForce)
_KIND, _OUTCOME = _members(RequestKind), _members(LinkOutcome)


def _rebuild(head: Any, parts: Mapping[int, bytes], progress: Progress | None) -> Loaded:
    totals, positions, segment_parts = head
    ids_issued, orphan_anomalies, marks, desk = _unpickle(totals)
    values = _Values()
    projections = Projections()
    layout = Layout()
    ledger = projections.ledger
    ledger.ids_issued, ledger.orphan_anomalies = int(ids_issued), int(orphan_anomalies)
    orders, by_cl_ord_id = ledger.orders, ledger.by_cl_ord_id
    for done, part in enumerate(segment_parts):
        if progress is not None and done % _PROGRESS_EVERY == 0:
            progress(done, len(segment_parts))
        order_ids, segment = _segment(_unpickle(parts[part]), values)
        orders.update(zip(order_ids, segment, strict=True))
        first_ids = cast("list[ClOrdId]", order_ids)  # as the ledger does: an order's id is its first ClOrdID
        by_cl_ord_id.update(zip(first_ids, order_ids, strict=True))
        by_cl_ord_id.update([(link.cl_ord_id, order.order_id) for order in segment for link in order.chain])
        layout.segments.append(order_ids)
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


def _segment(piece: tuple[Any, ...], v: _Values) -> tuple[list[OrderId], list[Order]]:
    """The order ids and orders of one segment's piece: each column turned into values by one C-level ``map``."""
    columns, spec_rows, link_counts, *link_columns, exec_counts, exec_ids, fill_counts, fill_ids = piece[:-3]
    fill_qty, fill_px, fill_busted = piece[-3:]
    (
        order_ids, spec_index, statuses, cl_ord_ids, created_at, updated_at, qty, limit_px, stop_px, resume_status,
        venue_order_ids, cum_qty, leaves_qty, avg_px, tally_qty, anomalies, texts,
    ) = columns  # fmt: skip
    if len({len(order_ids), *map(len, columns), len(link_counts), len(exec_counts), len(fill_counts)}) != 1:
        raise ValueError("the columns of an order segment differ in length")
    d, t = v.decimal.__getitem__, v.time.__getitem__
    specs = list(map(v.spec.__getitem__, spec_rows))
    links = iter(_links(link_columns, v))
    chains = map(list, map(islice, repeat(links), link_counts))
    exec_sets = map(set, map(islice, repeat(iter(exec_ids)), exec_counts))
    fills = iter(map(v.fill.__getitem__, zip(fill_qty, fill_px, fill_busted, strict=True)))
    fill_keys = map(islice, repeat(iter(fill_ids)), fill_counts)
    fill_dicts = map(dict, map(partial(zip, strict=True), fill_keys, map(islice, repeat(fills), fill_counts)))
    orders = list(
        map(
            Order, order_ids, map(specs.__getitem__, spec_index), map(_STATUS, statuses), cl_ord_ids,
            map(t, created_at), map(t, updated_at), map(d, qty), map(d, limit_px), map(d, stop_px),
            map(_STATUS, resume_status), chains, venue_order_ids, map(d, cum_qty), map(d, leaves_qty), map(d, avg_px),
            map(d, tally_qty), exec_sets, fill_dicts, map(int, anomalies), texts,
        )
    )  # fmt: skip
    if next(links, None) is not None or next(fills, None) is not None:
        raise ValueError("an order segment holds more chain links or fills than its orders")
    return list(order_ids), orders


def _links(columns: list[tuple[Any, ...]], v: _Values) -> list[ChainLink]:
    """The chain links of a segment's orders, run together, from their columns."""
    cl_ord_ids, origs, kinds, outcomes, amendments = columns
    terms = map(v.amendment.__getitem__, amendments)
    return list(map(ChainLink, cl_ord_ids, origs, map(_KIND, kinds), map(_OUTCOME, outcomes), terms))


def _spec(row: Row, values: _Values) -> OrderSpec:
    symbol, side, qty, ord_type, account, destination, trader, tif, limit_px, stop_px, expire_at, parent, text = row
    d = values.decimal
    return OrderSpec(
        symbol, _SIDE(side), d[qty], _ORD_TYPE(ord_type), account, destination, trader, _TIF(tif), d[limit_px],
        d[stop_px], values.time[expire_at], parent, text,
    )  # fmt: skip


def _position(row: Row, v: _Values, parts: Mapping[int, bytes]) -> tuple[Position, tuple[int, ...]]:
    account, symbol, net_qty, avg_cost, realized, bought, sold, earlier, opening, fill_parts = row
    position = Position(
        account, symbol, v.decimal[net_qty], v.decimal[avg_cost], v.decimal[realized], v.decimal[bought],
        v.decimal[sold], earlier=earlier, opening=tuple(map(v.decimal.__getitem__, opening)),
    )  # fmt: skip
    for part in fill_parts:
        order_ids, exec_ids, qty, px = _unpickle(parts[part])
        terms = map(v.position_fill.__getitem__, zip(qty, px, strict=True))
        position.fills.update(zip(zip(order_ids, exec_ids, strict=True), terms, strict=True))
    return position, tuple(fill_parts)
