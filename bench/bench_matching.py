"""Benchmark the venue's matching engine: orders per second through one book, in one run, headline last.

The flow is generated up front from a fixed seed and replayed on a fresh book each repeat: about 55%
passive limit orders a few ticks off a walking mid, 30% marketable limits that take one or more levels,
5% market orders and 10% cancels of earlier orders (some already filled, so refused as too late). The
book starts with a seeded market maker's ladder. Baseline, same run: a loop that only appends each
request to a list, i.e. the cost of touching the orders at all. Figures: the baseline, trades and result
records per second, then the headline ``matching`` in orders per second.

Run: ``.venv/bin/python bench/bench_matching.py``
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine.enums import OrdType, Side
from app.engine.ids import ClOrdId
from app.venue.book import OrderBook
from app.venue.market_maker import MarketMaker
from app.venue.orders import CancelRequest, NewOrder, OwnerId
from app.venue.results import Result, Trade
from bench.harness import best_rate, figure

COUNT = 100_000
SEED = 20260105
SYMBOL = "BENCH"
TICK = Decimal("0.01")
LOT = Decimal("100")
MID = Decimal("50.00")
Request = NewOrder | CancelRequest


def make_flow(count: int, seed: int) -> list[Request]:
    """The order flow: passive and crossing limits, market orders and cancels around a walking mid."""
    rng = random.Random(seed)
    flow: list[Request] = []
    passive: list[tuple[OwnerId, ClOrdId]] = []
    mid_ticks = int(MID / TICK)
    for n in range(count):
        if n % 50 == 0:
            mid_ticks += rng.choice((-1, 0, 1))
        owner = OwnerId(f"client-{rng.randrange(8)}")
        cl = ClOrdId(f"c{n}")
        roll = rng.random()
        if roll < 0.10 and passive:
            target_owner, target = passive[rng.randrange(len(passive))]
            flow.append(CancelRequest(target_owner, cl, target, SYMBOL))
            continue
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        qty = LOT * rng.randint(1, 5)
        if roll < 0.65:
            away = rng.randint(1, 8) * (-1 if side is Side.BUY else 1)
            flow.append(NewOrder(owner, cl, SYMBOL, side, qty, price=TICK * (mid_ticks + away)))
            passive.append((owner, cl))
        elif roll < 0.95:
            through = rng.randint(1, 4) * (1 if side is Side.BUY else -1)
            flow.append(NewOrder(owner, cl, SYMBOL, side, qty, price=TICK * (mid_ticks + through)))
        else:
            flow.append(NewOrder(owner, cl, SYMBOL, side, qty, OrdType.MARKET))
    return flow


def fresh_book() -> OrderBook:
    """A book with a market maker's opening ladder, five levels a side."""
    book = OrderBook(SYMBOL, TICK, LOT)
    MarketMaker(book, OwnerId("mm"), SEED, MID).quote()
    return book


def replay(book: OrderBook, flow: list[Request]) -> list[Result]:
    """Send every request to ``book``; every result, in order."""
    out: list[Result] = []
    submit, cancel = book.submit, book.cancel
    for request in flow:
        out += submit(request) if isinstance(request, NewOrder) else cancel(request)
    return out


def main() -> None:
    """Print the baseline, the side figures and the headline."""
    flow = make_flow(COUNT, SEED)
    sink: list[Request] = []

    def append_only() -> None:
        sink.clear()
        for request in flow:
            sink.append(request)

    def match_all() -> None:
        replay(fresh_book(), flow)

    book = fresh_book()
    results = replay(book, flow)
    trades = sum(1 for r in results if isinstance(r, Trade))
    resting = sum(1 for _ in book.resting_orders())
    rate = best_rate(COUNT, match_all)
    figure("baseline_append_loop", best_rate(COUNT, append_only), "orders/s")
    figure("matching_trades_per_order", trades / COUNT, "trades/order")
    figure("matching_resting_at_end", resting, "orders")
    figure("matching_trades", rate * trades / COUNT, "trades/s")
    figure("matching_results", rate * len(results) / COUNT, "results/s")
    figure("matching", rate, "orders/s")


if __name__ == "__main__":
    main()
