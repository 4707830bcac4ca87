"""The real engine and its FIX gateway against a scripted venue acceptor over loopback TCP.

The venue here is a few lines of test code (acks, fills, cancels, status answers); the simulator's own
matching venue is tested in tests/integration with app/venue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.engine.clock import FakeClock, SystemClock
from app.engine.commands import CancelOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus
from app.engine.events import AnomalyKind, SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import AlertKind
from app.engine.fix.gateway import FixGateway
from app.engine.fix.health import Light, session_health
from app.engine.fix.memory_application import MemoryApplication
from app.engine.fix.message import FixMessage
from app.engine.fix.schedule import SessionSchedule
from app.engine.fix.session import FixSession, Received
from app.engine.fix.session_fsm import SessionState
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import MsgType
from app.engine.fix.transport import Acceptor, Backoff
from app.engine.fix.values import FixValue
from app.engine.ids import OrderId
from app.engine.venue_messages import ExecutionReport
from tests.support.engine_kit import DESK, TRADER, PassGate, spec
from tests.support.fix_reports import report_fields
from tests.support.fix_script import session_config
from tests.support.reports import VenueOrder


class ScriptedVenue:
    """Acks and fills every order in full; cancels when asked; answers status requests; can stay silent."""

    def __init__(self) -> None:
        self.store = MemorySessionStore()
        config = session_config("DESK", "VENUE", "DESK")
        self.session = FixSession(config, SystemClock(), self.store, initiator=False)
        self.app = MemoryApplication(self.store, self.hear)
        self.orders: dict[str, VenueOrder] = {}
        self.fill_orders = True
        self.silent = False
        self.fill_status = ""
        """An OrdStatus (39) code to put on fills instead of the right one (a venue sending codes FIX lacks)."""
        self.seen: list[str] = []

    def hear(self, received: Received) -> list[FixMessage]:
        msg = received.message
        self.seen.append(msg.msg_type)
        cl_ord_id = msg[tags.CL_ORD_ID]
        if msg.msg_type == MsgType.NEW_ORDER_SINGLE:
            order = self.orders[cl_ord_id] = VenueOrder(cl_ord_id, Decimal(msg[tags.ORDER_QTY]))
            if self.silent:
                return []
            reports = [order.ack()] + ([order.fill(order.qty, 10)] if self.fill_orders else [])
        elif msg.msg_type == MsgType.ORDER_CANCEL_REQUEST:
            reports = [self.orders[msg[tags.ORIG_CL_ORD_ID]].canceled(cl_ord_id)]
        elif msg.msg_type == MsgType.ORDER_STATUS_REQUEST:
            known = self.orders.get(cl_ord_id)
            reports = [known.ack()] if known is not None else []
        else:
            reports = []
        return [FixMessage(MsgType.EXECUTION_REPORT, self._fields(r)) for r in reports]

    def _fields(self, report: ExecutionReport) -> list[tuple[int, FixValue]]:
        fields = report_fields(report)
        if self.fill_status and report.exec_type is ExecType.TRADE:
            return [(t, self.fill_status if t == tags.ORD_STATUS else v) for t, v in fields]
        return fields


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls state that the code under test does not signal
            await asyncio.sleep(0.01)


def run(test: Callable[[Path], Coroutine[None, None, None]], tmp_path: Path) -> None:
    asyncio.run(test(tmp_path))


async def desk_and_venue(tmp_path: Path) -> tuple[Engine, FixGateway, ScriptedVenue, Acceptor]:
    venue = ScriptedVenue()
    acceptor = Acceptor("127.0.0.1", 0)
    acceptor.add(venue.session, venue.app)
    port = await acceptor.start()
    clock = SystemClock()
    gateway = FixGateway([session_config("SIMA", "DESK", "VENUE", port)], clock, Backoff(0.05, 0.2))
    engine = Engine.open(tmp_path / "desk.db", clock=clock, gate=PassGate(), outbound=gateway, directory=DESK)
    gateway.attach(engine)
    await gateway.start()
    await until(lambda: gateway.sessions["SIMA"].state is SessionState.ACTIVE)
    return engine, gateway, venue, acceptor


def status_of(engine: Engine, order_id: OrderId | None) -> OrderStatus:
    assert order_id is not None
    return engine.ledger.orders[order_id].status


def test_an_order_goes_out_durably_and_fills_from_the_venues_reports(tmp_path: Path) -> None:
    async def scenario(path: Path) -> None:
        engine, gateway, _venue, acceptor = await desk_and_venue(path)
        result = engine.submit(SubmitOrder(spec(qty=Decimal(100), destination="SIMA"), TRADER))
        assert result.accepted
        assert status_of(engine, result.order_id) is OrderStatus.PENDING_NEW  # sending is only a request
        await until(lambda: status_of(engine, result.order_id) is OrderStatus.FILLED)
        assert result.order_id is not None
        assert engine.ledger.orders[result.order_id].cum_qty == 100
        stored = [raw for _, raw in engine.store.outbound_messages("SIMA:1", 1, None)]
        assert [b"\x0135=A\x01" in stored[0], b"\x0135=D\x01" in stored[1]] == [True, True]  # on disk before sent
        assert engine.store.inbound_messages([str(result.order_id)])  # the reports are kept for the timeline
        await gateway.stop()
        await acceptor.close()
        engine.close()

    run(scenario, tmp_path)


def test_cancel_shows_pending_until_the_venue_confirms(tmp_path: Path) -> None:
    async def scenario(path: Path) -> None:
        engine, gateway, venue, acceptor = await desk_and_venue(path)
        venue.fill_orders = False
        order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100), destination="SIMA"), TRADER)).order_id
        await until(lambda: status_of(engine, order_id) is OrderStatus.NEW)
        assert order_id is not None
        assert engine.cancel(CancelOrder(order_id, TRADER)).accepted
        assert status_of(engine, order_id) is OrderStatus.PENDING_CANCEL
        await until(lambda: status_of(engine, order_id) is OrderStatus.CANCELED)
        await gateway.stop()
        await acceptor.close()
        engine.close()

    run(scenario, tmp_path)


def test_a_dropped_line_makes_pending_orders_unknown_until_the_status_answer(tmp_path: Path) -> None:
    async def scenario(path: Path) -> None:
        engine, gateway, venue, acceptor = await desk_and_venue(path)
        venue.fill_orders, venue.silent = False, True
        order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100), destination="SIMA"), TRADER)).order_id
        await until(lambda: MsgType.NEW_ORDER_SINGLE in venue.seen)
        acceptor.connections["DESK"].close()
        await until(lambda: status_of(engine, order_id) is OrderStatus.UNKNOWN)
        venue.silent = False
        await until(lambda: MsgType.ORDER_STATUS_REQUEST in venue.seen)
        await until(lambda: status_of(engine, order_id) is OrderStatus.NEW)
        await gateway.stop()
        await acceptor.close()
        engine.close()

    run(scenario, tmp_path)


def test_an_order_entered_while_the_line_is_down_reaches_the_venue_by_resend(tmp_path: Path) -> None:
    async def scenario(path: Path) -> None:
        engine, gateway, _venue, acceptor = await desk_and_venue(path)
        acceptor.connections["DESK"].close()
        await until(lambda: gateway.sessions["SIMA"].state is not SessionState.ACTIVE)
        order_id = engine.submit(SubmitOrder(spec(qty=Decimal(5), destination="SIMA"), TRADER)).order_id
        await until(lambda: status_of(engine, order_id) is OrderStatus.FILLED)
        await gateway.stop()
        await acceptor.close()
        engine.close()

    run(scenario, tmp_path)


def test_a_line_outside_its_hours_is_closed_not_lost(tmp_path: Path) -> None:
    async def scenario(path: Path) -> None:
        clock = FakeClock(datetime(2026, 1, 5, 6, tzinfo=UTC))  # Monday 06:00, before a 09:00-17:00 session
        config = session_config("SIMA", "DESK", "VENUE", schedule=SessionSchedule(time(9), time(17)))
        gateway = FixGateway([config], clock, Backoff(0.05, 0.2))
        engine = Engine.open(path / "desk.db", clock=clock, gate=PassGate(), outbound=gateway, directory=DESK)
        gateway.attach(engine)
        await gateway.start()
        await until(lambda: gateway.initiators["SIMA"].opens_at is not None)
        assert not gateway.line_up("SIMA")
        assert gateway.line_sound("SIMA")  # so the session-loss trigger leaves the venue alone
        (health,) = session_health(gateway)
        assert (health.state_text, health.light, health.attempts) == ("closed: opens Mon 09:00 UTC", Light.AMBER, 0)
        await gateway.stop()
        engine.close()

    run(scenario, tmp_path)


def test_a_fill_the_desk_cannot_read_is_refused_and_waits_as_an_anomaly_on_its_order(tmp_path: Path) -> None:
    async def scenario(path: Path) -> None:
        engine, gateway, venue, acceptor = await desk_and_venue(path)
        venue.fill_status = "Z"
        order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100), destination="SIMA"), TRADER)).order_id
        await until(lambda: bool(engine.book.anomalies.open))
        (anomaly,) = engine.book.anomalies.open.values()
        assert (anomaly.kind, anomaly.order_id) == (AnomalyKind.UNREADABLE_REPORT, order_id)
        assert "|39=Z|" in anomaly.detail
        assert order_id is not None
        order = engine.ledger.orders[order_id]
        assert (order.status, order.cum_qty) == (OrderStatus.NEW, 0)  # the ack applied, the fill held
        sent = [raw for _, raw in engine.store.outbound_messages("SIMA:1", 1, None)]
        assert any(b"\x0135=3\x01" in raw and b"\x01373=5\x01" in raw for raw in sent)  # answered with a Reject
        await gateway.stop()
        await acceptor.close()
        engine.close()

    run(scenario, tmp_path)


def test_a_fault_of_ours_is_a_session_alert_people_see_and_the_venue_sends_the_batch_again(tmp_path: Path) -> None:
    async def scenario(path: Path) -> None:
        engine, gateway, _venue, acceptor = await desk_and_venue(path)
        heard: list[SessionAlertRaised] = []
        gateway.subscribe_alerts(lambda _at, alert: heard.append(alert))
        apply = engine.apply_venue_messages
        faults = [ArithmeticError("a bug in the report mapping")]

        def faulty(*args: Any, **kwargs: Any) -> Any:
            if faults:
                raise faults.pop()
            return apply(*args, **kwargs)

        engine.apply_venue_messages = faulty  # type: ignore[method-assign]
        order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100), destination="SIMA"), TRADER)).order_id
        await until(lambda: any(a.kind is AlertKind.INTERNAL_FAULT for a in heard))
        (fault,) = [a for a in heard if a.kind is AlertKind.INTERNAL_FAULT]
        assert fault.text.startswith("SIMA: the desk closed the connection after a fault of its own")
        assert "ArithmeticError: a bug in the report mapping" in fault.text
        await until(lambda: status_of(engine, order_id) is OrderStatus.FILLED)  # the reports the fault lost, resent
        await gateway.stop()
        await acceptor.close()
        engine.close()

    run(scenario, tmp_path)
