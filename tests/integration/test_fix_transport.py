"""Two session cores over real loopback TCP: logon, an order answered, a dropped line, reconnect, resend."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, time
from typing import Any

from app.engine.clock import Clock, FakeClock, SystemClock
from app.engine.fix import tags
from app.engine.fix.memory_application import MemoryApplication
from app.engine.fix.message import FixMessage
from app.engine.fix.schedule import SessionSchedule
from app.engine.fix.session import FixSession, Received
from app.engine.fix.session_fsm import SessionState
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import MsgType
from app.engine.fix.transport import Acceptor, Backoff, Initiator
from tests.support.fix_script import session_config


class Pair:
    """A desk initiator and a venue acceptor that acknowledges every order with an ExecutionReport."""

    def __init__(self, clock: Clock | None = None, **desk_options: Any) -> None:
        clock = clock or SystemClock()
        self.desk_store, self.venue_store = MemorySessionStore(), MemorySessionStore()
        self.desk_got: list[str] = []
        self.venue_got: list[str] = []
        self.desk_config = session_config("SIMA", "DESK", "VENUE", **desk_options)
        self.desk = FixSession(self.desk_config, clock, self.desk_store, initiator=True)
        self.venue = FixSession(session_config("DESK", "VENUE", "DESK"), clock, self.venue_store, initiator=False)
        self.desk_app = MemoryApplication(self.desk_store, self._desk_hears)
        self.venue_app = MemoryApplication(self.venue_store, self._venue_hears)
        self.acceptor = Acceptor("127.0.0.1", 0)
        self.acceptor.add(self.venue, self.venue_app)

    def _desk_hears(self, received: Received) -> list[FixMessage]:
        self.desk_got.append(received.message[tags.CL_ORD_ID])
        return []

    def _venue_hears(self, received: Received) -> list[FixMessage]:
        cl_ord_id = received.message[tags.CL_ORD_ID]
        self.venue_got.append(cl_ord_id)
        return [FixMessage(MsgType.EXECUTION_REPORT, [(tags.CL_ORD_ID, cl_ord_id), (tags.EXEC_ID, f"E-{cl_ord_id}")])]

    async def start(self, *, wait: bool = True) -> Initiator:
        self.desk.config = dataclasses.replace(self.desk_config, port=await self.acceptor.start())
        initiator = Initiator(self.desk, self.desk_app, Backoff(0.05, 0.2))
        initiator.recheck_every = 0.02
        initiator.start()
        if wait:
            await until(lambda: self.desk.state is SessionState.ACTIVE)
        return initiator

    def order(self, initiator: Initiator, cl_ord_id: str) -> None:
        initiator.write(self.desk_app.send(self.desk, [FixMessage(MsgType.NEW_ORDER_SINGLE, [(11, cl_ord_id)])]))


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls state that the code under test does not signal
            await asyncio.sleep(0.01)


def run(test: Callable[[], Coroutine[None, None, None]]) -> None:
    asyncio.run(test())


def test_an_order_is_acknowledged_over_loopback_and_logout_is_clean() -> None:
    async def scenario() -> None:
        pair = Pair()
        initiator = await pair.start()
        pair.order(initiator, "C-1")
        await until(lambda: pair.desk_got == ["C-1"])
        assert pair.venue_got == ["C-1"]
        await initiator.stop()
        assert pair.desk.state is SessionState.DISCONNECTED
        await until(lambda: pair.venue.state is SessionState.DISCONNECTED)
        await pair.acceptor.close()

    run(scenario)


def test_an_order_sent_while_the_line_is_down_arrives_by_resend_after_reconnect() -> None:
    async def scenario() -> None:
        pair = Pair()
        initiator = await pair.start()
        connection = pair.acceptor.connections["DESK"]
        connection.close()  # the venue drops the line
        await until(lambda: pair.desk.state is not SessionState.ACTIVE)
        pair.order(initiator, "C-2")  # stored with its number, not written
        await until(lambda: pair.desk_got == ["C-2"])
        assert pair.venue_got == ["C-2"]
        assert pair.desk.next_in == pair.venue.next_out
        assert pair.venue.next_in == pair.desk.next_out
        await initiator.stop()
        await pair.acceptor.close()

    run(scenario)


def test_a_fault_of_ours_while_handling_a_report_drops_the_line_but_never_ends_reconnecting() -> None:
    async def scenario() -> None:
        pair = Pair()
        hears = pair._desk_hears
        faults = ["C-1"]

        def faulty(received: Received) -> list[FixMessage]:
            if received.message[tags.CL_ORD_ID] in faults:
                faults.clear()
                raise ArithmeticError("a bug in the report mapping")
            return hears(received)

        pair.desk_app.handler = faulty
        initiator = await pair.start()
        logons = pair.desk.stats.logons
        pair.order(initiator, "C-1")
        await until(lambda: pair.desk.stats.logons > logons and pair.desk.state is SessionState.ACTIVE)
        assert "ArithmeticError: a bug in the report mapping" in initiator.last_error
        pair.order(initiator, "C-2")
        await until(lambda: "C-2" in pair.desk_got)
        await initiator.stop()
        await pair.acceptor.close()

    run(scenario)


def test_an_unknown_counterparty_is_refused() -> None:
    async def scenario() -> None:
        pair = Pair()
        port = await pair.acceptor.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        logon = FixMessage(MsgType.LOGON, [(98, 0), (108, 30), (49, "STRANGER"), (56, "VENUE"), (34, 1)])
        logon.append(52, SystemClock().now())
        writer.write(logon.encode())
        assert await asyncio.wait_for(reader.read(), 5) == b""
        writer.close()
        await pair.acceptor.close()

    run(scenario)


def test_a_session_connects_only_inside_its_hours_and_logs_out_when_they_end() -> None:
    async def scenario() -> None:
        clock = FakeClock(datetime(2026, 1, 5, 8, 59, 30, tzinfo=UTC))  # a Monday, half a minute before the open
        pair = Pair(clock, schedule=SessionSchedule(time(9), time(17)))
        initiator = await pair.start(wait=False)
        await until(lambda: initiator.opens_at is not None)
        await asyncio.sleep(0.1)
        assert pair.desk.state is SessionState.DISCONNECTED  # no attempt before the open, no backoff either
        assert (initiator.opens_at, initiator.attempts) == (datetime(2026, 1, 5, 9, tzinfo=UTC), 0)
        clock.advance(30)
        await until(lambda: pair.desk.state is SessionState.ACTIVE)
        assert initiator.opens_at is None
        clock.advance(8 * 3600)  # 17:00: the day's session ends
        await until(lambda: pair.desk.state is SessionState.DISCONNECTED)
        sent = pair.desk_store.outbound_messages(pair.desk.record.key, 1, None)
        assert b"\x0135=5\x01" in sent[-1][1]
        assert b"scheduled hours have ended" in sent[-1][1]
        await until(lambda: initiator.opens_at == datetime(2026, 1, 6, 9, tzinfo=UTC))
        await initiator.stop()
        await pair.acceptor.close()

    run(scenario)


def test_a_session_on_port_0_without_the_simulator_says_why_nothing_answers() -> None:
    async def scenario() -> None:
        store = MemorySessionStore()
        session = FixSession(session_config("SIMA", "DESK", "VENUE", port=0), SystemClock(), store, initiator=True)
        initiator = Initiator(session, MemoryApplication(store, lambda _: []), Backoff(0.05, 0.2))
        initiator.start()
        await until(lambda: initiator.attempts > 0)
        assert "port 0 means any free port, which only the embedded simulator can pick" in initiator.last_error
        await initiator.stop()

    run(scenario)
