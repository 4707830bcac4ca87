"""What a venue keeps across a restart: its clients' orders of the trading day and its id counters.

Each client order the venue's books still know, working or finished (the market makers' quotes are not kept: they
quote anew), with its OrderID, its ClOrdID chain, side, type, time in force, quantity, prices, expiry, filled quantity
and notional (so CumQty and AvgPx carry on), status, time priority and the Account (1) its reports echo: a working
order works again, a finished one answers an OrderStatusRequest with its final state (150=I) until the venue's day
roll drops it. And the counters behind
OrderIDs, ExecIDs and match ids, so no id given out before the restart is given again.

``changes`` is what to write at a save: the counters and only the orders whose state changed since the last save (the
venue application notes them, ``VenueApplication.touched``), or the OrderIDs of those the books forgot; ``saved_state``
is everything, as a first save writes it. A save comes before the reports of a client's order changing go out (and
at least every ``_IDS_BETWEEN_SAVES`` ids the makers' requotes use), but reports that change no client order (status
answers, acks of requests still held) give out ids too, so a crash can come after reports whose ids the last save does
not count: ``restore`` carries each counter on past ``RESTART_GAP`` more ids
than saved (a desk that applied ExecID N before the crash must never see N name another fill). ``restore`` puts the
orders back into the books of a venue just built, working ones behind the makers' first quotes at the same price (a
restored book may be crossed: the venue's first market step trades it, ``OrderBook.uncross``), and has each session's
ClOrdID log remember the ClOrdIDs its orders carry.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.engine.enums import OrderStatus, OrdType, Side, TimeInForce
from app.engine.ids import ClOrdId, VenueOrderId
from app.venue.book import OrderBook
from app.venue.orders import IdSource, NewOrder, OwnerId, ReplaceRequest, RestingOrder
from app.venue.venue_app import VenueApplication
from app.venue.venue_store import OrderRow, SavedVenue, VenueChanges

_VERSION = 2
_READS = (1, 2)
"""Version 1 kept the working orders inside the counters' document; version 2 keeps one row per order."""

RESTART_GAP = 1_000_000
"""Ids skipped at a restart: far more than a venue gives out between two saves."""


def saved_state(app: VenueApplication) -> VenueChanges:
    """Every client order the venue's books know, and its id counters: a save from nothing."""
    rows = [
        _row(app, o, earlier)
        for symbol in app.engine.symbols
        for o, earlier in _book(app, symbol).known_orders()
        if o.owner not in app.writer.house
    ]
    return VenueChanges(_counters_json(app), rows, [])


def changes(app: VenueApplication, day_rolled: bool = False) -> VenueChanges:
    """The id counters and the client orders changed since the last call (``app.touched``, emptied): what a save
    writes. ``day_rolled``: the venue's trading day ended, its finished orders go."""
    touched = app.touched or {}
    rows: list[OrderRow] = []
    gone: list[str] = []
    for order_id, symbol in touched.items():
        known = _book(app, symbol).known(order_id)
        if known is None:
            gone.append(order_id)
        else:
            rows.append(_row(app, *known))
    touched.clear()
    return VenueChanges(_counters_json(app), rows, gone, day_rolled)


def restore(app: VenueApplication, saved: SavedVenue) -> int:
    """Put back what was saved into ``app``, a venue just built; how many orders came back."""
    state = json.loads(saved.counters)
    if state.get("version") not in _READS:
        raise ValueError(f"the venue store holds state version {state.get('version')}, this simulator reads {_VERSION}")
    for source, number in zip(_sources(app), state["counters"], strict=True):
        source.continue_from(number + RESTART_GAP)
    inline = state.get("orders", ())
    if app.touched is not None:  # version 1: the first save replaces the document they came in, so they go as rows
        app.touched.update((VenueOrderId(item["order_id"]), item["symbol"]) for item in inline)
    items = sorted([*inline, *(json.loads(row) for row in saved.orders)], key=lambda item: item["seq"])
    for item in items:
        o, earlier = _order_from(item)
        _book(app, o.symbol).restore(o, earlier)
        _remember(app, o, earlier)
        if item.get("account"):
            app.writer.accounts[o.order_id] = item["account"]
    return len(items)


def counters_mark(app: VenueApplication) -> tuple[int, ...]:
    """A value that moves each time the id counters pass another ``_IDS_BETWEEN_SAVES``: with nothing of the
    clients' changed, the venue saves again only then. (The makers requote at every step and give out ids as they
    do; saving for that alone would write four times a second.)"""
    return tuple(count // _IDS_BETWEEN_SAVES for count in _counters(app))


_IDS_BETWEEN_SAVES = RESTART_GAP // 10
"""At most this many ids given out between two saves however quiet the clients are, well inside ``RESTART_GAP``."""


def _book(app: VenueApplication, symbol: str) -> OrderBook:
    book = app.engine.book(symbol)
    if book is None:
        raise ValueError(f"the venue store holds an order in {symbol}, which venue {app.profile.name} does not list")
    return book


def _sources(app: VenueApplication) -> list[IdSource]:
    ids = app.engine.ids
    return [ids.order_ids, ids.exec_ids, ids.trade_ids, app.report_ids]


def _counters(app: VenueApplication) -> list[int]:
    return [source.next_number for source in _sources(app)]


def _counters_json(app: VenueApplication) -> str:
    return json.dumps({"version": _VERSION, "counters": _counters(app)}, separators=(",", ":"))


def _row(app: VenueApplication, o: RestingOrder, earlier: list[ClOrdId]) -> OrderRow:
    state = _order_json(o, earlier, app.writer.accounts.get(o.order_id))
    return OrderRow(o.order_id, o.live, json.dumps(state, separators=(",", ":")))


def _order_json(o: RestingOrder, earlier: list[ClOrdId], account: str | None) -> dict[str, object]:
    return {
        "order_id": o.order_id,
        "owner": o.owner,
        "cl_ord_ids": [*earlier, o.cl_ord_id],
        "symbol": o.symbol,
        "side": o.side.name,
        "ord_type": o.ord_type.name,
        "tif": o.tif.name,
        "qty": str(o.qty),
        "price": _text(o.price),
        "stop_px": _text(o.stop_px),
        "expire_at": None if o.expire_at is None else o.expire_at.isoformat(),
        "seq": o.seq,
        "cum_qty": str(o.cum_qty),
        "notional": str(o.notional),
        "status": o.status.name,
        "triggered": o.triggered,
        "account": account,
    }


def _order_from(item: dict[str, Any]) -> tuple[RestingOrder, list[ClOrdId]]:
    *earlier, current = (ClOrdId(c) for c in item["cl_ord_ids"])
    side = Side[item["side"]]
    o = RestingOrder(
        order_id=VenueOrderId(item["order_id"]),
        owner=OwnerId(item["owner"]),
        cl_ord_id=current,
        symbol=item["symbol"],
        side=side,
        ord_type=OrdType[item["ord_type"]],
        tif=TimeInForce[item["tif"]],
        qty=Decimal(item["qty"]),
        price=_decimal(item["price"]),
        stop_px=_decimal(item["stop_px"]),
        expire_at=None if item["expire_at"] is None else datetime.fromisoformat(item["expire_at"]),
        seq=item["seq"],
        is_buy=side.sign > 0,
        cum_qty=Decimal(item["cum_qty"]),
        notional=Decimal(item["notional"]),
        status=OrderStatus[item["status"]],
        triggered=item["triggered"],
    )
    if not o.live:
        o.finish(o.status)
    return o, earlier


def _remember(app: VenueApplication, o: RestingOrder, earlier: list[ClOrdId]) -> None:
    """The session that owns ``o`` has used every ClOrdID of its chain: the first on a new order, the rest on
    replaces (the log keeps which request first carried each, to refuse or recognise a reuse)."""
    chain = [*earlier, o.cl_ord_id]
    log = app.cl_ord_ids
    log.remember(o.owner, NewOrder(o.owner, chain[0], o.symbol, o.side, o.qty, o.ord_type, o.price, o.stop_px, o.tif))
    for orig, cl_ord_id in itertools.pairwise(chain):
        log.remember(o.owner, ReplaceRequest(o.owner, cl_ord_id, orig, o.symbol, o.qty, o.price, o.stop_px))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
