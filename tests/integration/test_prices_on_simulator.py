"""Prices on the desk from the embedded simulator's market data session, as shipped: quotes arrive and move,
positions are marked at them, and after a restart the feed logs on and subscribes again."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.commands import SubmitOrder
from app.engine.enums import OrderStatus, OrdType
from app.engine.fix.config import default_config_path, load_config
from app.engine.ids import AccountId
from app.runtime import Runtime
from tests.integration.test_desk_on_simulator import until
from tests.support.engine_kit import DESK, TRADER, spec
from tests.support.ports import free_ports


def test_prices_arrive_and_move_and_mark_a_position_and_come_back_after_a_restart(tmp_path: Path) -> None:
    async def scenario() -> None:
        configs = tuple(free_ports(load_config(default_config_path())))
        runtime = await Runtime.start(tmp_path / "desk.db", configs, SystemClock(), directory=DESK)
        prices, engine = runtime.prices, runtime.engine
        await until(lambda: all(prices.quote(s) is not None for s in ("ACME", "BOLT", "CORE")))
        first = prices.quote("ACME")
        assert first is not None
        assert first.bid is not None
        assert first.ask is not None
        assert first.bid < first.ask

        def moved() -> bool:
            now = prices.quote("ACME")
            return now is not None and now.mark != first.mark

        await until(moved)

        buy = spec(symbol="ACME", qty=Decimal(10), ord_type=OrdType.MARKET, limit_px=None, destination="SIMA")
        oid = engine.submit(SubmitOrder(buy, TRADER)).order_id
        assert oid is not None
        await until(lambda: engine.ledger.orders[oid].status is OrderStatus.FILLED)
        position = engine.positions.get(AccountId("ACC1"), "ACME")
        await until(lambda: engine.positions.unrealized_pnl(position) is not None)
        mark = engine.positions.marks["ACME"]
        assert engine.positions.unrealized_pnl(position) == (mark - position.avg_cost) * 10
        await runtime.stop()

        again = await Runtime.start(tmp_path / "desk.db", configs, SystemClock(), directory=DESK)
        await until(lambda: again.prices.quote("CORE") is not None)
        assert again.feed.refused == {}
        await again.stop()

    asyncio.run(scenario())
