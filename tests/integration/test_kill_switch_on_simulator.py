"""The kill switch against the embedded venue simulator over loopback: hundreds of resting orders on the three
venues, canceled by one press; SIMA and SIMB take a mass cancel (as shipped), SIMC gets one cancel per order."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from decimal import Decimal
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.commands import SetLimit, SubmitOrder
from app.engine.enums import OrderStatus
from app.engine.events import AnomalyRecorded, KillCancelRetried, MassCancelAnswered
from app.engine.fix.config import default_config_path, load_config
from app.engine.fix.message import parse_message
from app.engine.fix.session_fsm import SessionState
from app.engine.ids import OrderId
from app.engine.kill_terms import KillGrade, Scope, ScopeKind
from app.engine.risk.limit_keys import LimitKey
from app.engine.risk.limit_keys import Scope as LimitScope
from app.engine.risk.verdict import Severity
from app.engine.serialization import from_json
from app.runtime import Runtime
from app.venue.faults import parse_script
from app.venue.simulator import Faults
from tests.integration.test_desk_on_simulator import until
from tests.support.engine_kit import DESK, SUPERVISOR, TRADER, PassGate, spec
from tests.support.ports import any_ports

RESTING = {  # venue: (symbol, quantity, a buy limit far below the market, so the order rests)
    "SIMA": ("ACME", Decimal(10), Decimal("50.00")),
    "SIMB": ("DYNA", Decimal(10), Decimal("5.00")),
    "SIMC": ("EXPO", Decimal(100), Decimal("4.00")),
}


async def _desk(tmp_path: Path, *, mass_cancel: bool | None = None, faults: str = "") -> Runtime:
    configs = any_ports(load_config(default_config_path()))
    if mass_cancel is not None:
        configs = tuple(dataclasses.replace(c, mass_cancel=mass_cancel) for c in configs)
    # The kill switch is under test, not the limits: hundreds of alike orders would be duplicate warnings.
    runtime = await Runtime.start(
        tmp_path / "desk.db",
        configs,
        SystemClock(),
        PassGate(),
        directory=DESK,
        faults=Faults(parse_script(faults, "<test>")) if faults else None,
    )
    await until(lambda: all(s.state is SessionState.ACTIVE for s in runtime.gateway.sessions.values()))
    return runtime


async def _resting(runtime: Runtime, per_venue: int, venues: tuple[str, ...] = tuple(RESTING)) -> list[OrderId]:
    engine = runtime.engine
    ids: list[OrderId] = []
    for venue in venues:
        symbol, qty, px = RESTING[venue]
        for _ in range(per_venue):
            result = engine.submit(SubmitOrder(spec(symbol=symbol, qty=qty, limit_px=px, destination=venue), TRADER))
            assert result.accepted, result.message
            assert result.order_id is not None
            ids.append(result.order_id)
    await until(lambda: all(engine.ledger.orders[o].status is OrderStatus.NEW for o in ids), 30)
    return ids


def _sent_types(runtime: Runtime, venue: str) -> Counter[str]:
    key = runtime.gateway.sessions[venue].record.key
    return Counter(parse_message(raw).msg_type for _, raw in runtime.engine.store.outbound_messages(key, 1, None))


def test_cancel_working_cancels_hundreds_of_orders_on_three_venues_and_counts_them_down(tmp_path: Path) -> None:
    async def scenario() -> None:
        runtime = await _desk(tmp_path)
        engine = runtime.engine
        ids = await _resting(runtime, 100)
        before = {venue: _sent_types(runtime, venue) for venue in RESTING}
        result = engine.engage_kill_switch(Scope.everything(), KillGrade.CANCEL_WORKING, SUPERVISOR, "ALL", "test")
        assert result.accepted, result.message
        assert all(engine.ledger.orders[o].status is OrderStatus.PENDING_CANCEL for o in ids)  # at once, not later
        [status] = engine.kill_switch_status()
        assert (status.working, status.cancels_sent, status.unconfirmed) == (300, 300, 300)
        await until(lambda: engine.kill_switch_status()[0].unconfirmed == 0, 30)

        [status] = engine.kill_switch_status()
        assert (status.confirmed, status.filled_after) == (300, 0)
        assert all(engine.ledger.orders[o].status is OrderStatus.CANCELED for o in ids)
        sent = {venue: _sent_types(runtime, venue) - before[venue] for venue in RESTING}
        assert sent == {"SIMA": Counter({"q": 1}), "SIMB": Counter({"q": 1}), "SIMC": Counter({"F": 100})}
        events = list(engine.store.read())
        answers = [from_json(MassCancelAnswered, e.data) for e in events if e.kind == MassCancelAnswered.__name__]
        assert sorted((a.destination, a.accepted, a.affected) for a in answers) == [
            ("SIMA", True, 100),
            ("SIMB", True, 100),
        ]
        assert not [e for e in events if e.kind == AnomalyRecorded.__name__]
        refused = engine.submit(SubmitOrder(spec(symbol="ACME", limit_px=Decimal(50), destination="SIMA"), TRADER))
        assert not refused.accepted
        assert "kill switch on everything" in refused.message
        await runtime.stop()

    asyncio.run(scenario())


def test_a_venue_without_mass_cancel_gets_one_cancel_per_order_and_other_venues_keep_working(tmp_path: Path) -> None:
    async def scenario() -> None:
        runtime = await _desk(tmp_path, mass_cancel=False)
        engine = runtime.engine
        on_a = await _resting(runtime, 50, ("SIMA",))
        on_b = await _resting(runtime, 20, ("SIMB",))
        before = _sent_types(runtime, "SIMA")
        venue = Scope(ScopeKind.VENUE, "SIMA")
        assert engine.engage_kill_switch(venue, KillGrade.CANCEL_WORKING, SUPERVISOR, "SIMA", "test").accepted
        await until(lambda: engine.kill_switch_status()[0].unconfirmed == 0, 30)
        assert _sent_types(runtime, "SIMA") - before == Counter({"F": 50})
        assert all(engine.ledger.orders[o].status is OrderStatus.CANCELED for o in on_a)
        assert all(engine.ledger.orders[o].status is OrderStatus.NEW for o in on_b)
        assert engine.resume_trading(venue, SUPERVISOR, "venue fixed").accepted
        assert engine.kill_switch_status() == []
        await runtime.stop()

    asyncio.run(scenario())


def test_cancels_a_venue_leaves_unconfirmed_are_retried_until_it_confirms_them(tmp_path: Path) -> None:
    """SIMC loses the first two cancels it receives (takes them in, never acts or answers); with a 0.5 s retry time
    the switch sends those cancels again, the venue acts on the repeats, and the count goes down to none."""

    async def scenario() -> None:
        runtime = await _desk(tmp_path, faults="1st cancel request: ignore\n2nd cancel request: ignore")
        engine = runtime.engine
        retry = LimitKey("kill_cancel_retry_s", Severity.BLOCK, LimitScope(venue="SIMC"))
        assert engine.set_limit(SetLimit(retry, "0.5", SUPERVISOR)).accepted
        ids = await _resting(runtime, 5, ("SIMC",))
        venue = Scope(ScopeKind.VENUE, "SIMC")
        assert engine.engage_kill_switch(venue, KillGrade.CANCEL_WORKING, SUPERVISOR, "SIMC", "test").accepted
        await until(lambda: engine.kill_switch_status()[0].unconfirmed == 2, 10)  # the two lost: only those
        await until(lambda: engine.kill_switch_status()[0].unconfirmed == 0, 10)
        assert all(engine.ledger.orders[o].status is OrderStatus.CANCELED for o in ids)
        [status] = engine.kill_switch_status()
        assert status.summary().startswith("Cancel all: 5 of 5 confirmed, 0 unconfirmed, retried ")
        assert status.retries >= 2  # each lost cancel went again at least once (more if an answer was slow)
        retried = [from_json(KillCancelRetried, e.data) for e in engine.store.read() if e.kind == "KillCancelRetried"]
        assert {r.order_id for r in retried} <= set(ids)
        assert len({r.order_id for r in retried}) == 2
        await runtime.stop()

    asyncio.run(scenario())
