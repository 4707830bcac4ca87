"""A block's first allocation is priced from its fills, not from the venue's AvgPx: the accounts' notionals sum
exactly to the block's and each account's average is the fills' exact average to the price's places, whatever
the venue rounded its AvgPx to."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.engine.allocation import rules
from app.engine.allocation.book import AllocationBook
from app.engine.allocation.moves import move_block
from app.engine.allocation.split import stated_px
from app.engine.allocation.terms import AllocationTemplate, TargetBasis, TemplateLeg
from app.engine.enums import OrderStatus
from app.engine.events import AllocationProposed, BlockBasisSet
from app.engine.ids import AccountId, ClOrdId, ExecId, OrderId
from app.engine.order import Fill, Order
from app.engine.positions import Positions
from tests.support.engine_kit import PM, spec

D = Decimal
T0 = datetime(2026, 1, 5, 14, tzinfo=UTC)
ORDER_ID = OrderId("BLOCK-1")

fills_st = st.lists(
    st.tuples(st.integers(1, 5_000).map(D), st.integers(1, 2_000_000).map(lambda ticks: D(ticks) / 10_000)),
    min_size=1,
    max_size=12,
)
targets_st = st.lists(st.integers(1, 100).map(D), min_size=1, max_size=5)


def _block(fills: list[tuple[Decimal, Decimal]], avg_places: int) -> Order:
    """A block bought with ``fills``, its AvgPx stated by the venue to ``avg_places`` places."""
    qty = sum((q for q, _ in fills), D(0))
    exact = sum((q * px for q, px in fills), D(0)) / qty
    order = Order(
        ORDER_ID, spec(qty=qty, account=AccountId("BLOCK")), OrderStatus.FILLED, ClOrdId("C1"), T0, T0, qty, None, None
    )
    order.cum_qty, order.avg_px = qty, exact.quantize(D(1).scaleb(-avg_places), ROUND_HALF_UP)
    order.fills = {ExecId(f"X{i}"): Fill(q, px) for i, (q, px) in enumerate(fills)}
    return order


def _proposed(order: Order, targets: list[Decimal]) -> AllocationProposed:
    template = AllocationTemplate(
        "T", TargetBasis.QTY, tuple(TemplateLeg(AccountId(f"FUND{i}"), t) for i, t in enumerate(targets)), D(3)
    )
    book = AllocationBook()
    book.apply(BlockBasisSet(ORDER_ID, template), T0)
    proposed = rules.proposal(book, order, ORDER_ID, PM, None)
    assert isinstance(proposed, AllocationProposed), proposed
    return proposed


@given(fills_st, targets_st, st.sampled_from([2, 4, 8]))
def test_the_accounts_notionals_sum_exactly_to_the_blocks_at_its_exact_average(
    fills: list[tuple[Decimal, Decimal]], targets: list[Decimal], avg_places: int
) -> None:
    order = _block(fills, avg_places)
    proposed = _proposed(order, targets)
    notional = sum((q * px for q, px in fills), D(0))
    assert proposed.notional == notional.quantize(D("0.01"), ROUND_HALF_UP)  # the block's own notional, in cents
    assert sum((leg.notional for leg in proposed.legs), D(0)) == proposed.notional
    assert sum((leg.qty for leg in proposed.legs), D(0)) == order.cum_qty
    positions = Positions()
    move_block(positions, order, proposed)
    exact = stated_px(Fraction(notional) / Fraction(order.cum_qty))
    held_cost = Fraction(0)
    for leg in proposed.legs:
        position = positions.get(leg.account, "AAPL")
        assert position.net_qty == leg.qty
        if leg.qty:
            assert position.avg_cost == exact  # the fills' average to 8 places, not the venue's rounded AvgPx
        held_cost += Fraction(position.net_qty) * Fraction(position.avg_cost)
    # Each account holds at the one stated price (its cents are the confirm's, not the position's), so what the
    # accounts hold costs the block's exact notional to within half of the price's last place per share.
    assert abs(held_cost - Fraction(notional)) <= Fraction(order.cum_qty) * Fraction(1, 2 * 10**8)


def test_a_venue_avg_px_rounded_to_cents_does_not_price_the_accounts() -> None:
    order = _block([(D(1), D(10)), (D(2), D("10.01"))], avg_places=2)  # exactly 10.00666..., stated 10.01
    proposed = _proposed(order, [D(1), D(2)])
    assert proposed.px == D("10.00666667")
    assert proposed.notional == D("30.02")
    assert [leg.notional for leg in proposed.legs] == [D("10.01"), D("20.01")]
