"""The allocation arithmetic: exact sums, no negative part, within one lot of the exact share, the stated
residual rule, proven by properties and by every small block."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.allocation.split import commission_exact, notional_exact, split_cents, split_quantity, stated_px

D = Decimal

weights_st = st.lists(st.integers(0, 1_000).map(Decimal), min_size=1, max_size=8).filter(lambda ws: any(ws))
lots_st = st.sampled_from([D(1), D(10), D(100), D("0.5"), D("0.001")])


def _exact_shares(total: Decimal, weights: list[Decimal]) -> list[Fraction]:
    weight_sum = sum(Fraction(w) for w in weights)
    return [Fraction(total) * Fraction(w) / weight_sum for w in weights]


@given(st.integers(0, 10**9).map(Decimal), weights_st, lots_st)
def test_parts_sum_exactly_never_negative_and_each_is_within_one_lot(
    total: Decimal, weights: list[Decimal], lot: Decimal
) -> None:
    parts = split_quantity(total, weights, lot)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    for part, exact in zip(parts, _exact_shares(total, weights), strict=True):
        assert abs(Fraction(part) - exact) < Fraction(lot)


@given(st.integers(0, 10**6).map(Decimal), weights_st, lots_st)
def test_the_same_inputs_always_give_the_same_parts(total: Decimal, weights: list[Decimal], lot: Decimal) -> None:
    assert split_quantity(total, weights, lot) == split_quantity(total, list(weights), lot)


@given(st.integers(0, 10**6).map(Decimal), weights_st)
def test_whole_lots_go_to_everyone_but_at_most_one_odd_lot(total: Decimal, weights: list[Decimal]) -> None:
    lot = D(100)
    parts = split_quantity(total, weights, lot)
    odd = [p for p in parts if p % lot]
    assert len(odd) <= 1
    assert sum(odd) % lot == total % lot


@given(st.integers(0, 10**6).map(Decimal), st.integers(1, 1_000).map(Decimal), st.integers(2, 8))
def test_equal_weights_favour_the_accounts_listed_first(total: Decimal, weight: Decimal, count: int) -> None:
    parts = split_quantity(total, [weight] * count)
    assert parts == sorted(parts, reverse=True)


def test_every_block_up_to_200_over_one_to_four_accounts_with_several_weightings() -> None:
    weightings = [
        [D(1)],
        [D(1), D(1)],
        [D(2), D(1)],
        [D(1), D(1), D(1)],
        [D(50), D(30), D(20)],
        [D(1), D(0), D(1)],
        [D(7), D(3), D(1), D(1)],
        [D("33.3"), D("33.3"), D("33.4"), D(0)],
        [D(1), D(1), D(1), D(1)],
    ]
    for weights in weightings:
        for lot in (D(1), D(5), D(100)):
            for n in range(201):
                total = D(n)
                parts = split_quantity(total, weights, lot)
                shares = _exact_shares(total, weights)
                unit = Fraction(lot)
                assert sum(parts) == total, (n, weights, lot)
                assert all(p >= 0 for p in parts)
                assert all(abs(Fraction(p) - s) < unit for p, s in zip(parts, shares, strict=True))
                # the stated rule: no account that got an extra piece has a smaller remainder than one that did not
                floors = [(s // unit) * unit for s in shares]
                extra = [p > f for p, f in zip(parts, floors, strict=True)]
                remainders = [s - f for s, f in zip(shares, floors, strict=True)]
                for i, got in enumerate(extra):
                    for j, other in enumerate(extra):
                        if got and not other:
                            assert (remainders[i], -i) >= (remainders[j], -j), (n, weights, lot, parts)


def test_a_worked_example_states_the_residual_rule() -> None:
    # 100 over three equal thirds: 33 each, the residual 1 to the first listed (all remainders tie)
    assert split_quantity(D(100), [D(1), D(1), D(1)]) == [D(34), D(33), D(33)]
    # 1000 at 50/30/20 in lots of 100 with an odd 50: 1050 -> 525, 315, 210 -> floors 500, 300, 200;
    # residual 50 (an odd lot) goes to the largest remainder, the first (25 vs 15 vs 10)
    assert split_quantity(D(1050), [D(50), D(30), D(20)], D(100)) == [D(550), D(300), D(200)]


def test_nothing_to_split_by_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="at least one must be above zero"):
        split_quantity(D(10), [D(0), D(0)])
    with pytest.raises(ValueError, match="lot size must be positive"):
        split_quantity(D(10), [D(1)], D(0))


money_st = st.decimals(min_value=D("0.0001"), max_value=D(10_000), places=4)


@given(
    st.lists(st.tuples(st.integers(0, 100_000).map(Decimal), st.integers(0, 50).map(Decimal)), min_size=1, max_size=6),
    money_st,
)
def test_cents_sum_exactly_to_the_rounded_total_and_each_is_within_a_cent(
    legs: list[tuple[Decimal, Decimal]], px: Decimal
) -> None:
    exact = [commission_exact(qty, px, rate) for qty, rate in legs]
    total, parts = split_cents(exact)
    assert sum(parts) == total
    assert abs(Fraction(total) - sum(exact)) <= Fraction(1, 200)
    assert all(abs(Fraction(p) - e) < Fraction(1, 100) for p, e in zip(parts, exact, strict=True))
    assert all(p >= 0 for p in parts)


def test_notional_cents_go_to_the_largest_remainders() -> None:
    # 1 share each at 10.005: exact 10.005 x3 = 30.015 -> total 30.02; floors 10.00 x3, residual 2 cents
    total, parts = split_cents([notional_exact(D(1), D("10.005"))] * 3)
    assert total == D("30.02")
    assert parts == [D("10.01"), D("10.01"), D("10.00")]


def test_an_averaged_price_is_stated_to_8_places_half_even() -> None:
    assert str(stated_px(Fraction(105025, 10100))) == "10.39851485"
    assert stated_px(Fraction(1, 2 * 10**8)) == 0  # half an 8th place: to the even 0
    assert stated_px(Fraction(3, 2 * 10**8)) == Decimal("0.00000002")  # one and a half: to the even 2
    assert str(stated_px(Fraction(1000, 100))) == "10"
