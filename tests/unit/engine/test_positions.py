"""Average-cost positions: cost moves only when adding, P&L is realised when reducing, flips restart cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - short, for the many literals below

import pytest

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


DAY1, DAY2 = date(2026, 3, 2), date(2026, 3, 3)
ROLLING = [(100, "10"), (-40, "12"), (60, "11"), (-150, "9"), (30, "8")]
"""Fills E0..E4; E0..E2 on DAY1, E3 and E4 on DAY2."""


def _rolled(*fills: tuple[int, str]) -> Position:
    position = Position(ACC, "AAPL")
    for n, (qty, px) in enumerate(fills):
        position.add((OrderId("O"), ExecId(f"E{n}")), D(qty), D(px), DAY1 if n < 3 else DAY2)
    return position


def test_a_new_trading_day_keeps_only_its_own_fills_and_changes_no_figure() -> None:
    position = _rolled(*ROLLING)
    assert position.totals == _pos(*ROLLING).totals
    assert list(position.fills) == [(OrderId("O"), ExecId("E3")), (OrderId("O"), ExecId("E4"))]
    assert position.opening == _pos(*ROLLING[:3]).totals
    assert position.day == DAY2


def test_a_bust_or_correction_of_a_fill_of_the_day_rederives_it_as_before() -> None:
    busted, whole = _rolled(*ROLLING), _pos(*ROLLING)
    busted.remove((OrderId("O"), ExecId("E3")))
    whole.remove((OrderId("O"), ExecId("E3")))
    assert busted.totals == whole.totals == _pos(*ROLLING[:3], ROLLING[4]).totals
    busted.correct((OrderId("O"), ExecId("E4")), D(20), D("8.5"))
    whole.correct((OrderId("O"), ExecId("E4")), D(20), D("8.5"))
    assert busted.totals == whole.totals


def test_a_bust_of_an_earlier_days_fill_is_traded_back_at_its_own_price_at_the_opening() -> None:
    position = _rolled(*ROLLING)
    position.remove((OrderId("O"), ExecId("E0")), (D(100), D(10)))
    # DAY1 opened flat and closed long 120 at 10.5 with 80 realised. Selling E0's 100 back at 10 at the opening
    # realises 100 x (10 - 10.5) and leaves 20 at 10.5; E0 was never bought, so bought shrinks instead of sold
    # growing. DAY2's fills replay on top: short 150 at 9 realises 20 x (9 - 10.5), buying 30 at 8 gains 30.
    assert position.opening == (D(20), D("10.5"), D(30), D(60), D(40))
    assert position.totals == (D(-100), D(9), D(30), D(90), D(190))
    assert position.net_qty == sum(D(q) for q, _ in ROLLING[1:])
    assert list(position.fills) == [(OrderId("O"), ExecId("E3")), (OrderId("O"), ExecId("E4"))]


def test_a_correction_of_an_earlier_days_fill_books_the_new_fill_in_its_place_at_the_opening() -> None:
    position = _rolled((100, "10"), (-40, "12"), (60, "11"), (-20, "9"))
    position.correct((OrderId("O"), ExecId("E0")), D(80), D("10.5"), (D(100), D(10)))
    # At the opening (long 120 at 10.5, 80 realised): sell E0's 100 back at 10 (-50), buy 80 at 10.5 in its place;
    # then DAY2 sells 20 at 9 (-30). The quantities are what the corrected fills add up to.
    assert position.totals == (D(80), D("10.5"), D(0), D(140), D(60))
    assert position.net_qty == 80 - 40 + 60 - 20
