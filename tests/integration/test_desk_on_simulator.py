"""The desk's engine and gateway trading against the embedded venue simulator over loopback, as shipped:
the default sessions file (on free ports), real matching, market makers, pending acks and drop copies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.commands import CancelOrder, SubmitOrder
from app.engine.enums import OrderStatus, OrdType, Side
from app.engine.fix.config import default_config_path, load_config
from app.engine.fix.session_fsm import SessionState
from app.engine.ids import OrderId
from app.engine.prices import Quote
from app.runtime import Runtime
from app.venue.venue_store import VENUE_STORE_FILE
from tests.support.engine_kit import DESK, TRADER, spec
from tests.support.ports import any_ports


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls state that the code under test does not signal
            await asyncio.sleep(0.01)


def test_orders_trade_on_every_simulated_venue_and_cancel_waits_for_the_venue(tmp_path: Path) -> None:
    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        runtime = await Runtime.start(tmp_path / "desk.db", configs, SystemClock(), directory=DESK)
        engine, gateway = runtime.engine, runtime.gateway
        assert runtime.destinations == ["SIMA", "SIMB", "SIMC"]
        await until(lambda: all(s.state is SessionState.ACTIVE for s in gateway.sessions.values()))

        def order(status: OrderStatus, oid: OrderId | None) -> bool:
            return oid is not None and engine.ledger.orders[oid].status is status

        marketable = {"SIMA": ("ACME", 10), "SIMB": ("DYNA", 10), "SIMC": ("EXPO", 100)}
        # The gate values a market order at the quote's far side: give the desk the quotes its market-data
        # session would (the demo limits block market orders that cannot be valued).
        now = SystemClock().now()
        quotes = (Quote(symbol, Decimal(199), Decimal(200), None, now) for symbol, _ in marketable.values())
        runtime.prices.update(quotes)  # a two-sided quote: the price band checks the ask against the mid
        for venue, (symbol, qty) in marketable.items():
            taker = spec(symbol=symbol, qty=Decimal(qty), ord_type=OrdType.MARKET, limit_px=None, destination=venue)
            oid = engine.submit(SubmitOrder(taker, TRADER)).order_id
            await until(lambda oid=oid: order(OrderStatus.FILLED, oid))  # type: ignore[misc]
            assert oid is not None
            assert engine.ledger.orders[oid].avg_px > 0

        # A buy resting below the market, inside the shipped price band (5 % soft) around BOLT's quote.
        await until(lambda: runtime.prices.quote("BOLT") is not None)
        resting = spec(symbol="BOLT", side=Side.BUY, qty=Decimal(100), limit_px=Decimal("24.25"), destination="SIMC")
        sent = engine.submit(SubmitOrder(resting, TRADER))
        assert sent.accepted, sent.message
        oid = sent.order_id
        await until(lambda: order(OrderStatus.NEW, oid))
        assert oid is not None
        engine.cancel(CancelOrder(oid, TRADER))
        assert order(OrderStatus.PENDING_CANCEL, oid)  # SIMC takes 40 ms to answer
        await until(lambda: order(OrderStatus.CANCELED, oid))

        unknown = engine.submit(SubmitOrder(spec(destination="NOWHERE"), TRADER))
        assert not unknown.accepted
        assert "NOWHERE" in unknown.message
        await runtime.stop()

    asyncio.run(scenario())


def test_every_session_logs_on_at_each_start_whether_the_venues_remember_or_not(tmp_path: Path) -> None:
    """The desk's store keeps its sequence numbers; the embedded venues keep theirs in ``venues.sqlite3`` (the second
    day). When that file is new (the first day, and the third after it was deleted) the desk asks for a reset at the
    first logon: without one every order and drop copy session stopped on "MsgSeqNum too low"."""

    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        for day in range(3):
            if day == 2:
                (tmp_path / VENUE_STORE_FILE).unlink()
            runtime = await Runtime.start(tmp_path / "desk.db", configs, SystemClock(), directory=DESK)
            sessions = [*runtime.gateway.sessions.values(), *runtime.drop_copies.sessions.values()]
            settled = (SessionState.ACTIVE, SessionState.STOPPED)
            await until(lambda: all(s.state in settled for s in sessions))  # noqa: B023 - awaited in the loop
            states = {s.config.name: s.state.name for s in sessions}
            await runtime.stop()
            assert states == dict.fromkeys(states, "ACTIVE")

    asyncio.run(scenario())
