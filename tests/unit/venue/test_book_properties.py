"""Invariants of the book over random sequences of orders, cancels, replaces, expiries and closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.engine.enums import OrderStatus, OrdType, Side, TimeInForce
from app.engine.ids import ClOrdId, VenueOrderId
from app.venue.book import OrderBook
from app.venue.orders import CancelRequest, NewOrder, OrderState, OwnerId, ReplaceRequest
from app.venue.results import Rejected, Result, Trade

TICK, LOT = Decimal("0.01"), Decimal("10")
START = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
OWNERS = [OwnerId("a"), OwnerId("b"), OwnerId("c")]


@dataclass(frozen=True)
class New:
    owner: int
    side: Side
    ord_type: OrdType
    tif: TimeInForce
    lots: int
    ticks: int
    stop_ticks: int
    expire_minutes: int


@dataclass(frozen=True)
class Cancel:
    pick: int


@dataclass(frozen=True)
class Replace:
    pick: int
    lots: int
    ticks: int


@dataclass(frozen=True)
class Expire:
    minutes: int


@dataclass(frozen=True)
class Close:
    pass


Op = New | Cancel | Replace | Expire | Close


def _new() -> st.SearchStrategy[New]:
    return st.builds(
        New,
        st.integers(0, 2),
        st.sampled_from([Side.BUY, Side.SELL, Side.SELL_SHORT]),
        st.sampled_from([OrdType.LIMIT] * 4 + [OrdType.MARKET, OrdType.STOP, OrdType.STOP_LIMIT]),
        st.sampled_from([TimeInForce.DAY, TimeInForce.GTC] * 2 + [TimeInForce.IOC, TimeInForce.FOK, TimeInForce.GTD]),
        st.integers(1, 6),
        st.integers(995, 1005),
        st.integers(995, 1005),
        st.integers(0, 30),
    )


_ops = st.lists(
    st.one_of(
        *[_new() for _ in range(6)],
        st.builds(Cancel, st.integers(0, 1000)),
        st.builds(Replace, st.integers(0, 1000), st.integers(0, 8), st.integers(995, 1005)),
        st.builds(Expire, st.integers(0, 30)),
        st.just(Close()),
    ),
    min_size=20,
    max_size=80,
)


class Run:
    """Plays operations on a fresh book, keeping every result."""

    def __init__(self) -> None:
        self.book = OrderBook("SIM", TICK, LOT)
        self.sent: list[tuple[OwnerId, ClOrdId]] = []
        self.now = START
        self.n = 0

    def play(self, op: Op) -> list[Result]:
        self.n += 1
        if isinstance(op, New):
            return self._new(op)
        if isinstance(op, Expire):
            self.now += timedelta(minutes=op.minutes)
            return self.book.expire(self.now)
        if isinstance(op, Close):
            return self.book.close_session()
        if not self.sent:
            return []
        owner, cl = self.sent[op.pick % len(self.sent)]
        new_cl = ClOrdId(f"{cl}.{self.n}")
        if isinstance(op, Cancel):
            out = self.book.cancel(CancelRequest(owner, new_cl, cl, "SIM"))
        else:
            price = TICK * op.ticks
            out = self.book.replace(ReplaceRequest(owner, new_cl, cl, "SIM", LOT * op.lots, price, price))
        if not isinstance(out[0], Rejected):
            self.sent.append((owner, new_cl))
        return out

    def _new(self, op: New) -> list[Result]:
        owner, cl = OWNERS[op.owner], ClOrdId(f"n{self.n}")
        self.sent.append((owner, cl))
        expire_at = self.now + timedelta(minutes=op.expire_minutes)
        price, stop_px = TICK * op.ticks, TICK * op.stop_ticks
        order = NewOrder(owner, cl, "SIM", op.side, LOT * op.lots, op.ord_type, price, stop_px, op.tif, expire_at)
        return self.book.submit(order, self.now)


def _states(results: list[Result]) -> list[OrderState]:
    states: list[OrderState] = []
    for r in results:
        if isinstance(r, Trade):
            states += [r.buy.order, r.sell.order]
        elif r.order is not None:
            states.append(r.order)
    return states


def _check_book(book: OrderBook) -> None:
    bid, ask = book.best_bid(), book.best_ask()
    assert bid is None or ask is None or bid < ask, f"crossed: {bid} >= {ask}"
    resting: dict[tuple[Side, Decimal], Decimal] = {}
    for o in book.resting_orders():
        assert o.price is not None
        assert o.status.is_live
        key = (Side.BUY if o.side is Side.BUY else Side.SELL, o.price)
        resting[key] = resting.get(key, Decimal(0)) + o.leaves_qty
    bids, asks = book.depth(1000)
    levels = {(Side.BUY, p): q for p, q in bids} | {(Side.SELL, p): q for p, q in asks}
    assert levels == resting
    for o in book.open_orders():
        assert o.cum_qty + o.leaves_qty == o.qty


def _check_trade(t: Trade, tally: dict[VenueOrderId, Decimal]) -> None:
    assert t.qty > 0
    assert t.buy.order.side is Side.BUY
    assert t.sell.order.side in (Side.SELL, Side.SELL_SHORT)
    for fill in (t.buy, t.sell):
        o = fill.order
        tally[o.order_id] = tally.get(o.order_id, Decimal(0)) + t.qty
        assert o.cum_qty == tally[o.order_id], "each trade debits exactly its quantity from each side"
        assert o.cum_qty <= o.qty, "no order fills beyond its quantity"
    buy_limit, sell_limit = t.buy.order.price, t.sell.order.price
    assert buy_limit is None or t.buy.order.ord_type is OrdType.STOP or t.price <= buy_limit
    assert sell_limit is None or t.sell.order.ord_type is OrdType.STOP or t.price >= sell_limit


def _check_states(results: list[Result]) -> None:
    for s in _states(results):
        if s.status.is_live:
            assert s.cum_qty + s.leaves_qty == s.qty
        else:
            assert s.leaves_qty == 0
        assert s.status is not OrderStatus.PENDING_NEW


@given(_ops)
def test_the_book_keeps_its_invariants_after_every_operation(ops: list[Op]) -> None:
    run = Run()
    tally: dict[VenueOrderId, Decimal] = {}
    for op in ops:
        results = run.play(op)
        _check_book(run.book)
        _check_states(results)
        for t in results:
            if isinstance(t, Trade):
                _check_trade(t, tally)
    bought = sum((q for oid, q in tally.items() if _side(run.book, oid) is Side.BUY), Decimal(0))
    assert bought * 2 == sum(tally.values()), "every unit bought was sold"


def _side(book: OrderBook, order_id: VenueOrderId) -> Side:
    state = book.order(order_id)
    assert state is not None
    return state.side


@given(_ops)
def test_the_same_operations_give_the_same_results(ops: list[Op]) -> None:
    first, second = Run(), Run()
    assert [first.play(op) for op in ops] == [second.play(op) for op in ops]
    assert list(first.book.resting_orders()) == list(second.book.resting_orders())
