"""Blotter sort and filter times with 100,000 orders.

The orders are built directly as projections: ``OrderSubmitted`` events applied to a real ``OrderLedger``
(the same code the engine runs on replay), then a share of them moved to filled, canceled or partly filled
by setting the projection's fields. Going through a whole engine on a temp store would only add the
store's write time (minutes for 100k single-order transactions) and measure nothing more about the blotter.
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.engine.enums import OrderStatus, OrdType, Side
from app.engine.events import OrderSubmitted, ParentStaged
from app.engine.ids import AccountId, ClOrdId, OrderId, UserId
from app.engine.ledger import OrderLedger
from app.engine.order import OrderSpec
from app.engine.parent_terms import ParentSpec
from app.engine.parents import ParentBook
from bench.harness import figure

ORDERS = 100_000
PARENTS = 1_000
_SYMBOLS = ("AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "JPM", "XOM", "KO")
_DONE = (OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.PARTIALLY_FILLED, OrderStatus.NEW)


def build_ledger(count: int, seed: int = 7, parents: ParentBook | None = None) -> OrderLedger:
    """A ledger of ``count`` varied orders: symbols, sides, quantities, prices, states, times; with ``parents``,
    one order in ten is a child of one of ``PARENTS`` parents staged in that book."""
    rng = random.Random(seed)
    ledger = OrderLedger()
    start = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
    for n in range(count):
        spec = OrderSpec(
            symbol=rng.choice(_SYMBOLS),
            side=rng.choice(list(Side)),
            qty=Decimal(rng.randrange(1, 500) * 100),
            ord_type=OrdType.LIMIT,
            account=AccountId(f"ACC{rng.randrange(20)}"),
            destination=f"SIM{rng.randrange(3) + 1}",
            trader=UserId(f"trader{rng.randrange(5)}"),
            limit_px=Decimal(rng.randrange(1000, 50000)) / 100,
            parent_id=OrderId(f"P-260105-{n // 10 % PARENTS + 1}") if parents is not None and n % 10 == 0 else None,
        )
        order_id = OrderId(f"OEMS-260105-{n + 1}")
        submitted = OrderSubmitted(order_id, ClOrdId(order_id), spec)
        if parents is not None and spec.parent_id is not None:
            if spec.parent_id not in parents.parents:
                terms = ParentSpec(spec.symbol, spec.side, Decimal(10**9), spec.account, spec.trader)
                parents.apply(ParentStaged(spec.parent_id, terms), start)
            parents.apply(submitted, start)
        ledger.apply(submitted, start + timedelta(milliseconds=n))
        order = ledger.orders[order_id]
        order.status = rng.choice(_DONE)
        order.cum_qty = order.qty if order.status is OrderStatus.FILLED else order.qty / 2
        order.leaves_qty = order.qty - order.cum_qty if order.status.is_live else Decimal(0)
        order.avg_px = order.limit_px or Decimal(0)
    return ledger


def sort_and_filter(count: int = ORDERS) -> float:
    """Build a ledger of ``count`` orders, print the blotter model's sort and filter times over it; return the
    worst sort in milliseconds. Needs a Qt application (a ``QCoreApplication`` is enough)."""
    from PySide6.QtCore import Qt

    from app.ui.blotter_columns import COLUMNS
    from app.ui.blotter_model import BlotterModel, StatusGroup

    ledger = build_ledger(count)
    model = BlotterModel(ledger)
    sorts: dict[str, float] = {}
    for col in (0, 1, 4, 12):
        started = time.perf_counter()
        model.sort(col, Qt.SortOrder.DescendingOrder)
        sorts[COLUMNS[col].title] = time.perf_counter() - started
    for title, seconds in sorts.items():
        figure(f"blotter_sort_{title.lower().replace(' ', '_')}_100k", seconds * 1000, "ms")
    started = time.perf_counter()
    model.sort(4, Qt.SortOrder.AscendingOrder)  # Qty again, the other way: its keys are kept
    figure("blotter_sort_qty_again_100k", (time.perf_counter() - started) * 1000, "ms")
    started = time.perf_counter()
    model.set_search("aapl acc1")
    search = time.perf_counter() - started
    figure("blotter_search_100k", search * 1000, "ms")
    model.set_search("")
    started = time.perf_counter()
    model.set_group(StatusGroup.WORKING)
    figure("blotter_filter_working_100k", (time.perf_counter() - started) * 1000, "ms")
    figure("blotter_rows_after_filter", model.rowCount(), "rows")
    return max(sorts.values()) * 1000


def grouped(count: int = ORDERS) -> None:
    """Print the times to group ``count`` orders (one in ten a child of one of ``PARENTS`` parents) by parent,
    and to show a change of one child (its parent's row rebuilt and repainted). Needs a Qt application."""
    from app.ui.blotter_model import BlotterModel

    book = ParentBook()
    ledger = build_ledger(count, parents=book)
    model = BlotterModel(ledger, parents=book)
    started = time.perf_counter()
    model.set_grouped(True)
    figure("blotter_group_by_parent_100k", (time.perf_counter() - started) * 1000, "ms")
    figure("blotter_grouped_rows", model.rowCount(), "rows")
    child = OrderId("OEMS-260105-11")
    ledger.orders[child].cum_qty += 1
    started = time.perf_counter()
    model.refresh([child])
    figure("blotter_grouped_child_change_100k", (time.perf_counter() - started) * 1000, "ms")


def main() -> None:
    """Build the ledger, then time the model's sorts and filters over it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance() or QCoreApplication([])
    worst = sort_and_filter()
    grouped()
    del app
    figure("blotter_sort_worst_100k", worst, "ms")


if __name__ == "__main__":
    main()
