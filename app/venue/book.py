"""A limit order book for one symbol: price-time priority matching, stops, time in force, amendments.

Pure and deterministic: no clock reads (time comes in as an argument), no I/O, no FIX. Every operation
returns the list of `app.venue.results` records it caused, in order; the same operations in the same
order give equal lists. A FIX acceptor turns those records into ExecutionReports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal

from app.engine.enums import OrderStatus, OrdType, Side, TimeInForce
from app.engine.ids import ClOrdId, ExecId, VenueOrderId
from app.venue.checks import Problem, check_new, check_terms
from app.venue.levels import BookSide, Level, PriceLevels, crosses
from app.venue.orders import (
    CancelRequest,
    NewOrder,
    OrderState,
    OwnerId,
    ReplaceRequest,
    RestingOrder,
    VenueIds,
)
from app.venue.registry import KEEP_FINISHED, OrderRegistry
from app.venue.results import (
    Accepted,
    Busted,
    Canceled,
    CancelReason,
    Corrected,
    Expired,
    ExpireReason,
    Fill,
    Rejected,
    RejectReason,
    Replaced,
    RequestKind,
    Result,
    Trade,
    Triggered,
)
from app.venue.triggers import ExpiryQueue, StopQueue

_NOT_RESTING = (TimeInForce.IOC, TimeInForce.FOK)
Request = NewOrder | CancelRequest | ReplaceRequest


class OrderBook:
    """The book of one symbol with its tick size and lot size."""

    def __init__(
        self,
        symbol: str,
        tick: Decimal,
        lot: Decimal,
        ids: VenueIds | None = None,
        keep_finished: int = KEEP_FINISHED,
    ) -> None:
        if not (tick > 0 and lot > 0):
            raise ValueError(f"{symbol}: tick size {tick} and lot size {lot} must be positive")
        self.symbol = symbol
        self.tick = tick
        self.lot = lot
        self.halted = False
        """While halted, new orders and replaces are refused; cancels still work."""
        self.last_price: Decimal | None = None
        """The price of the latest trade: what stops trigger on."""
        self._ids = ids or VenueIds()
        self._bids = BookSide(is_buy=True)
        self._asks = BookSide(is_buy=False)
        self._stops = StopQueue()
        self._expiries = ExpiryQueue()
        self._registry = OrderRegistry(keep_finished)
        self._seq = 0

    # ----------------------------------------------------------------- requests

    def submit(self, order: NewOrder, now: datetime | None = None) -> list[Result]:
        """Accept (or refuse) a new order and match it; with ``now``, a GTD already past is refused."""
        problem = self._check_new(order, now)
        if problem is not None:
            return [self._reject(RequestKind.NEW, problem, order, None)]
        o = self._accept(order)
        out: list[Result] = [Accepted(self._exec_id(), o.snapshot())]
        if o.ord_type.needs_stop_price:
            self._stops.push(o)
        else:
            self._work(o, out)
        self._run_stops(out)
        return out

    def cancel(self, request: CancelRequest) -> list[Result]:
        """Cancel a live order; refused for an unknown order or one already finished."""
        target = self._target(RequestKind.CANCEL, request)
        if isinstance(target, Rejected):
            return [target]
        self._registry.rename(target, request.cl_ord_id)
        out: list[Result] = []
        self._cancel(target, CancelReason.REQUESTED, out, request.orig_cl_ord_id)
        return out

    def replace(self, request: ReplaceRequest) -> list[Result]:
        """Amend quantity and prices; a price change or a quantity increase loses time priority."""
        target = self._target(RequestKind.REPLACE, request)
        if isinstance(target, Rejected):
            return [target]
        unchangeable = _unchangeable(request, target)
        if unchangeable is not None:
            return [self._reject(RequestKind.REPLACE, unchangeable, request, target)]
        price = _or(request.price, target.price) if target.ord_type.needs_limit_price else None
        stop_px = _or(request.stop_px, target.stop_px) if target.waits_for_trigger else target.stop_px
        problem = self._check_replace(request.qty, price, stop_px)
        if problem is not None:
            return [self._reject(RequestKind.REPLACE, problem, request, target)]
        self._registry.rename(target, request.cl_ord_id)
        if request.qty <= target.cum_qty:
            return self._replace_to_done(target, request.qty, request.orig_cl_ord_id)
        if price == target.price and stop_px == target.stop_px and request.qty <= target.qty:
            self._shrink(target, request.qty)
            return [Replaced(self._exec_id(), target.snapshot(), request.orig_cl_ord_id, kept_priority=True)]
        return self._requeue(target, request.qty, price, stop_px, request.orig_cl_ord_id)

    def cancel_all(
        self, owner: OwnerId | None = None, reason: CancelReason = CancelReason.MASS_CANCEL, side: Side | None = None
    ) -> list[Result]:
        """Cancel every live order (of ``owner``, on ``side``, if given), in arrival order: a mass cancel, or the
        venue's own."""
        out: list[Result] = []
        for o in list(self._registry.live.values()):
            if (owner is None or o.owner == owner) and (side is None or o.side is side):
                self._cancel(o, reason, out)
        return out

    # ----------------------------------------------------------------- the venue's own acts

    def withdraw(self, order_id: VenueOrderId) -> list[Result]:
        """The venue cancels a live order unasked (150=4); nothing for an order that is not live."""
        o = self._registry.get(order_id)
        out: list[Result] = []
        if o is not None and o.live:
            self._cancel(o, CancelReason.BY_VENUE, out)
        return out

    def fill_out(self, order_id: VenueOrderId, counterparty: OwnerId) -> list[Result]:
        """``counterparty``, outside the book, takes all a live order has left at its limit price (or the last
        trade's, for an order without one): a fill that wins a race. Nothing when no price is known."""
        o = self._registry.get(order_id)
        price = None if o is None else o.price or self.last_price or o.stop_px
        if o is None or not o.live or price is None:
            return []
        qty = o.leaves
        self._unrest(o)
        o.fill(qty, price)
        self._registry.finish(o)
        self.last_price = price
        side = Side.SELL if o.is_buy else Side.BUY
        other = RestingOrder(
            VenueOrderId(self._ids.order_ids()), counterparty, ClOrdId(f"{counterparty}-{o.order_id}"), self.symbol,
            side, OrdType.LIMIT, TimeInForce.IOC, qty, price, None, None, self._next_seq(), is_buy=not o.is_buy,
        )  # fmt: skip
        other.fill(qty, price)
        buy, sell = (o, other) if o.is_buy else (other, o)
        ids = self._ids
        fills = Fill(ExecId(ids.exec_ids()), buy.snapshot()), Fill(ExecId(ids.exec_ids()), sell.snapshot())
        out: list[Result] = [Trade(ids.trade_ids(), self.symbol, qty, price, other.side, *fills)]
        self._run_stops(out)
        return out

    def bust(self, order_id: VenueOrderId, ref_exec_id: ExecId, qty: Decimal, price: Decimal) -> list[Result]:
        """Cancel an earlier fill of ``qty`` at ``price`` (150=H): CumQty falls; a live order works the quantity
        again where it rests, a finished one stays finished. Nothing for an order the book has forgotten."""
        o = self._registry.get(order_id)
        if o is None:
            return []
        self._refill(o, -qty, -qty * price)
        return [Busted(self._exec_id(), o.snapshot(), ref_exec_id)]

    def correct(
        self, order_id: VenueOrderId, ref_exec_id: ExecId, was: tuple[Decimal, Decimal], qty: Decimal, price: Decimal
    ) -> list[Result]:
        """Correct an earlier fill (``was``: its quantity and price) to ``qty`` at ``price`` (150=G): CumQty and AvgPx
        follow; a live order works the difference where it rests, and ends filled when nothing is left. Nothing for
        an order the book has forgotten, nor for a correction it cannot make: a quantity or price not above zero, or
        more filled than the order's quantity."""
        o = self._registry.get(order_id)
        was_qty, was_price = was
        if o is None or qty <= 0 or price <= 0 or o.cum_qty - was_qty + qty > o.qty:
            return []
        self._refill(o, qty - was_qty, qty * price - was_qty * was_price)
        return [Corrected(self._exec_id(), o.snapshot(), ref_exec_id, qty, price)]

    def expire(self, now: datetime) -> list[Result]:
        """Expire the GTD orders whose expiry time is at or before ``now``, earliest first."""
        out: list[Result] = []
        while (o := self._expiries.pop_due(now)) is not None:
            self._end(o, OrderStatus.EXPIRED)
            out.append(Expired(self._exec_id(), o.snapshot(), ExpireReason.GTD_TIME))
        return out

    def close_session(self) -> list[Result]:
        """The session's close: DAY orders expire, GTC and GTD orders stay."""
        out: list[Result] = []
        for o in list(self._registry.live.values()):
            if o.tif is TimeInForce.DAY:
                self._end(o, OrderStatus.EXPIRED)
                out.append(Expired(self._exec_id(), o.snapshot(), ExpireReason.DAY_CLOSE))
        return out

    def halt(self) -> None:
        """Stop trading: new orders and replaces are refused until `resume`."""
        self.halted = True

    def resume(self) -> None:
        """Trade again after a halt."""
        self.halted = False

    # ----------------------------------------------------------------- queries

    def best_bid(self) -> Decimal | None:
        """The highest resting buy price."""
        level = self._bids.best()
        return None if level is None else level.price

    def best_ask(self) -> Decimal | None:
        """The lowest resting sell price."""
        level = self._asks.best()
        return None if level is None else level.price

    def depth(self, levels: int = 5) -> tuple[PriceLevels, PriceLevels]:
        """Bids and asks, ``levels`` deep each, best first."""
        return self._bids.top(levels), self._asks.top(levels)

    def order(self, order_id: VenueOrderId) -> OrderState | None:
        """An order's current state, finished or not."""
        o = self._registry.get(order_id)
        return None if o is None else o.snapshot()

    def find(self, owner: OwnerId, cl_ord_id: ClOrdId) -> OrderState | None:
        """An owner's order by any ClOrdID of its chain."""
        o = self._registry.by_client(owner, cl_ord_id)
        return None if o is None else o.snapshot()

    def open_orders(self, owner: OwnerId | None = None) -> list[OrderState]:
        """Live orders (of ``owner`` if given) in arrival order, untriggered stops included."""
        return [o.snapshot() for o in self._registry.live.values() if owner is None or o.owner == owner]

    def live_orders(self) -> Iterable[RestingOrder]:
        """Live orders in arrival order."""
        return self._registry.live.values()

    def known_orders(self) -> list[tuple[RestingOrder, list[ClOrdId]]]:
        """Every order the book still knows, live or finished, in the order it took them, each with the ClOrdIDs it
        had before its current one (oldest first): what a venue keeps across a restart."""
        return [(o, self._registry.earlier_cl_ord_ids(o)) for o in self._registry.known()]

    def known(self, order_id: VenueOrderId) -> tuple[RestingOrder, list[ClOrdId]] | None:
        """An order the book still knows, live or finished, with its earlier ClOrdIDs; None once forgotten."""
        o = self._registry.get(order_id)
        return None if o is None else (o, self._registry.earlier_cl_ord_ids(o))

    def restore(self, o: RestingOrder, earlier: Sequence[ClOrdId]) -> None:
        """Put back an order kept across a restart (``earlier``: its former ClOrdIDs, oldest first): a live one with
        its time priority, a finished one only to be found. Restore a book's orders in arrival order, then
        ``uncross`` it before it trades."""
        chain = [*earlier, o.cl_ord_id]
        o.cl_ord_id = chain[0]
        self._registry.add(o)
        for cl_ord_id in chain[1:]:
            self._registry.rename(o, cl_ord_id)
        self._seq = max(self._seq, o.seq)
        if not o.live:
            self._registry.finish(o)
            return
        if o.expire_at is not None:
            self._expiries.push(o)
        if o.waits_for_trigger:
            self._stops.push(o)
        elif o.price is not None:
            self._side(o).add(o, o.price)

    def uncross(self) -> list[Result]:
        """Trade a crossed book (a restored buy at or above a restored or new offer) until it is not: the best bid's
        and best offer's front orders trade, the one that came later (by time priority) taking at the price of the
        one that was there first, as if it had just arrived; then the stops the trades reach. Nothing while halted
        or when the book is not crossed."""
        out: list[Result] = []
        bids, asks = self._bids, self._asks
        while not self.halted:
            bid, ask = bids.best(), asks.best()
            if bid is None or ask is None or bid.price < ask.price:
                break
            buy, sell = bid.front(), ask.front()
            later_buys = buy.seq > sell.seq
            taker, maker, taker_level, maker_level = (buy, sell, bid, ask) if later_buys else (sell, buy, ask, bid)
            qty = min(buy.leaves, sell.leaves)
            self._trade(taker, maker, maker_level, qty, out)
            taker_level.take(qty, not taker.live)
            taker.resting = taker.live
            for level, side in ((bid, bids), (ask, asks)):
                if level.qty <= 0:
                    side.drop(level)
        self._run_stops(out)
        return out

    def resting_orders(self) -> Iterator[OrderState]:
        """Orders in the price levels, bids then asks, each side best first and in time priority."""
        for side in (self._bids, self._asks):
            for level in side.levels():
                yield from (o.snapshot() for o in level.orders())

    # ----------------------------------------------------------------- matching

    def _work(self, o: RestingOrder, out: list[Result]) -> None:
        """Match an arriving (or requeued or triggered) order, then rest or cancel what is left."""
        if o.tif is TimeInForce.FOK and self._available(o) < o.leaves:
            self._cancel(o, CancelReason.FOK_UNFILLED, out)
            return
        self._match(o, out)
        if not o.live:
            return
        if o.is_market:
            self._cancel(o, CancelReason.NO_LIQUIDITY, out)
        elif o.tif in _NOT_RESTING:
            self._cancel(o, CancelReason.IOC_REMAINDER, out)
        else:
            assert o.price is not None
            self._side(o).add(o, o.price)

    def _match(self, o: RestingOrder, out: list[Result]) -> None:
        opposite = self._asks if o.is_buy else self._bids
        limit = None if o.is_market else o.price
        while o.leaves > 0:
            level = opposite.best()
            if level is None or not crosses(o.is_buy, level.price, limit):
                return
            maker = level.front()
            self._trade(o, maker, level, min(o.leaves, maker.leaves), out)
            if level.qty <= 0:
                opposite.drop(level)

    def _trade(self, taker: RestingOrder, maker: RestingOrder, level: Level, qty: Decimal, out: list[Result]) -> None:
        price = level.price
        maker.fill(qty, price)
        taker.fill(qty, price)
        maker_done = maker.status is OrderStatus.FILLED
        level.take(qty, maker_done)
        if maker_done:
            maker.resting = False
            self._registry.finish(maker)
        if taker.status is OrderStatus.FILLED:
            self._registry.finish(taker)
        self.last_price = price
        buy, sell = (taker, maker) if taker.is_buy else (maker, taker)
        ids = self._ids
        buy_fill = Fill(ExecId(ids.exec_ids()), buy.snapshot())
        sell_fill = Fill(ExecId(ids.exec_ids()), sell.snapshot())
        out.append(Trade(ids.trade_ids(), self.symbol, qty, price, taker.side, buy_fill, sell_fill))

    def _available(self, o: RestingOrder) -> Decimal:
        """Quantity the opposite side offers at ``o``'s limit or better, counted up to what ``o`` needs."""
        limit = None if o.is_market else o.price
        total = Decimal(0)
        for level in (self._asks if o.is_buy else self._bids).levels():
            if total >= o.leaves or not crosses(o.is_buy, level.price, limit):
                break
            total += level.qty
        return total

    def _run_stops(self, out: list[Result]) -> None:
        """Trigger the stops the last price has reached, one at a time, until none is left to trigger."""
        while not self.halted and self.last_price is not None:
            o = self._stops.pop_triggered(self.last_price)
            if o is None:
                return
            o.triggered = True
            out.append(Triggered(self._exec_id(), o.snapshot()))
            self._work(o, out)

    # ----------------------------------------------------------------- amendments

    def _replace_to_done(self, o: RestingOrder, qty: Decimal, orig: ClOrdId) -> list[Result]:
        """A replace to at most the filled quantity: the order ends, filled, its quantity amended to what
        filled (FIX 4.4 Appendix D: OrderQty is never reported below CumQty)."""
        self._end(o, OrderStatus.FILLED)
        o.qty = max(qty, o.cum_qty)
        return [Replaced(self._exec_id(), o.snapshot(), orig, kept_priority=False)]

    def _shrink(self, o: RestingOrder, qty: Decimal) -> None:
        """Lower the quantity in place, keeping time priority."""
        if o.resting:
            assert o.price is not None
            level = self._side(o).level_at(o.price)
            assert level is not None
            level.qty -= o.qty - qty
        o.resize(qty)

    def _requeue(
        self, o: RestingOrder, qty: Decimal, price: Decimal | None, stop_px: Decimal | None, orig: ClOrdId
    ) -> list[Result]:
        """New terms that lose time priority: out of the book, back in at the end of the queue."""
        self._unrest(o)
        o.resize(qty)
        o.price, o.stop_px = price, stop_px
        o.seq = self._next_seq()
        out: list[Result] = [Replaced(self._exec_id(), o.snapshot(), orig, kept_priority=False)]
        if o.waits_for_trigger:
            self._stops.push(o)
        else:
            self._work(o, out)
        self._run_stops(out)
        return out

    # ----------------------------------------------------------------- bookkeeping

    def _check_new(self, order: NewOrder, now: datetime | None) -> Problem | None:
        if order.symbol != self.symbol:
            return RejectReason.UNKNOWN_SYMBOL, f"this book trades {self.symbol}, not {order.symbol}"
        if self.halted:
            return RejectReason.HALTED, f"trading in {self.symbol} is halted"
        problem = check_new(order, self.tick, self.lot, now)
        if problem is None and self._registry.by_client(order.owner, order.cl_ord_id) is not None:
            return RejectReason.DUPLICATE_CL_ORD_ID, f"ClOrdID {order.cl_ord_id} is already in use"
        return problem

    def _check_replace(self, qty: Decimal, price: Decimal | None, stop_px: Decimal | None) -> Problem | None:
        if self.halted:
            return RejectReason.HALTED, f"trading in {self.symbol} is halted"
        return check_terms(qty, price, stop_px, self.tick, self.lot)

    def _target(self, kind: RequestKind, request: CancelRequest | ReplaceRequest) -> RestingOrder | Rejected:
        """The live order a cancel or replace is about, or the rejection that answers it."""
        owner, order_id, orig = request.owner, request.order_id, request.orig_cl_ord_id
        o = self._registry.get(order_id) if order_id is not None else self._registry.by_client(owner, orig)
        problem: Problem | None = None
        if request.symbol != self.symbol:
            problem = RejectReason.UNKNOWN_SYMBOL, f"this book trades {self.symbol}, not {request.symbol}"
        elif o is None or o.owner != owner:
            o, problem = None, (RejectReason.UNKNOWN_ORDER, f"no order {order_id or orig} for {owner}")
        elif not o.live:
            problem = RejectReason.TOO_LATE, f"too late: order {o.order_id} is already {o.status.value}"
        elif self._registry.by_client(owner, request.cl_ord_id) not in (None, o):
            problem = RejectReason.DUPLICATE_CL_ORD_ID, f"ClOrdID {request.cl_ord_id} is already in use"
        if problem is None:
            assert o is not None
            return o
        return self._reject(kind, problem, request, o)

    def _reject(self, kind: RequestKind, problem: Problem, request: Request, order: RestingOrder | None) -> Rejected:
        orig = None if isinstance(request, NewOrder) else request.orig_cl_ord_id
        state = None if order is None else order.snapshot()
        exec_id = self._exec_id()
        reason, text = problem
        return Rejected(exec_id, kind, reason, text, request.owner, request.cl_ord_id, orig, self.symbol, state)

    def _accept(self, order: NewOrder) -> RestingOrder:
        oid = VenueOrderId(self._ids.order_ids())
        o = RestingOrder(
            oid,
            order.owner,
            order.cl_ord_id,
            self.symbol,
            order.side,
            order.ord_type,
            order.tif,
            order.qty,
            order.price if order.ord_type.needs_limit_price else None,
            order.stop_px if order.ord_type.needs_stop_price else None,
            order.expire_at if order.tif is TimeInForce.GTD else None,
            self._next_seq(),
            is_buy=order.side.sign > 0,
        )
        self._registry.add(o)
        if o.expire_at is not None:
            self._expiries.push(o)
        return o

    def _refill(self, o: RestingOrder, qty: Decimal, notional: Decimal) -> None:
        """``o`` has ``qty`` more filled (less, when negative), worth ``notional``: a bust or a correction. A live
        order works the difference where it rests and ends filled when nothing is left; a finished one stays
        finished."""
        o.cum_qty += qty
        o.notional += notional
        if not o.live:
            return
        o.leaves -= qty
        if o.resting:
            assert o.price is not None
            level = self._side(o).level_at(o.price)
            assert level is not None
            level.qty -= qty
        if o.leaves <= 0:
            self._end(o, OrderStatus.FILLED)
        else:
            o.status = OrderStatus.PARTIALLY_FILLED if o.cum_qty > 0 else OrderStatus.NEW

    def _cancel(self, o: RestingOrder, reason: CancelReason, out: list[Result], orig: ClOrdId | None = None) -> None:
        self._end(o, OrderStatus.CANCELED)
        out.append(Canceled(self._exec_id(), o.snapshot(), reason, orig))

    def _end(self, o: RestingOrder, status: OrderStatus) -> None:
        """Finish a live order: out of the book and the live set, in its final state."""
        self._unrest(o)
        self._registry.finish(o)
        o.finish(status)

    def _unrest(self, o: RestingOrder) -> None:
        if o.resting:
            assert o.price is not None
            self._side(o).remove(o, o.price)

    def _side(self, o: RestingOrder) -> BookSide:
        return self._bids if o.is_buy else self._asks

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _exec_id(self) -> ExecId:
        return ExecId(self._ids.exec_ids())


def _unchangeable(request: ReplaceRequest, target: RestingOrder) -> Problem | None:
    """A replace may change quantity and prices, never the side or the order type (cancel and send anew)."""
    if request.side is not None and request.side is not target.side:
        change = f"the side from {target.side.label} to {request.side.label}"
    elif request.ord_type is not None and request.ord_type is not target.ord_type:
        change = f"the order type from {target.ord_type.name.lower()} to {request.ord_type.name.lower()}"
    else:
        return None
    return RejectReason.UNCHANGEABLE, f"a replace cannot change {change}; cancel the order and send a new one"


def _or(new: Decimal | None, current: Decimal | None) -> Decimal | None:
    return current if new is None else new
