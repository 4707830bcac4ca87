"""In the engine, a position lets go of its older fills once the log holds them, and a bust or correction of one of
them reads them back from the log: every figure stays what keeping every fill gives, live and after a restart."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import positions
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.positions import Position
from app.engine.venue_messages import ExecutionReport
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.kept_fills_position import KeptFillsPosition
from tests.support.reports import VenueOrder

KEY = (AccountId("ACC1"), "AAPL")


class _Trading:
    """A buy and a sell order of one account's AAPL position, their fills fed to the engine and to a position that
    keeps every fill."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.kept = KeptFillsPosition(*KEY)
        self.orders = {side: self._order(side) for side in (Side.BUY, Side.SELL)}
        self.reports: list[ExecutionReport] = []

    def _order(self, side: Side) -> tuple[OrderId, VenueOrder]:
        cl_ord_id = f"C-{side.name}"
        result = self.engine.submit(SubmitOrder(spec(side=side, qty=Decimal(10_000)), TRADER, ClOrdId(cl_ord_id)))
        assert result.order_id is not None
        venue = VenueOrder(cl_ord_id, 10_000)
        self.engine.apply_venue_messages([venue.ack()])
        return result.order_id, venue

    def fill(self, side: Side, qty: int, px: str) -> ExecutionReport:
        order_id, venue = self.orders[side]
        report = venue.fill(qty, Decimal(px))
        self.engine.apply_venue_messages([report])  # a batch of its own: positions let go after each
        self.reports.append(report)
        self.kept.add((order_id, report.exec_id), (qty if side is Side.BUY else -qty) * Decimal(1), Decimal(px))
        return report

    def bust(self, side: Side, fill: ExecutionReport) -> None:
        order_id, venue = self.orders[side]
        self.engine.apply_venue_messages([venue.bust(fill)])
        self.kept.remove((order_id, fill.exec_id))

    def correct(self, side: Side, fill: ExecutionReport, qty: int, px: str) -> None:
        order_id, venue = self.orders[side]
        report = venue.report(ExecType.TRADE_CORRECT, OrderStatus.PARTIALLY_FILLED, last_qty=Decimal(qty))
        self.engine.apply_venue_messages([dataclasses.replace(report, last_px=Decimal(px), ref_exec_id=fill.exec_id)])
        sign = 1 if side is Side.BUY else -1
        self.kept.correct((order_id, fill.exec_id), Decimal(sign * qty), Decimal(px))

    def position(self) -> Position:
        return self.engine.positions.by_key[KEY]


def _figures(p: Position | KeptFillsPosition) -> list[str]:
    return [str(v) for v in (p.net_qty, p.avg_cost, p.realized_pnl, p.bought_qty, p.sold_qty)]


@pytest.fixture
def trading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> _Trading:
    """Positions that hold at most 4 fills, letting go down to 2; twelve fills each way, at changing prices."""
    monkeypatch.setattr(positions, "KEEP", 2)
    monkeypatch.setattr(positions, "CROWDED", 4)
    engine, _ = open_engine(tmp_path / "desk.sqlite3")
    trading = _Trading(engine)
    for n in range(12):
        trading.fill(Side.BUY, 30 + n, f"10.{n:02d}")
        trading.fill(Side.SELL, 20 + n, f"10.{12 - n:02d}5")
    return trading


def test_a_position_holds_only_its_latest_fills_with_the_same_figures(trading: _Trading) -> None:
    position = trading.position()
    assert len(position.fills) <= 4
    assert position.earlier == 24 - len(position.fills)
    assert _figures(position) == _figures(trading.kept)
    assert trading.kept.realized_pnl != 0


@pytest.mark.parametrize("restart", ["none", "snapshot and tail", "full replay"])
def test_a_bust_and_a_correction_of_fills_long_let_go_of_give_every_figure_exactly(
    trading: _Trading, restart: str
) -> None:
    first_buy, first_sell = (trading.fill(side, 5, "9.99") for side in (Side.BUY, Side.SELL))
    for n in range(3):
        trading.fill(Side.BUY, 7, f"11.{n}")
    if restart == "snapshot and tail":
        trading.engine.snapshot()
        assert trading.engine.store.latest_snapshot() is not None
    trading.bust(Side.BUY, first_buy)  # the sells after it now close less
    trading.correct(Side.SELL, first_sell, 50, "12.5")
    trading.bust(Side.BUY, trading.reports[0])  # the very first fill: the first sells now open a short
    trading.correct(Side.SELL, trading.reports[3], 1, "20")
    if restart != "none":
        trading.engine.reload()
    assert _figures(trading.position()) == _figures(trading.kept)
    for n in range(6):  # and it goes on trading, letting go again
        trading.fill(Side.SELL, 3, f"9.{n}")
    assert _figures(trading.position()) == _figures(trading.kept)
    assert trading.position().earlier > 0
