"""Issues 4 and 5 end to end on the real simulator: desk A leaves orders working on SIMA and SIMC, its store is
wiped, and desk B (a new store, the same venues file) learns them from its logon survey as foreign orders it adopts:
they show in its ledger as the system's, and its kill switch cancels them all, reporting "all confirmed" only once
the venues have answered 39=4."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.commands import SubmitOrder
from app.engine.enums import OrderStatus, Side
from app.engine.fix.config import SessionConfig, default_config_path, load_config
from app.engine.fix.session_fsm import SessionState
from app.engine.foreign_orders import owner_label
from app.engine.ids import OrderId
from app.engine.kill_terms import KillGrade, Scope
from app.runtime import Runtime
from tests.support.engine_kit import DESK, SUPERVISOR, TRADER, spec
from tests.support.ports import any_ports

VENUES = ("SIMA", "SIMC")


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls state that the code under test does not signal
            await asyncio.sleep(0.01)


async def _desk_a_leaves_orders_working(store: Path, configs: tuple[SessionConfig, ...]) -> list[OrderId]:
    runtime = await Runtime.start(store, configs, SystemClock(), directory=DESK)
    sessions = [runtime.gateway.sessions[name] for name in VENUES]
    await until(lambda: all(s.state is SessionState.ACTIVE for s in sessions))
    await until(lambda: runtime.prices.quote("BOLT") is not None)
    ids = []
    for qty, venue in enumerate(VENUES, start=1):  # not alike, or the risk gate holds the second as a duplicate
        resting = spec(
            symbol="BOLT", side=Side.BUY, qty=Decimal(100 * qty), limit_px=Decimal("24.25"), destination=venue
        )
        result = runtime.engine.submit(SubmitOrder(resting, TRADER))
        assert result.order_id is not None, result.message
        ids.append(result.order_id)
    orders = runtime.engine.ledger.orders
    await until(lambda: all(orders[oid].status is OrderStatus.NEW for oid in ids))

    await runtime.stop()
    return ids


def _wipe(store: Path) -> None:
    """Desk A's store is wiped; the venues file beside it stays."""
    for path in store.parent.glob(store.name + "*"):
        path.unlink()


def test_a_new_desk_adopts_the_orders_an_earlier_desk_left_working_and_its_kill_switch_cancels_them(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        store = tmp_path / "desk.db"
        left = await _desk_a_leaves_orders_working(store, configs)
        _wipe(store)

        runtime = await Runtime.start(store, configs, SystemClock(), directory=DESK)
        orders = runtime.engine.ledger.orders
        await until(lambda: all(oid in orders for oid in left))  # adopted under the venue's ClOrdID (desk A's id)
        assert {owner_label(orders[oid].spec) for oid in left} == {f"foreign (venue {v})" for v in VENUES}
        assert all(orders[oid].status is OrderStatus.NEW for oid in left)

        engaged = runtime.engine.engage_kill_switch(Scope.everything(), KillGrade.CANCEL_WORKING, SUPERVISOR, "ALL")
        assert engaged.accepted, engaged.message
        (status,) = runtime.engine.kill_switch_status()
        assert (status.working, status.confirmed, status.unconfirmed) == (2, 0, 2)  # no venue has answered yet
        await until(lambda: runtime.engine.kill_switch_status()[0].confirmed == 2)
        assert runtime.engine.kill_switch_status()[0].unconfirmed == 0
        assert all(orders[oid].status is OrderStatus.CANCELED for oid in left)  # the venues' 39=4
        await runtime.stop()

    asyncio.run(scenario())
