"""Measure the desk's FIX intake and send path over loopback TCP, in one run.

Intake: a venue acceptor writes N execution reports (an ack, then fills of 1 share each) for one order as
fast as the socket takes them; the desk's initiator frames, checks and sequences them, maps them and
applies them to the engine with one durable commit (synchronous=FULL) per socket read, inbound MsgSeqNum
and raw messages included. The clock runs from the first byte written to the engine showing the last
fill. Baseline in the same run: our framer + parser alone on the same bytes. For reference, ENVIRONMENT.md
measured a QuickFIX/Python 1.16 initiator absorbing ~24,000 reports/s with file stores on this machine; when
quickfix is installed (``python3 dev.py interop``) that baseline is measured in the same run too
(bench/quickfix_baseline.py) and our rate is given as a ratio to it.

Send path: ``Engine.submit`` of a limit order, from the call to the bytes handed to the socket, including
the durable commit of the order's event and its stored NewOrderSingle; p50 and p99 over the orders.
Headline last: ``fix_reports_applied``.

Run: ``python3 dev.py bench fix``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.engine.clock import SystemClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.fix.framer import FixFramer, Frame
from app.engine.fix.gateway import FixGateway
from app.engine.fix.memory_application import MemoryApplication
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.session import FixSession, Received
from app.engine.fix.session_fsm import SessionState
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import MsgType
from app.engine.fix.transport import Acceptor
from app.engine.ids import ClOrdId
from app.engine.risk import DestinationGate
from bench.harness import figure, percentile
from bench.quickfix_baseline import initiator_rate
from tests.support.engine_kit import DESK, TRADER, spec
from tests.support.fix_reports import report_fields
from tests.support.fix_script import session_config
from tests.support.reports import VenueOrder

REPORTS = 50_000
ORDERS = 500
CHUNK = 2_000


async def until(condition: Callable[[], bool], seconds: float = 120.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls engine state that has no signal to wait on
            await asyncio.sleep(0.001)


async def run(workdir: Path) -> None:
    clock = SystemClock()
    venue_store = MemorySessionStore()
    venue = FixSession(session_config("DESK", "VENUE", "DESK", 0), clock, venue_store, initiator=False)
    arrived: list[str] = []

    def hear(received: Received) -> list[FixMessage]:
        arrived.append(received.message.msg_type)
        return []

    venue_app = MemoryApplication(venue_store, hear)
    acceptor = Acceptor("127.0.0.1", 0)
    acceptor.add(venue, venue_app)
    port = await acceptor.start()
    gateway = FixGateway([session_config("SIMA", "DESK", "VENUE", port)], clock)
    engine = Engine.open(
        workdir / "desk.db", clock=clock, gate=DestinationGate(["SIMA"]), outbound=gateway, directory=DESK
    )
    gateway.attach(engine)
    await gateway.start()
    await until(lambda: gateway.sessions["SIMA"].state is SessionState.ACTIVE and venue.is_active)

    # Send path: submit -> bytes on the socket, durable commit included.
    samples = []
    for _ in range(ORDERS):
        start = time.perf_counter()
        engine.submit(SubmitOrder(spec(symbol="ACME", destination="SIMA"), TRADER))
        samples.append((time.perf_counter() - start) * 1000)
    await until(lambda: arrived.count(MsgType.NEW_ORDER_SINGLE) == ORDERS)

    # Intake: pre-stamp every report, then write them as fast as the socket takes them.
    target = VenueOrder("BENCH-1", REPORTS)
    reports = [target.ack()] + [target.fill(1, 10) for _ in range(REPORTS - 1)]
    engine.submit(
        SubmitOrder(spec(symbol="ACME", destination="SIMA", qty=Decimal(REPORTS)), TRADER, ClOrdId("BENCH-1"))
    )
    await until(lambda: arrived.count(MsgType.NEW_ORDER_SINGLE) == ORDERS + 1)
    wire = venue_app.send(venue, [FixMessage(MsgType.EXECUTION_REPORT, report_fields(r)) for r in reports])
    data = [b"".join(o.raw for o in wire[i : i + CHUNK]) for i in range(0, len(wire), CHUNK)]

    baseline_start = time.perf_counter()
    framer = FixFramer()
    parsed = sum(
        1 for chunk in data for item in framer.feed(chunk) if isinstance(item, Frame) and parse_message(item.raw)
    )
    baseline = parsed / (time.perf_counter() - baseline_start)

    writer = acceptor.connections["DESK"]._writer
    order = engine.ledger.find(ClOrdId("BENCH-1"))
    assert order is not None
    start = time.perf_counter()
    for chunk in data:
        writer.write(chunk)
        await writer.drain()
    await until(lambda: engine.ledger.orders[order.order_id].cum_qty == REPORTS - 1)
    rate = REPORTS / (time.perf_counter() - start)

    figure("framer_parse_baseline", baseline, "reports/s")
    figure("submit_to_socket_p50", percentile(samples, 50), "ms")
    figure("submit_to_socket_p99", percentile(samples, 99), "ms")
    figure("fix_reports_vs_parse_baseline", rate / baseline, "x")
    await gateway.stop()
    engine.close()
    await acceptor.close()
    quickfix = initiator_rate(REPORTS, workdir / "quickfix")
    if quickfix is not None:
        figure("quickfix_initiator_reports", quickfix, "reports/s")
        figure("fix_reports_vs_quickfix_initiator", rate / quickfix, "x")
    figure("fix_reports_vs_quickfix_reference_24k", rate / 24_000, "x")
    figure("fix_reports_applied", rate, "reports/s")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(Path(tmp)))


if __name__ == "__main__":
    main()
