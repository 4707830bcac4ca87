"""The desk's drop copy sessions against the embedded simulator: the venues' drop copies agree with the order
sessions, and a fill the order session loses shows as a break until the venue resends it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.commands import SubmitOrder
from app.engine.enums import ExecType, OrderStatus, OrdType
from app.engine.events import BreakKind, ExecutionApplied, ExecutionBreak, ExecutionBreakCleared
from app.engine.fix.config import default_config_path, load_config
from app.engine.fix.session import Outgoing
from app.engine.fix.session_fsm import SessionState
from app.engine.serialization import from_json
from app.runtime import Runtime
from app.venue.faults.script import parse_script
from app.venue.simulator import Faults
from tests.integration.test_desk_on_simulator import until
from tests.support.engine_kit import DESK, TRADER, PassGate, spec
from tests.support.ports import any_ports


async def _start(tmp_path: Path, faults: str = "") -> Runtime:
    configs = any_ports(load_config(default_config_path()))
    script = Faults(parse_script(faults, "<test>")) if faults else None
    runtime = await Runtime.start(
        tmp_path / "desk.db", configs, SystemClock(), PassGate(), directory=DESK, faults=script
    )
    runtime.drop_copies.grace = timedelta(seconds=0.3)
    runtime.drop_copies.check_every = 0.05
    sessions = [*runtime.gateway.sessions.values(), *runtime.drop_copies.sessions.values()]
    await until(lambda: all(s.state is SessionState.ACTIVE for s in sessions))
    return runtime


def _buy(runtime: Runtime, venue: str, symbol: str, qty: int) -> None:
    order = spec(symbol=symbol, qty=Decimal(qty), ord_type=OrdType.MARKET, limit_px=None, destination=venue)
    result = runtime.engine.submit(SubmitOrder(order, TRADER))
    assert result.order_id is not None, result.message


def _filled(runtime: Runtime) -> int:
    return sum(1 for o in runtime.engine.ledger if o.status is OrderStatus.FILLED)


def test_every_fill_on_every_venue_agrees_with_its_drop_copy(tmp_path: Path) -> None:
    async def scenario() -> None:
        runtime = await _start(tmp_path)
        assert runtime.engine.reconciliation.watched == {"SIMA": "SIMA-DC", "SIMB": "SIMB-DC", "SIMC": "SIMC-DC"}
        for venue, symbol, qty in (("SIMA", "ACME", 10), ("SIMB", "DYNA", 10), ("SIMC", "EXPO", 100)):
            _buy(runtime, venue, symbol, qty)
        await until(lambda: _filled(runtime) == 3)
        fills = sum(len(o.fills) for o in runtime.engine.ledger)
        await until(lambda: runtime.engine.reconciliation.settled == fills)
        await asyncio.sleep(0.5)  # past the grace period: nothing is left waiting
        assert runtime.engine.reconciliation.pending == {}
        assert not [e for e in runtime.engine.store.read() if e.kind == "ExecutionBreak"]
        await runtime.stop()

    asyncio.run(scenario())


def test_a_fill_the_order_session_loses_is_a_break_until_the_venue_resends_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        runtime = await _start(tmp_path)
        assert runtime.simulator is not None
        sima = next(v for v in runtime.simulator.venues if v.profile.name == "SIMA").served["SIMA"]
        write, lost = sima.acceptor.write, list[Outgoing]()

        def lose_first_fill(name: str, outgoing: Sequence[Outgoing]) -> None:
            if not lost:
                lost.extend(o for o in outgoing if b"\x01150=F\x01" in o.raw)
            write(name, [o for o in outgoing if o not in lost])

        sima.acceptor.write = lose_first_fill  # type: ignore[method-assign]
        _buy(runtime, "SIMA", "ACME", 10)
        reconciliation = runtime.engine.reconciliation
        await until(lambda: bool(reconciliation.breaks))
        (brk,) = reconciliation.breaks
        assert brk.broken is BreakKind.MISSING_ON_ORDER_SESSION
        assert _filled(runtime) == 0  # the drop copy never moves the order

        _buy(runtime, "SIMA", "ACME", 10)  # the next report shows the gap: the desk asks, the venue resends
        await until(lambda: _filled(runtime) == 2 and not reconciliation.breaks)
        kinds = [e.kind for e in runtime.engine.store.read() if e.kind.startswith("ExecutionBreak")]
        assert kinds == ["ExecutionBreak", "ExecutionBreakCleared"]
        stored = [e for e in runtime.engine.store.read() if e.kind.startswith("ExecutionBreak")]
        opened, cleared = from_json(ExecutionBreak, stored[0].data), from_json(ExecutionBreakCleared, stored[1].data)
        assert opened.exec_id == cleared.exec_id == brk.exec_id
        await runtime.stop()

    asyncio.run(scenario())


def test_a_trade_the_venue_busts_is_reported_on_both_sessions_and_settles_without_a_break(tmp_path: Path) -> None:
    async def scenario() -> None:
        runtime = await _start(tmp_path, "1st fill: bust\n")
        _buy(runtime, "SIMA", "ACME", 10)
        reconciliation = runtime.engine.reconciliation

        def busted() -> bool:
            return any(f.busted for o in runtime.engine.ledger for f in o.fills.values())

        await until(lambda: busted() and reconciliation.settled == 2)  # the fill, then its bust
        await asyncio.sleep(0.5)  # past the grace period
        assert reconciliation.pending == {}
        assert not [e for e in runtime.engine.store.read() if e.kind == "ExecutionBreak"]
        await runtime.stop()

    asyncio.run(scenario())


def test_a_trade_the_venue_corrects_moves_the_order_and_position_and_settles_without_a_break(tmp_path: Path) -> None:
    async def scenario() -> None:
        runtime = await _start(tmp_path, "1st fill: correct px +0.05\n")
        _buy(runtime, "SIMA", "ACME", 10)
        reconciliation = runtime.engine.reconciliation
        await until(lambda: _filled(runtime) == 1 and reconciliation.settled == 2)  # the fill, then its correction
        stored = [e for e in runtime.engine.store.read() if e.kind == "ExecutionApplied"]
        applied = [from_json(ExecutionApplied, e.data) for e in stored]
        [fill] = [a for a in applied if a.exec_type is ExecType.TRADE]
        [correction] = [a for a in applied if a.exec_type is ExecType.TRADE_CORRECT]
        px = fill.last_px + Decimal("0.05")
        assert (correction.ref_exec_id, correction.last_qty, correction.last_px) == (fill.exec_id, 10, px)
        [order] = runtime.engine.ledger
        assert (order.status, order.cum_qty, order.avg_px, order.fills[fill.exec_id].px) == (
            OrderStatus.FILLED,
            10,
            px,
            px,
        )
        position = runtime.engine.positions.get(order.spec.account, "ACME")
        assert (position.net_qty, position.avg_cost) == (10, px)
        await asyncio.sleep(0.5)  # past the grace period: the drop copy's correction agrees, nothing waits
        assert reconciliation.pending == {}
        assert not [e for e in runtime.engine.store.read() if e.kind == "ExecutionBreak"]
        await runtime.stop()

    asyncio.run(scenario())
