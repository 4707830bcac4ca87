"""The embedded venues remember across a desktop restart (``venues.sqlite3`` beside the desk's store): the desk
logs on again with its sequence numbers continuing (no reset), and an order it left working is still working at
the venue, which answers the desk's status request for it (150=I 39=0) and then cancels it. With one of the two
files wiped, the pair still comes up: a new desk store logs on with a sequence reset and adopts the order an earlier
desk left working as a foreign order; a new venue store resets too, and the desk's order it never heard of ends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.commands import CancelOrder, SubmitOrder
from app.engine.enums import OrderStatus, Side
from app.engine.events import AnomalyKind
from app.engine.fix import parse_message
from app.engine.fix.config import SessionConfig, default_config_path, load_config
from app.engine.fix.session_fsm import SessionState
from app.engine.ids import SYSTEM_USER, OrderId
from app.runtime import Runtime
from app.venue.venue_store import VENUE_STORE_FILE, VenueStore
from tests.support.engine_kit import DESK, TRADER, spec
from tests.support.ports import any_ports


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls state that the code under test does not signal
            await asyncio.sleep(0.01)


def _status_answers(store: Path) -> list[tuple[str | None, str | None]]:
    """(ClOrdID, OrdStatus) of every order status (150=I) SIMC sent to the desk, from the venue store."""
    venues = VenueStore(store)
    try:
        sent = [parse_message(raw) for _key, _seq, raw in venues.sent_messages("SIMC")]
    finally:
        venues.close()
    return [(m.get(11), m.get(39)) for m in sent if m.msg_type == "8" and m.get(150) == "I"]


async def _leave_an_order_working(store: Path, configs: tuple[SessionConfig, ...]) -> tuple[OrderId, int, int]:
    """Start a desk, leave a buy working at SIMC and stop: the order, and the session's epoch and next MsgSeqNum."""
    runtime = await Runtime.start(store, configs, SystemClock(), directory=DESK)
    session = runtime.gateway.sessions["SIMC"]
    await until(lambda: session.state is SessionState.ACTIVE)
    await until(lambda: runtime.prices.quote("BOLT") is not None)
    resting = spec(symbol="BOLT", side=Side.BUY, qty=Decimal(100), limit_px=Decimal("24.25"), destination="SIMC")
    oid = runtime.engine.submit(SubmitOrder(resting, TRADER)).order_id
    assert oid is not None
    await until(lambda: runtime.engine.ledger.orders[oid].status is OrderStatus.NEW)
    epoch, next_out = session.record.epoch, session.next_out
    await runtime.stop()
    return oid, epoch, next_out


def _wipe(folder: Path, name: str) -> None:
    for path in folder.glob(name + "*"):
        path.unlink()


def test_an_order_left_working_is_still_working_after_a_restart_and_the_numbers_continue(tmp_path: Path) -> None:
    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        store = tmp_path / "desk.db"
        oid, epoch, sent_before = await _leave_an_order_working(store, configs)

        runtime = await Runtime.start(store, configs, SystemClock(), directory=DESK)
        session = runtime.gateway.sessions["SIMC"]
        await until(lambda: session.state is SessionState.ACTIVE)
        assert session.record.epoch == epoch  # no sequence reset at this logon
        assert session.next_out > sent_before
        cl_ord_id = runtime.engine.ledger.orders[oid].cl_ord_id
        await until(lambda: (cl_ord_id, "0") in _status_answers(tmp_path / VENUE_STORE_FILE))
        assert runtime.engine.ledger.orders[oid].status is OrderStatus.NEW
        assert runtime.engine.cancel(CancelOrder(oid, TRADER)).accepted
        await until(lambda: runtime.engine.ledger.orders[oid].status is OrderStatus.CANCELED)
        await runtime.stop()

    asyncio.run(scenario())


def test_a_new_desk_store_logs_on_with_a_reset_and_learns_the_order_left_working_as_foreign(tmp_path: Path) -> None:
    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        store = tmp_path / "desk.db"
        oid, _, _ = await _leave_an_order_working(store, configs)
        _wipe(tmp_path, store.name)

        runtime = await Runtime.start(store, configs, SystemClock(), directory=DESK)
        session = runtime.gateway.sessions["SIMC"]
        await until(lambda: session.state is SessionState.ACTIVE)  # its logon reset the numbers: the venue took it
        anomalies = runtime.engine.book.anomalies.open
        await until(lambda: any(a.kind is AnomalyKind.FOREIGN_ORDER for a in anomalies.values()))
        [foreign] = [a for a in anomalies.values() if a.kind is AnomalyKind.FOREIGN_ORDER]
        assert "SIMC" in foreign.detail
        assert "Adopted as order" in foreign.detail
        assert runtime.engine.ledger.orders[oid].spec.trader == SYSTEM_USER  # adopted, as the system's (no trader's)
        await runtime.stop()

    asyncio.run(scenario())


def test_a_new_venue_store_resets_and_the_order_it_never_heard_of_ends(tmp_path: Path) -> None:
    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        store = tmp_path / "desk.db"
        oid, _, _ = await _leave_an_order_working(store, configs)
        _wipe(tmp_path, VENUE_STORE_FILE)

        runtime = await Runtime.start(store, configs, SystemClock(), directory=DESK)
        session = runtime.gateway.sessions["SIMC"]
        await until(lambda: session.state is SessionState.ACTIVE)
        await until(lambda: not runtime.engine.ledger.orders[oid].status.is_live)
        assert runtime.engine.ledger.orders[oid].status is OrderStatus.REJECTED  # the venue knows no such order
        await runtime.stop()

    asyncio.run(scenario())
