"""Seeded market makers: ladders on both sides, a mid that walks, client orders filled in pieces."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from app.venue.book import OrderBook
from app.venue.market_maker import MarketMaker, QuoteShape
from app.venue.orders import OwnerId
from app.venue.results import Result
from tests.unit.venue.kit import BOB, LOT, SYMBOL, TICK, Desk, kinds, trades

D = Decimal
MM = OwnerId("mm-1")


def _maker(seed: int = 7, shape: QuoteShape | None = None) -> MarketMaker:
    return MarketMaker(OrderBook(SYMBOL, TICK, LOT), MM, seed, D("10.00"), shape)


def test_quotes_sit_several_levels_deep_on_both_sides_around_the_mid() -> None:
    maker = _maker(shape=QuoteShape(levels=4, half_spread_ticks=2, level_ticks=1))
    assert set(kinds(maker.quote())) == {"Accepted"}
    bids, asks = maker.book.depth(10)
    assert [p for p, _ in bids] == [D("9.98"), D("9.97"), D("9.96"), D("9.95")]
    assert [p for p, _ in asks] == [D("10.02"), D("10.03"), D("10.04"), D("10.05")]
    assert all(q % LOT == 0 and LOT <= q <= 10 * LOT for _, q in bids + asks)


def test_each_step_pulls_the_old_quotes_and_posts_new_ones_around_a_moved_mid() -> None:
    maker = _maker()
    maker.quote()
    mids = []
    for _ in range(30):
        out = maker.step()
        assert set(kinds(out)) <= {"Canceled", "Accepted"}
        assert len(maker.book.open_orders()) == 2 * maker.shape.levels
        bid, ask = maker.book.best_bid(), maker.book.best_ask()
        assert bid is not None
        assert ask is not None
        assert bid < maker.mid < ask
        mids.append(maker.mid)
    assert len(set(mids)) > 3, "the mid walks"
    assert all(abs(b - a) <= 2 * TICK for a, b in pairwise(mids))


def test_the_same_seed_gives_the_same_quotes_and_a_different_seed_different_ones() -> None:
    def run(seed: int) -> list[Result]:
        maker = _maker(seed)
        return [r for _ in range(20) for r in maker.step()]

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_a_client_order_fills_in_pieces_against_the_ladder() -> None:
    maker = _maker(seed=3)
    maker.quote()
    desk = Desk(maker.book)
    offered = sum(q for _, q in maker.book.depth(3)[1])
    out = desk.buy(str(offered), "10.03", owner=BOB)
    fills = trades(out)
    assert len(fills) == 3
    assert [t.price for t in fills] == [D("10.01"), D("10.02"), D("10.03")]
    assert fills[-1].buy.order.cum_qty == offered
    assert {t.sell.order.owner for t in fills} == {MM}


def test_the_mid_never_walks_to_where_bids_would_be_at_or_below_zero() -> None:
    maker = MarketMaker(OrderBook(SYMBOL, TICK, LOT), MM, 5, D("0.03"), QuoteShape(walk_ticks=3))
    for _ in range(50):
        maker.step()
        assert all(p > 0 for p, _ in maker.book.depth(10)[0])
