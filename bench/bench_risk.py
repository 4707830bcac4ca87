"""Measure the time the pre-trade gate adds to each order, with every check on, over 10,000 working orders.

The book: 10,000 working limit orders (20 symbols, 5 accounts, 10 traders; a third of them partly
filled, so positions are not flat), every limit kind set desk-wide, hard and soft levels, with account,
symbol and venue overrides, and a fresh quote for every symbol. Then ``PreTradeGate.check_new`` on
20,000 new orders and ``check_amend`` on 20,000 amends (more quantity, so every check runs), timed one
by one; each figure is a percentile of those calls. The headline, ``risk_gate_per_order_p99``, is the
99th percentile of ``check_new``: what the gate adds to a new order before it can be sent.

Run: ``.venv/bin/python -m bench.bench_risk``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from itertools import cycle

from app.engine.clock import FakeClock
from app.engine.enums import ExecType, OrderStatus, OrdType, Side
from app.engine.events import ExecutionApplied, LimitChanged, OrderSubmitted
from app.engine.ids import AccountId, ClOrdId, ExecId, OrderId, UserId
from app.engine.order import Amendment, Order, OrderSpec
from app.engine.prices import PriceBook, Quote
from app.engine.projections import Projections
from app.engine.risk.limit_keys import LimitKey, Scope
from app.engine.risk.pretrade import PreTradeGate
from app.engine.risk.verdict import Severity
from bench.harness import figure, percentile

WORKING = 10_000
CALLS = 20_000
SYMBOLS = [f"SYM{n:02d}" for n in range(20)]
ACCOUNTS = [AccountId(f"ACC{n}") for n in range(5)]
TRADERS = [UserId(f"trader{n}") for n in range(10)]
VENUES = ["SIMA", "SIMB"]

LIMITS = {
    ("max_order_qty", Severity.BLOCK, Scope()): "100000",
    ("max_order_qty", Severity.WARN, Scope()): "50000",
    ("max_order_notional", Severity.BLOCK, Scope()): "50000000",
    ("max_order_notional", Severity.WARN, Scope()): "10000000",
    ("max_long", Severity.BLOCK, Scope()): "100000000",
    ("max_short", Severity.BLOCK, Scope()): "100000000",
    ("credit", Severity.BLOCK, Scope()): "1000000000",
    ("credit", Severity.BLOCK, Scope(account="ACC1")): "2000000000",
    ("price_band_pct", Severity.BLOCK, Scope()): "10",
    ("price_band_pct", Severity.WARN, Scope()): "5",
    ("price_band_pct", Severity.BLOCK, Scope(symbol="SYM03")): "20",
    ("max_quote_age_s", Severity.BLOCK, Scope()): "30",
    ("order_rate", Severity.BLOCK, Scope()): "1000000",
    ("message_rate", Severity.BLOCK, Scope()): "1000000",
    ("rate_window_s", Severity.BLOCK, Scope()): "1",
    ("duplicate_window_s", Severity.WARN, Scope()): "5",
    ("restricted", Severity.BLOCK, Scope(symbol="XYZ")): "Compliance hold",
    ("tick_size", Severity.BLOCK, Scope(venue="SIMA")): "0.01",
    ("lot_size", Severity.BLOCK, Scope(venue="SIMB")): "1",
    ("market_hours", Severity.BLOCK, Scope(venue="SIMA")): "00:00-23:59 UTC",
}


def _spec(n: int, qty: int = 100) -> OrderSpec:
    return OrderSpec(
        symbol=SYMBOLS[n % len(SYMBOLS)],
        side=Side.BUY if n % 3 else Side.SELL,
        qty=Decimal(qty + n % 50),
        ord_type=OrdType.LIMIT,
        account=ACCOUNTS[n % len(ACCOUNTS)],
        destination=VENUES[n % len(VENUES)],
        trader=TRADERS[n % len(TRADERS)],
        limit_px=Decimal("100.00") + Decimal(n % 200) / 100,
    )


def _book(clock: FakeClock) -> Projections:
    book = Projections()
    ts = clock.now()
    for (name, level, scope), text in LIMITS.items():
        book.apply(LimitChanged(LimitKey(name, level, scope), "", text), ts)
    for n in range(WORKING):
        order_id = OrderId(f"W{n}")
        spec = _spec(n)
        book.apply(OrderSubmitted(order_id, ClOrdId(order_id), spec), ts - timedelta(minutes=5))
        if n % 3 == 0:
            book.apply(_partial_fill(book.ledger.orders[order_id]), ts)
    return book


def _partial_fill(order: Order) -> ExecutionApplied:
    half = order.qty / 2
    px = order.limit_px or Decimal(100)
    return ExecutionApplied(
        order.order_id, ExecId(f"X{order.order_id}"), ExecType.TRADE, order.cl_ord_id, None,
        OrderStatus.PARTIALLY_FILLED, OrderStatus.PARTIALLY_FILLED, half, px, half, order.qty - half, px,
        order.qty, order.limit_px, None, half, True,
    )  # fmt: skip


def _time_each(calls: int, run: Callable[[int], object]) -> list[float]:
    samples: list[float] = []
    clock = time.perf_counter_ns
    for n in range(calls):
        start = clock()
        run(n)
        samples.append((clock() - start) / 1000)
    return samples


def main() -> None:
    """Print p50 and p99 of the gate's time per new order and per amend; the headline last."""
    clock = FakeClock()
    prices = PriceBook()
    prices.update(Quote(s, Decimal("100.50"), Decimal("100.70"), Decimal("100.60"), clock.now()) for s in SYMBOLS)
    gate = PreTradeGate(VENUES, prices, clock, ACCOUNTS)
    book = _book(clock)
    working = [o for o in book.ledger.live() if o.cum_qty == 0]
    specs = [_spec(n + 7, qty=200) for n in range(CALLS)]
    amends = [(o, Amendment(o.qty + 10, o.limit_px)) for o, _ in zip(cycle(working), range(CALLS), strict=False)]
    findings = sum(1 for s in specs[:1000] if not gate.check_new(s, book).allowed)
    new = _time_each(CALLS, lambda n: gate.check_new(specs[n], book))
    amend = _time_each(CALLS, lambda n: gate.check_amend(amends[n][0], amends[n][1], book))
    figure("risk_book_working_orders", len(book.exposure.stakes), "orders")
    figure("risk_new_orders_with_findings_per_1000", findings, "orders")
    figure("risk_gate_amend_p50", percentile(amend, 50), "us")
    figure("risk_gate_amend_p99", percentile(amend, 99), "us")
    figure("risk_gate_per_order_p50", percentile(new, 50), "us")
    figure("risk_gate_per_order_p99", percentile(new, 99), "us")


if __name__ == "__main__":
    main()
