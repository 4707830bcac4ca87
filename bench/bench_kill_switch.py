"""Measure the kill switch on 1,000 working orders over loopback against the embedded venue simulator.

The desk rests 1,000 buy limits far below the market, spread over SIMA, SIMB and SIMC, then a supervisor
engages CANCEL_WORKING over everything. Three times from the press: the engine's call returning (every
order pending cancel, committed with synchronous=FULL, every request handed to its socket); the venues
receiving the last cancel request (35=q or 35=F, timed where the simulator reads it); and the engine
holding the venues' confirmation of the last order (the switch's status at 0 unconfirmed). Run twice: as
shipped (SIMA and SIMB take one mass cancel each, SIMC one cancel per order) and with one cancel per
order everywhere. The venues' own ack latency (2, 15 and 40 ms) is part of the confirmation time.
Headline last: ``kill_switch_last_confirmation``, as shipped.

Run: ``python3 dev.py bench kill_switch``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.engine.clock import SystemClock
from app.engine.commands import SubmitOrder
from app.engine.enums import OrderStatus
from app.engine.fix.config import default_config_path, load_config
from app.engine.fix.message import FixMessage
from app.engine.fix.session_fsm import SessionState
from app.engine.fix.tags import MsgType
from app.engine.kill_terms import KillGrade, Scope
from app.runtime import Runtime
from app.venue.venue_app import Outbound, VenueApplication
from bench.harness import figure
from tests.support.engine_kit import DESK, SUPERVISOR, TRADER, PassGate, spec
from tests.support.ports import any_ports

ORDERS = 1_000
RESTING = (  # venue, symbol, quantity and a buy limit far below the market, so the order rests
    ("SIMA", "ACME", Decimal(10), Decimal("50.00")),
    ("SIMB", "DYNA", Decimal(10), Decimal("5.00")),
    ("SIMC", "EXPO", Decimal(100), Decimal("4.00")),
)
_CANCELS = frozenset({MsgType.ORDER_CANCEL_REQUEST, MsgType.ORDER_MASS_CANCEL_REQUEST})


async def until(condition: Callable[[], bool], seconds: float = 120.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls engine state that has no signal to wait on
            await asyncio.sleep(0.0005)


def _watch_cancels(app: VenueApplication, seen: list[float]) -> None:
    """Note the time each cancel request reaches the venue's application."""
    original = app.on_message

    def on_message(session: str, msg: FixMessage) -> list[Outbound]:
        if msg.msg_type in _CANCELS:
            seen.append(time.perf_counter())
        return original(session, msg)

    app.on_message = on_message  # type: ignore[method-assign]  # a spy on one instance, for timing only


async def _run(store: Path, mass_cancel: bool) -> tuple[float, float, float]:
    configs = any_ports(load_config(default_config_path()))
    if not mass_cancel:
        configs = tuple(dataclasses.replace(c, mass_cancel=False) for c in configs)
    runtime = await Runtime.start(store, configs, SystemClock(), PassGate(), directory=DESK)  # switch only
    engine = runtime.engine
    await until(lambda: all(s.state is SessionState.ACTIVE for s in runtime.gateway.sessions.values()))
    ids = []
    for n in range(ORDERS):
        venue, symbol, qty, px = RESTING[n % len(RESTING)]
        terms = spec(symbol=symbol, qty=qty, limit_px=px, destination=venue)
        ids.append(engine.submit(SubmitOrder(terms, TRADER)).order_id)
    await until(lambda: all(o is not None and engine.ledger.orders[o].status is OrderStatus.NEW for o in ids))
    seen: list[float] = []
    assert runtime.simulator is not None
    for simulated in runtime.simulator.venues:
        _watch_cancels(simulated.app, seen)

    start = time.perf_counter()
    result = engine.engage_kill_switch(Scope.everything(), KillGrade.CANCEL_WORKING, SUPERVISOR, "ALL", "bench")
    returned = time.perf_counter()
    assert result.accepted, result.message
    await until(lambda: engine.kill_switch_status()[0].unconfirmed == 0)
    confirmed = time.perf_counter()
    on_simc = sum(1 for n in range(ORDERS) if RESTING[n % len(RESTING)][0] == "SIMC")
    requests = 2 + on_simc if mass_cancel else ORDERS  # as shipped: one 35=q each to SIMA and SIMB, 35=F to SIMC
    await until(lambda: len(seen) >= requests)
    [status] = engine.kill_switch_status()
    assert (status.confirmed, status.filled_after) == (ORDERS, 0), status
    await runtime.stop()
    return returned - start, max(seen) - start, confirmed - start


def main() -> None:
    results = {}
    for mass_cancel in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            results[mass_cancel] = asyncio.run(_run(Path(tmp) / "desk.db", mass_cancel))
    for mass_cancel, label in ((False, "per_order"), (True, "shipped")):
        call, wire, _ = results[mass_cancel]
        figure(f"kill_switch_call_{label}", call * 1000, "ms")
        figure(f"kill_switch_last_cancel_at_venue_{label}", wire * 1000, "ms")
    figure("kill_switch_last_confirmation_per_order", results[False][2] * 1000, "ms")
    figure("kill_switch_last_confirmation", results[True][2] * 1000, "ms")


if __name__ == "__main__":
    main()
