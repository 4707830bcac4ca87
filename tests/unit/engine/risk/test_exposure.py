"""Working exposure: the sums kept as orders change equal the sums made afresh from the working orders."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.engine.enums import OrderStatus, Side
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import Order
from app.engine.risk.exposure import WorkingExposure
from tests.support.engine_kit import spec

NOW = datetime(2026, 3, 2, 15, tzinfo=UTC)
TERMS = [(AccountId("ACC1"), Side.BUY), (AccountId("ACC1"), Side.SELL), (AccountId("ACC2"), Side.BUY)]
STATUSES = [OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED, OrderStatus.CANCELED]


def _order(n: int) -> Order:
    account, side = TERMS[n % len(TERMS)]
    terms = spec(account=account, side=side, qty=Decimal(100), limit_px=Decimal(10))
    order_id = OrderId(f"O{n}")
    return Order(order_id, terms, OrderStatus.NEW, ClOrdId(order_id), NOW, NOW, Decimal(100), Decimal(10), None)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.integers(0, 100),
            st.sampled_from(STATUSES),
            st.sampled_from([None, "10", "10.00", "10.25"]),
        ),
        max_size=30,
    )
)
def test_sums_kept_through_changes_equal_the_sums_made_afresh(
    changes: list[tuple[int, int, OrderStatus, str | None]],
) -> None:
    orders = [_order(n) for n in range(4)]
    running = WorkingExposure()
    for n, leaves, status, px in changes:
        order = orders[n]
        order.leaves_qty, order.status = Decimal(leaves), status
        order.limit_px = None if px is None else Decimal(px)
        running.order_changed(order)
    ledger = OrderLedger()
    ledger.orders = {order.order_id: order for order in orders}
    fresh = WorkingExposure()
    fresh.rebuild(ledger)
    assert running.stakes == fresh.stakes
    assert {a: sums for a, sums in running.sums.items() if sums} == {a: sums for a, sums in fresh.sums.items() if sums}
