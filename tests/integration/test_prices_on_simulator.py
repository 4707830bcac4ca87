"""Prices on the desk from the embedded simulator's market data session, as shipped: quotes arrive and move,
positions are marked at them, and after a restart the feed logs on and subscribes again."""

from __future__ import annotations

import asyncio
import dataclasses
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
from tests.support.ports import any_ports


def test_prices_arrive_and_move_and_mark_a_position_and_come_back_after_a_restart(tmp_path: Path) -> None:
    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        runtime = await Runtime.start(tmp_path / "desk.db", configs, SystemClock(), directory=DESK)
        prices, engine = runtime.prices, runtime.engine
        every = ("ACME", "BOLT", "CORE", "DYNA", "EXPO", "FLUX")  # what SIMA, SIMB and SIMC list between them
        await until(lambda: all(prices.quote(s) is not None for s in every))
        assert runtime.feed.refused == {}
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


def test_a_market_data_session_named_after_a_venue_quotes_that_venues_own_book(tmp_path: Path) -> None:
    async def scenario() -> None:
        wanted = ("SIMB", "SIM-MD")
        configs = any_ports(tuple(c for c in load_config(default_config_path()) if c.name in wanted))
        configs = tuple(
            dataclasses.replace(c, name="SIMB-MD", target_comp_id="SIMB-MD") if c.name == "SIM-MD" else c
            for c in configs
        )
        runtime = await Runtime.start(tmp_path / "desk.db", configs, SystemClock(), directory=DESK)
        assert runtime.simulator is not None
        [simb] = runtime.simulator.venues
        assert "SIMB-MD" in simb.served
        await until(lambda: all(runtime.prices.quote(s) is not None for s in ("ACME", "DYNA")))
        acme = runtime.prices.quote("ACME")
        assert acme is not None
        assert acme.venue == "SIMB-MD"
        assert runtime.feed.refused == {}
        await runtime.stop()

    asyncio.run(scenario())
