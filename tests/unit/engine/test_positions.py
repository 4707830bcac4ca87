"""Average-cost positions: cost moves only when adding, P&L is realised when reducing, flips restart cost."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817 - short, for the many literals below

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.ids import AccountId, ExecId, OrderId
from app.engine.positions import Position, Positions

ACC = AccountId("ACC1")


def _pos(*fills: tuple[int, str]) -> Position:
    position = Position(ACC, "AAPL")
    for n, (qty, px) in enumerate(fills):
        position.add((OrderId("O"), ExecId(f"E{n}")), D(qty), D(px))
    return position


def test_buys_average_their_cost() -> None:
    position = _pos((100, "10"), (300, "11"))
    assert (position.net_qty, position.avg_cost, position.realized_pnl) == (400, D("10.75"), 0)


def test_selling_part_realises_pnl_at_the_average_and_keeps_it() -> None:
    position = _pos((100, "10"), (300, "11"), (-200, "12"))
    assert (position.net_qty, position.avg_cost, position.realized_pnl) == (200, D("10.75"), D("250"))
    assert (position.bought_qty, position.sold_qty) == (400, 200)


def test_a_short_gains_when_bought_back_lower() -> None:
    position = _pos((-50, "20"), (50, "18"))
    assert (position.net_qty, position.avg_cost, position.realized_pnl) == (0, 0, D("100"))


def test_crossing_through_flat_starts_a_new_cost_at_the_fill_price() -> None:
    position = _pos((100, "10"), (-150, "12"))
    assert (position.net_qty, position.avg_cost, position.realized_pnl) == (-50, D("12"), D("200"))


@pytest.mark.parametrize(("mark", "expected"), [("12", D("200")), ("9", D("-100")), (None, None)])
def test_unrealised_pnl_is_against_the_mark(mark: str | None, expected: D | None) -> None:
    position = _pos((100, "10"))
    assert position.unrealized_pnl(D(mark) if mark else None) == expected


def test_a_flat_position_has_no_unrealised_pnl_even_without_a_mark() -> None:
    assert Position(ACC, "AAPL").unrealized_pnl(None) == 0


def test_a_bust_rederives_the_position_from_the_remaining_fills() -> None:
    position = _pos((100, "10"), (-100, "12"), (100, "11"))
    position.remove((OrderId("O"), ExecId("E1")))
    rebuilt = _pos((100, "10"), (100, "11"))
    assert (position.net_qty, position.avg_cost, position.realized_pnl) == (200, rebuilt.avg_cost, 0)
    assert position.avg_cost == D("10.5")


def test_a_correction_replaces_the_fill() -> None:
    position = _pos((100, "10"))
    position.correct((OrderId("O"), ExecId("E0")), D(80), D("10.5"))
    assert (position.net_qty, position.avg_cost) == (80, D("10.5"))


def test_a_fill_corrected_to_nothing_leaves_the_position_flat_instead_of_failing() -> None:
    position = _pos((100, "10"))
    position.correct((OrderId("O"), ExecId("E0")), D(0), D("10"))
    assert (position.net_qty, position.avg_cost, position.realized_pnl) == (0, 0, 0)
    position.add((OrderId("O"), ExecId("E1")), D(0), D("11"))
    assert (position.net_qty, position.avg_cost) == (0, 0)


def test_marks_value_positions_and_realised_pnl_totals_across_them() -> None:
    positions = Positions()
    positions.get(ACC, "AAPL").add((OrderId("O"), ExecId("1")), D(10), D(100))
    positions.get(ACC, "MSFT").add((OrderId("P"), ExecId("1")), D(-10), D(50))
    positions.get(ACC, "MSFT").add((OrderId("P"), ExecId("2")), D(10), D(40))
    positions.set_mark("AAPL", D(101))
    assert positions.unrealized_pnl(positions.get(ACC, "AAPL")) == D(10)
    assert positions.total_realized() == D(100)


def test_unrealised_pnl_totals_the_positions_that_have_a_mark() -> None:
    positions = Positions()
    positions.get(ACC, "AAPL").add((OrderId("O"), ExecId("1")), D(10), D(100))
    positions.get(ACC, "MSFT").add((OrderId("P"), ExecId("1")), D(-10), D(50))
    positions.get(AccountId("ACC2"), "AAPL").add((OrderId("Q"), ExecId("1")), D(-4), D(99))
    assert positions.total_unrealized() == 0
    positions.set_mark("AAPL", D(101))
    assert positions.total_unrealized() == D(10) - D(8)  # MSFT has no price: it adds nothing


def _reference_trade(state: list[D], q: D, px: D) -> None:
    """The average-cost arithmetic as first written (net, avg, realised, bought, sold): the cheaper one must give
    exactly these Decimals, exponents and signs included."""
    net, avg, realised, bought, sold = state
    if q == 0:
        return
    if q > 0:
        bought += q
    else:
        sold -= q
    long = net > 0
    if net == 0 or long == (q > 0):
        avg = (avg * abs(net) + px * abs(q)) / (abs(net) + abs(q))
        net = net + q
    else:
        realised += min(abs(q), abs(net)) * (px - avg) * (1 if long else -1)
        net = net + q
        if net == 0:
            avg = D(0)
        elif (net > 0) != long:
            avg = px
    state[:] = [net, avg, realised, bought, sold]


_quantities = st.builds(lambda n, places: D(n).scaleb(-places), st.integers(-500, 500), st.integers(0, 2)) | st.builds(
    lambda n, places: D(n * 10**places).scaleb(-places), st.integers(-6, 6), st.integers(0, 2)
)  # the second: few sizes, written with more or fewer zeros, so a fill often closes a position exactly
_prices = st.builds(lambda n, places: D(n).scaleb(-places), st.integers(0, 20_000), st.integers(0, 4))


@given(st.lists(st.tuples(_quantities, _prices), max_size=30))
def test_the_average_cost_arithmetic_gives_exactly_the_decimals_it_always_gave(fills: list[tuple[D, D]]) -> None:
    position = Position(ACC, "AAPL")
    state = [D(0)] * 5
    for n, (qty, px) in enumerate(fills):
        position.add((OrderId("O"), ExecId(f"E{n}")), qty, px)
        _reference_trade(state, qty, px)
        got = [position.net_qty, position.avg_cost, position.realized_pnl, position.bought_qty, position.sold_qty]
        assert [str(v) for v in got] == [str(v) for v in state]
