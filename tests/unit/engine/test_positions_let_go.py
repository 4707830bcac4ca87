"""A position that lets go of its older fills gives exactly the figures of one that kept every fill, whatever fills,
busts and corrections (of any earlier fill) follow."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal as D  # noqa: N817 - short, for the many literals below
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.ids import AccountId, ExecId, OrderId
from app.engine.positions import FillKey, Position
from tests.support.kept_fills_position import KeptFillsPosition

ACC = AccountId("ACC1")


class _Log:
    """The log as the engine reads it at a bust: every fill standing before the change being applied."""

    def __init__(self, kept: KeptFillsPosition) -> None:
        self.kept = kept

    def fills(self, account: AccountId, symbol: str) -> Mapping[FillKey, tuple[D, D]]:
        """The kept position's fills, as they stood before the change."""
        return dict(self.kept.fills)


_quantities = st.builds(lambda n, places: D(n).scaleb(-places), st.integers(-500, 500), st.integers(0, 2)) | st.builds(
    lambda n, places: D(n * 10**places).scaleb(-places), st.integers(-6, 6), st.integers(0, 2)
)  # few sizes, written with more or fewer zeros, so a fill often closes a position exactly
_prices = st.builds(lambda n, places: D(n).scaleb(-places), st.integers(0, 20_000), st.integers(0, 4))
_steps = st.one_of(
    st.tuples(st.just("fill"), _quantities, _prices),
    st.tuples(st.just("bust"), st.integers(0, 6)),
    st.tuples(st.just("correct"), st.integers(0, 6), _quantities, _prices),
    st.tuples(st.just("remove"), st.lists(st.integers(0, 6), max_size=3)),
    st.tuples(st.just("let_go"), st.integers(0, 3)),
)

Step = tuple[Any, ...]
"""One step: a fill, a bust, a correction, a removal of several fills, or letting go of older fills."""


def _key(n: int) -> FillKey:
    return OrderId(f"O{n % 3}"), ExecId(f"E{n}")


def _earlier(count: int, back: int) -> FillKey:
    """The fill ``back`` fills before the latest of ``count`` (one never seen when it goes back past the first)."""
    return _key(count - 1 - back % (count + 1))


def _figures(p: Position | KeptFillsPosition) -> list[str]:
    return [str(v) for v in (p.net_qty, p.avg_cost, p.realized_pnl, p.bought_qty, p.sold_qty)]


@given(st.lists(_steps, max_size=60))
def test_letting_go_of_fills_changes_no_figure_whatever_fills_busts_and_corrections_follow(steps: list[Step]) -> None:
    kept = KeptFillsPosition(ACC, "AAPL")
    position = Position(ACC, "AAPL", history=_Log(kept))
    count = 0
    for step in steps:
        match step:
            case ("fill", qty, px):
                position.add(_key(count), qty, px)
                kept.add(_key(count), qty, px)
                count += 1
            case ("bust", n):  # any fill: held, let go of, busted already or never seen
                position.remove(_earlier(count, n))
                kept.remove(_earlier(count, n))
            case ("correct", n, qty, px):
                position.correct(_earlier(count, n), qty, px)
                kept.correct(_earlier(count, n), qty, px)
            case ("remove", ns):
                position.remove_fills([_earlier(count, n) for n in ns])
                kept.remove_fills([_earlier(count, n) for n in ns])
            case ("let_go", keep):
                position.let_go(keep)
        assert _figures(position) == _figures(kept)
        assert len(position.fills) + position.earlier == len(kept.fills)
        assert position.traded == bool(kept.fills)


def test_a_position_holds_only_the_fills_it_keeps_and_the_bust_of_an_older_one_reads_them_back() -> None:
    kept = KeptFillsPosition(ACC, "AAPL")
    position = Position(ACC, "AAPL", history=_Log(kept))
    for n, (qty, px) in enumerate([(100, "10"), (-50, "12"), (30, "11"), (-80, "9.5")]):
        position.add(_key(n), D(qty), D(px))
        kept.add(_key(n), D(qty), D(px))
    position.let_go(1)
    assert (len(position.fills), position.earlier) == (1, 3)
    assert position.realized_pnl == kept.realized_pnl == D(100) - D(70)  # 80 sold at 9.50 against 10.375
    position.remove(_key(0))  # the first buy is busted: the sells after it were short sales
    kept.remove(_key(0))
    assert _figures(position) == _figures(kept)
    assert (len(position.fills), position.earlier) == (3, 0)


def test_a_bust_of_a_fill_let_go_of_with_no_history_says_what_cannot_be_done() -> None:
    position = Position(ACC, "AAPL")
    position.add(_key(0), D(10), D(5))
    position.add(_key(1), D(10), D(6))
    position.let_go(1)
    with pytest.raises(LookupError, match="AAPL position of account ACC1 let go of 1 earlier fills"):
        position.remove(_key(0))
