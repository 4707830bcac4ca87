"""Snapshots of the projections: a compact form of plain values, loaded only by a program that knows its version.

A snapshot is one pickle of plain values only (tuples, lists, strings, numbers, None): each order and
position is a row of its fields in a fixed order, decimals and times as text, enums as their values. It
is read back by an unpickler that refuses every class and function, so a doctored blob cannot run code,
and rows are turned back into the engine's objects by the functions below, never by the pickle.

Its schema version is stored beside it: a snapshot from a newer program is refused with a clear error,
one from an older program is set aside so the log is replayed from the start (never misread). Raise
``SCHEMA_VERSION`` whenever a row below changes shape.
"""

from __future__ import annotations

import gc
import io
import pickle
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.engine.enums import OrderStatus, OrdType, Side, TimeInForce
from app.engine.errors import SnapshotVersionError, StoreCorruptError
from app.engine.ids import ClOrdId
from app.engine.order import Amendment, ChainLink, Fill, LinkOutcome, Order, OrderSpec, RequestKind
from app.engine.positions import Position
from app.engine.projections import Projections

SCHEMA_VERSION = 3
"""3: desk views added; 2: rows of plain values (1 was a pickle of the engine's objects). Raise it when a row
changes shape."""

Row = tuple[Any, ...]


def dump(projections: Projections) -> bytes:
    """The projections as snapshot bytes."""
    ledger, positions = projections.ledger, projections.positions
    book = (
        ledger.ids_issued,
        ledger.orphan_anomalies,
        [_order_row(order) for order in ledger],
        [_position_row(position) for position in positions.by_key.values()],
        [(symbol, str(px)) for symbol, px in positions.marks.items()],
        {view.name: view.rows() for view in projections.desk_views},
    )
    gc.disable()  # millions of small objects: collection passes would only slow this down
    try:
        return pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        gc.enable()


def load(blob: bytes, schema_version: int) -> Projections | None:
    """The projections in ``blob``, or None when it is from an older schema this program does not read."""
    if schema_version > SCHEMA_VERSION:
        raise SnapshotVersionError(
            f"The saved book was written by a newer version of this program (snapshot schema {schema_version}, "
            f"this program reads up to {SCHEMA_VERSION}). Run the newer version, or move the data file aside."
        )
    if schema_version < SCHEMA_VERSION:
        return None
    gc.disable()  # loading makes millions of objects; collection passes would more than double the time
    try:
        return _rebuild(_PlainUnpickler(io.BytesIO(blob)).load())
    except pickle.UnpicklingError as err:
        raise StoreCorruptError(f"The saved snapshot of the book is damaged ({err}).") from err
    except (EOFError, IndexError, KeyError, TypeError, ValueError, ArithmeticError) as err:
        raise StoreCorruptError(f"The saved snapshot of the book is damaged ({type(err).__name__}: {err}).") from err
    finally:
        gc.enable()


class _PlainUnpickler(pickle.Unpickler):
    """Admits plain values only: any class or function named in the blob is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a snapshot may not name {module}.{name}")


# Writing rows ---------------------------------------------------------------------------------------


def _text(value: Decimal | datetime | None) -> str | None:
    return None if value is None else str(value) if isinstance(value, Decimal) else value.isoformat()


def _order_row(o: Order) -> Row:
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
        o.order_id, spec, o.status.value, o.cl_ord_id, o.created_at.isoformat(), o.updated_at.isoformat(),
        str(o.qty), _text(o.limit_px), _text(o.stop_px), o.resume_status.value, chain, o.venue_order_id,
        str(o.cum_qty), str(o.leaves_qty), str(o.avg_px), str(o.tally_qty), sorted(o.exec_ids), fills,
        o.anomalies, o.text,
    )  # fmt: skip


def _amendment_row(a: Amendment | None) -> Row | None:
    return None if a is None else (str(a.qty), _text(a.limit_px), _text(a.stop_px))


def _position_row(p: Position) -> Row:
    fills = [(order_id, exec_id, str(qty), str(px)) for (order_id, exec_id), (qty, px) in p.fills.items()]
    return (
        p.account, p.symbol, str(p.net_qty), str(p.avg_cost), str(p.realized_pnl), str(p.bought_qty),
        str(p.sold_qty), fills,
    )  # fmt: skip


# Reading rows ---------------------------------------------------------------------------------------


class _Values:
    """Text back to values, each distinct text converted once: a book repeats its prices and times a lot."""

    def __init__(self) -> None:
        self._decimals: dict[str, Decimal] = {}
        self._times: dict[str, datetime] = {}

    def decimal(self, text: str) -> Decimal:
        value = self._decimals.get(text)
        if value is None:
            value = self._decimals[text] = Decimal(text)
        return value

    def maybe_decimal(self, text: str | None) -> Decimal | None:
        return None if text is None else self.decimal(text)

    def time(self, text: str) -> datetime:
        value = self._times.get(text)
        if value is None:
            value = self._times[text] = datetime.fromisoformat(text)
        return value


def _members(enum: Any) -> Callable[[str], Any]:
    """The member of ``enum`` with a value (KeyError for an unknown one), by one dict lookup."""
    return {member.value: member for member in enum}.__getitem__


_STATUS, _SIDE, _ORD_TYPE, _TIF = _members(OrderStatus), _members(Side), _members(OrdType), _members(TimeInForce)
_KIND, _OUTCOME = _members(RequestKind), _members(LinkOutcome)


def _rebuild(book: Any) -> Projections:
    ids_issued, orphan_anomalies, orders, positions, marks, desk = book
    values = _Values()
    projections = Projections()
    ledger = projections.ledger
    ledger.ids_issued, ledger.orphan_anomalies = int(ids_issued), int(orphan_anomalies)
    by_cl_ord_id = ledger.by_cl_ord_id
    specs: dict[Row, OrderSpec] = {}
    for row in orders:
        order = _order(row, values, specs)
        ledger.orders[order.order_id] = order
        by_cl_ord_id[ClOrdId(order.order_id)] = order.order_id  # as the ledger does: an order's id is its first ClOrdID
        for link in order.chain:
            by_cl_ord_id[link.cl_ord_id] = order.order_id
    for row in positions:
        position = _position(row, values)
        projections.positions.by_key[(position.account, position.symbol)] = position
    projections.positions.marks = {symbol: values.decimal(px) for symbol, px in marks}
    for view in projections.desk_views:
        view.load_rows(desk.get(view.name, []))
    projections.exposure.rebuild(ledger)
    return projections


def _order(row: Row, v: _Values, specs: dict[Row, OrderSpec]) -> Order:
    (
        order_id, spec_row, status, cl_ord_id, created_at, updated_at, qty, limit_px, stop_px, resume_status,
        chain, venue_order_id, cum_qty, leaves_qty, avg_px, tally_qty, exec_ids, fills, anomalies, text,
    ) = row  # fmt: skip
    spec = specs.get(spec_row)
    if spec is None:
        spec = specs[spec_row] = _spec(spec_row, v)
    return Order(
        order_id, spec, _STATUS(status), cl_ord_id, v.time(created_at), v.time(updated_at),
        v.decimal(qty), v.maybe_decimal(limit_px), v.maybe_decimal(stop_px), _STATUS(resume_status),
        [_link(link, v) for link in chain], venue_order_id, v.decimal(cum_qty),
        v.decimal(leaves_qty), v.decimal(avg_px), v.decimal(tally_qty), set(exec_ids),
        {e: Fill(v.decimal(q), v.decimal(px), busted) for e, q, px, busted in fills}, int(anomalies), text,
    )  # fmt: skip


def _spec(row: Row, v: _Values) -> OrderSpec:
    symbol, side, qty, ord_type, account, destination, trader, tif, limit_px, stop_px, expire_at, parent, text = row
    return OrderSpec(
        symbol, _SIDE(side), v.decimal(qty), _ORD_TYPE(ord_type), account, destination, trader,
        _TIF(tif), v.maybe_decimal(limit_px), v.maybe_decimal(stop_px), None if expire_at is None else
        v.time(expire_at), parent, text,
    )  # fmt: skip


def _link(row: Row, v: _Values) -> ChainLink:
    cl_ord_id, orig, kind, outcome, amendment = row
    terms = None
    if amendment is not None:
        terms = Amendment(v.decimal(amendment[0]), v.maybe_decimal(amendment[1]), v.maybe_decimal(amendment[2]))
    return ChainLink(cl_ord_id, orig, _KIND(kind), _OUTCOME(outcome), terms)


def _position(row: Row, v: _Values) -> Position:
    account, symbol, net_qty, avg_cost, realized, bought, sold, fills = row
    position = Position(
        account, symbol, v.decimal(net_qty), v.decimal(avg_cost), v.decimal(realized), v.decimal(bought),
        v.decimal(sold),
    )  # fmt: skip
    position.fills = {(o, e): (v.decimal(q), v.decimal(px)) for o, e, q, px in fills}
    return position
